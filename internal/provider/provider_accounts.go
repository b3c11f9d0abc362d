package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golive-dev/terraform-provider-golive/internal/awsclient"
)

// accountIDsAttribute is allowed_account_ids or forbidden_account_ids, as
// in the hashicorp/aws provider; other names the attribute it conflicts with.
func accountIDsAttribute(name, other string) schema.SetAttribute {
	what := "Refuse to run unless the workload credentials are for one of these AWS accounts"
	if name == "forbidden_account_ids" {
		what = "Refuse to run with workload credentials of any of these AWS accounts"
	}
	return schema.SetAttribute{
		ElementType: types.StringType,
		Optional:    true,
		MarkdownDescription: what + " (account IDs, 12 digits). The provider asks STS once (sts:GetCallerIdentity) when it is configured, " +
			"so a plan with the wrong credentials fails before it reads or changes anything. Conflicts with `" + other + "`.",
		Validators: []validator.Set{
			setvalidator.SizeAtLeast(1),
			setvalidator.ConflictsWith(path.MatchRoot(other)),
			setvalidator.ValueStringsAre(stringvalidator.RegexMatches(accountIDPattern, "must be a 12-digit AWS account ID such as 111111111111")),
		},
	}
}

// checkAccount refuses workload credentials of an account that
// allowed_account_ids leaves out or forbidden_account_ids names. Settings
// unknown until apply are checked when apply configures the provider,
// before any resource changes.
func checkAccount(ctx context.Context, m providerModel, clients *awsclient.Clients, diags *diagnostics) {
	if m.Allowed.IsNull() && m.Forbidden.IsNull() || !awsSettingsKnown(m) {
		return
	}
	attr, ids := "allowed_account_ids", m.Allowed
	if !m.Forbidden.IsNull() {
		attr, ids = "forbidden_account_ids", m.Forbidden
	}
	var list []string
	if d := ids.ElementsAs(ctx, &list, false); d.HasError() {
		diags.Append(d...)
		return
	}
	id, err := clients.CallerIdentity(ctx)
	if err != nil {
		diags.AddAttributeError(path.Root(attr), "checking the AWS account", fmt.Sprintf("reading the account of the provider's credentials to check %s: %s", attr, err))
		return
	}
	slices.Sort(list)
	listed := slices.Contains(list, id.Account)
	switch {
	case attr == "allowed_account_ids" && !listed:
		diags.AddAttributeError(path.Root(attr), "AWS account not allowed",
			fmt.Sprintf("the provider's credentials are for AWS account %s (%s), but allowed_account_ids allows only %s. "+
				"Use the credentials, profile or assume_role of an allowed account, or add %s to allowed_account_ids if it is meant to be used.",
				id.Account, id.ARN, strings.Join(list, ", "), id.Account))
	case attr == "forbidden_account_ids" && listed:
		diags.AddAttributeError(path.Root(attr), "AWS account forbidden",
			fmt.Sprintf("the provider's credentials are for AWS account %s (%s), which forbidden_account_ids lists (%s). "+
				"Use the credentials, profile or assume_role of another account.", id.Account, id.ARN, strings.Join(list, ", ")))
	}
}

// awsSettingsKnown says whether everything that decides the workload
// credentials is known, as it always is at apply.
func awsSettingsKnown(m providerModel) bool {
	for _, v := range []interface{ IsUnknown() bool }{m.Region, m.Profile, m.Endpoints, m.Allowed, m.Forbidden} {
		if v.IsUnknown() {
			return false
		}
	}
	for _, ar := range m.AssumeRole {
		if !ar.known() {
			return false
		}
	}
	return true
}
