package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golive-dev/terraform-provider-golive/internal/awsclient"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// ledgerModel is the provider's ledger block: where the ledger table lives
// when it is not beside the workload.
type ledgerModel struct {
	Table      types.String      `tfsdk:"table"`
	Region     types.String      `tfsdk:"region"`
	AssumeRole []assumeRoleModel `tfsdk:"assume_role"`
}

// ledgerRoleMaxDuration bounds a ledger role session: the role is assumed
// with the workload credentials, which are themselves a role session
// wherever CI or the provider's assume_role made them, and STS gives such
// chained sessions at most an hour. golive renews the session anyway.
const ledgerRoleMaxDuration = time.Hour

func tableNameValidators() []validator.String {
	return []validator.String{stringvalidator.LengthBetween(3, 255), stringvalidator.RegexMatches(tableNamePattern, "must be 3-255 letters, digits, '_', '-' or '.'")}
}

func ledgerTableAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "DynamoDB table of the golive ledger. Deprecated: use `ledger { table }`, which can also name the table's region and account.",
		DeprecationMessage:  "ledger_table is deprecated: use ledger { table = \"...\" } instead (the block can also give the ledger's region and the role of its account).",
		Validators:          tableNameValidators(),
	}
}

func ledgerBlock() schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: "Where the golive ledger lives (records, events and locks), when one ledger serves many accounts and regions. " +
			"Without the block, or for what it leaves out: table `" + ledger.DefaultTable + "` in the provider's own region and account, reached with the workload credentials. " +
			"Only the ledger's calls use `region` and `assume_role`; every other call uses the workload credentials, and the ledger's actor stays " +
			"their caller identity, never the ledger role. The provider's `endpoints` (`dynamodb`, `sts`) serve the ledger's calls too, " +
			"so an endpoint URL of one region (a VPC endpoint) must not be set for a ledger in another.",
		Validators: []validator.List{listvalidator.SizeAtMost(1)},
		NestedObject: schema.NestedBlockObject{
			Attributes: map[string]schema.Attribute{
				"table": schema.StringAttribute{Optional: true, Validators: tableNameValidators(),
					MarkdownDescription: "DynamoDB table of the ledger. Default `" + ledger.DefaultTable + "`; `modules/ledger` creates it."},
				"region": schema.StringAttribute{Optional: true,
					MarkdownDescription: "Region of the table. Default: the provider's region.",
					Validators:          []validator.String{stringvalidator.RegexMatches(regionPattern, "must be an AWS region code such as us-east-1")}},
			},
			Blocks: map[string]schema.Block{
				"assume_role": assumeRoleBlock("The role of the account that holds the ledger table (`modules/ledger` creates it with `trusted_account_ids`). "+
					"It is assumed with the workload credentials, after the provider's own `assume_role`: its trust policy names the workload accounts or roles.",
					"visible in the ledger account's CloudTrail (the ledger's actor is the workload identity)", ledgerRoleMaxDuration),
			},
		},
	}
}

// ConfigValidators: ledger_table and the ledger block are two ways of
// saying one thing, so only one of them may be used.
func (p *goliveProvider) ConfigValidators(context.Context) []provider.ConfigValidator {
	return []provider.ConfigValidator{ledgerTableOrBlock{}}
}

type ledgerTableOrBlock struct{}

func (ledgerTableOrBlock) Description(context.Context) string {
	return "ledger_table and the ledger block are not used together"
}

func (v ledgerTableOrBlock) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (ledgerTableOrBlock) ValidateProvider(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var table types.String
	var blocks types.List
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("ledger_table"), &table)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("ledger"), &blocks)...)
	if resp.Diagnostics.HasError() || table.IsNull() || len(blocks.Elements()) == 0 {
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("ledger_table"), "ledger_table beside a ledger block",
		"ledger_table is a deprecated alias of ledger { table }, and the provider block has both. Move the table name into the ledger block "+
			"(ledger { table = \"...\" }) and remove ledger_table.")
}

// openLedger returns the ledger the provider's configuration points at,
// with its own clients when it lives in another region or account.
func openLedger(m providerModel, workload *awsclient.Clients, diags *diagnostics) *ledger.Ledger {
	table := m.LedgerTable.ValueString()
	var access awsclient.LedgerAccess
	known := !m.LedgerTable.IsUnknown()
	if len(m.Ledger) == 1 {
		b := m.Ledger[0]
		known = known && !b.Table.IsUnknown() && !b.Region.IsUnknown()
		table, access.Region = b.Table.ValueString(), b.Region.ValueString()
		if len(b.AssumeRole) == 1 {
			known = known && b.AssumeRole[0].known()
			access.AssumeRole = b.AssumeRole[0].hop("the provider's ledger.assume_role, assumed with the workload credentials")
		}
	}
	if !known {
		// Plans read the ledger (promotion gates, locks, whether an
		// environment exists): reading another one than apply would use
		// could let a release through that the right ledger refuses.
		diags.AddAttributeError(path.Root("ledger"), "ledger settings unknown at plan",
			"the ledger's table, region or role is known only after apply (it refers to a resource not created yet), but golive reads the ledger at plan. "+
				"Give these settings values known before apply, such as the ledger account's id in a variable; create the ledger and its role first (modules/ledger).")
		return nil
	}
	if table == "" {
		table = ledger.DefaultTable
	}
	lc := workload.ForLedger(access)
	return ledger.New(lc.DynamoDB(), table, lc.Region(), ledger.InAccount(access.Account()))
}
