package provider

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golive-dev/terraform-provider-golive/internal/awsclient"
	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

// assumeRoleBlock is an assume_role block: the provider's own, or the
// ledger's. sessionName says what the session name is seen as; maxDuration
// bounds a session.
func assumeRoleBlock(description, sessionName string, maxDuration time.Duration) schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: description,
		Validators:          []validator.List{listvalidator.SizeAtMost(1)},
		NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
			"role_arn": schema.StringAttribute{
				Required: true, MarkdownDescription: "ARN of the role to assume.",
				Validators: []validator.String{stringvalidator.RegexMatches(roleARNPattern, "must be an IAM role ARN such as arn:aws:iam::111111111111:role/deployer")},
			},
			"session_name": schema.StringAttribute{Optional: true, MarkdownDescription: "Session name, " + sessionName + ". Default `golive`.",
				Validators: []validator.String{stringvalidator.RegexMatches(sessionNamePattern, "must be 2-64 letters, digits or any of +=,.@-")}},
			"external_id": schema.StringAttribute{Optional: true, MarkdownDescription: "External ID the role's trust policy requires.",
				Validators: []validator.String{stringvalidator.LengthBetween(2, 1224), stringvalidator.RegexMatches(externalIDPattern, "must be 2-1224 letters, digits or any of +=,.@:/-")}},
			"duration": schema.StringAttribute{
				Optional: true, MarkdownDescription: "Length of each session as a Go duration, e.g. `1h`, at most `" + rollout.ShortDuration(maxDuration) + "`. Default 15m. golive renews the session a minute before it ends, for as long as the credentials it is assumed with last.",
				Validators: []validator.String{durationString(15*time.Minute, maxDuration)},
			},
		}},
	}
}

// hop is the block as an sts:AssumeRole hop; setting names the block in
// errors.
func (ar assumeRoleModel) hop(setting string) *awsclient.AssumeRole {
	h := &awsclient.AssumeRole{
		RoleARN: ar.RoleARN.ValueString(), SessionName: ar.SessionName.ValueString(), ExternalID: ar.ExternalID.ValueString(), Setting: setting,
	}
	if d := ar.Duration.ValueString(); d != "" {
		h.Duration, _ = time.ParseDuration(d) // validated by the schema
	}
	return h
}

func (ar assumeRoleModel) known() bool {
	for _, v := range []types.String{ar.RoleARN, ar.SessionName, ar.ExternalID, ar.Duration} {
		if v.IsUnknown() {
			return false
		}
	}
	return true
}
