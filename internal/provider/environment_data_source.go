package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golive-dev/terraform-provider-golive/internal/envconfig"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

var _ datasource.DataSourceWithConfigure = &environmentDataSource{}

func newEnvironmentDataSource() datasource.DataSource { return &environmentDataSource{} }

type environmentDataSource struct {
	data *providerData
}

type environmentDataModel struct {
	ID                 types.String `tfsdk:"id"`
	Application        types.String `tfsdk:"application"`
	Name               types.String `tfsdk:"name"`
	Tier               types.String `tfsdk:"tier"`
	PromotesFrom       types.String `tfsdk:"promotes_from"`
	Parity             types.String `tfsdk:"parity"`
	Variables          types.Map    `tfsdk:"variables"`
	SecretKeys         types.Set    `tfsdk:"secret_keys"`
	AWSAccountID       types.String `tfsdk:"aws_account_id"`
	DeletionProtection types.Bool   `tfsdk:"deletion_protection"`
	Freeze             types.List   `tfsdk:"freeze"`
	DeployWindow       types.Object `tfsdk:"deploy_window"`
	Notify             types.Object `tfsdk:"notify"`
	UpdatedAt          types.String `tfsdk:"updated_at"`
	UpdatedBy          types.String `tfsdk:"updated_by"`
}

var (
	freezeAttrTypes = map[string]attr.Type{"start": types.StringType, "end": types.StringType, "reason": types.StringType}
	windowAttrTypes = map[string]attr.Type{"days": types.ListType{ElemType: types.StringType}, "start": types.StringType, "end": types.StringType, "timezone": types.StringType,
		"enforce": types.StringType}
)

func (d *environmentDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_environment"
}

func (d *environmentDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads an environment declared elsewhere (another stack, another pipeline) from the golive ledger and its variables from SSM Parameter Store. Secret values are never read, only their names.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Required: true, MarkdownDescription: "`<application>/<name>`, e.g. `shop/staging`.",
				Validators: []validator.String{stringvalidator.RegexMatches(environmentIDPattern, "must be <application>/<name>, e.g. shop/staging")}},
			"application":         computed("Application."),
			"name":                computed("Environment name."),
			"tier":                computed("`development`, `staging` or `production`."),
			"promotes_from":       computed("Environment releases must be verified in first, if any."),
			"parity":              computed("`off`, `warn` or `strict`."),
			"variables":           schema.MapAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "Variables, as in Parameter Store."},
			"secret_keys":         schema.SetAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "Names of the secrets."},
			"aws_account_id":      computed("Account guard, if set."),
			"deletion_protection": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether destroy is refused."},
			"freeze": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "Freeze windows.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"start": computed("RFC 3339 start."), "end": computed("RFC 3339 end."), "reason": computed("Reason."),
				}}},
			"deploy_window": schema.SingleNestedAttribute{Computed: true, MarkdownDescription: "Recurring deploy window, if any.",
				Attributes: map[string]schema.Attribute{
					"days":  schema.ListAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "Weekdays."},
					"start": computed("Opening time."), "end": computed("Closing time."), "timezone": computed("IANA time zone."),
					"enforce": computed("When a release outside the window is refused: `plan` or `apply`."),
				}},
			"notify": schema.SingleNestedAttribute{Computed: true, MarkdownDescription: "Notification targets, if any.",
				Attributes: notifyDataAttributes()},
			"updated_at": computed("When the record last changed (RFC 3339)."),
			"updated_by": computed("Who changed it last (STS caller ARN)."),
		},
	}
}

func (d *environmentDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *environmentDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m environmentDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := m.ID.ValueString()
	summary := fmt.Sprintf("reading golive environment (%s)", id)
	rec, err := d.data.ledger.GetEnvironment(ctx, id)
	if errors.Is(err, ledger.ErrNotFound) {
		resp.Diagnostics.AddError(summary, fmt.Sprintf("environment %s is not in the golive ledger table %s: check the id and where the provider looks for the ledger (its ledger block: table, region, assume_role)", id, d.data.ledger.Table()))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(summary, err.Error())
		return
	}
	snap, err := envconfig.New(d.data.aws.SSM(), rec.Application, rec.Name, nil).Read(ctx)
	if err != nil {
		resp.Diagnostics.AddError(summary, err.Error())
		return
	}
	m.Application = types.StringValue(rec.Application)
	m.Name = types.StringValue(rec.Name)
	m.Tier = types.StringValue(rec.Tier)
	m.PromotesFrom = optionalString(rec.PromotesFrom)
	m.Parity = types.StringValue(rec.Parity)
	m.Variables = types.MapValueMust(types.StringType, stringValues(snap.Variables))
	m.SecretKeys = setOfStrings(snap.SecretKeys)
	m.AWSAccountID = optionalString(rec.AWSAccountID)
	m.DeletionProtection = types.BoolValue(rec.DeletionProtection)
	m.UpdatedAt = types.StringValue(rec.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z07:00"))
	m.UpdatedBy = types.StringValue(rec.UpdatedBy)

	m.Freeze = freezesValue(rec.Freezes)
	m.DeployWindow = types.ObjectNull(windowAttrTypes)
	if w := rec.DeployWindow; w != nil {
		m.DeployWindow = windowObject(w)
	}
	m.Notify = types.ObjectNull(notifyDataAttrTypes)
	if n := rec.Notify; n != nil {
		m.Notify = notifyDataObject(n)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}
