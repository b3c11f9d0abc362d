package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golive-dev/terraform-provider-golive/internal/envconfig"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/notify"
)

// eventBusARNPattern matches an EventBridge event bus ARN.
var eventBusARNPattern = regexp.MustCompile(`^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus/[A-Za-z0-9._/-]{1,256}$`)

// minWebhookSecret is the shortest webhook signing secret accepted.
const minWebhookSecret = 16

type notifyModel struct {
	SNSTopicARN            types.String `tfsdk:"sns_topic_arn"`
	EventBusARN            types.String `tfsdk:"event_bus_arn"`
	WebhookURL             types.String `tfsdk:"webhook_url"`
	WebhookFormat          types.String `tfsdk:"webhook_format"`
	WebhookSecretWO        types.String `tfsdk:"webhook_secret_wo"`
	WebhookSecretWOVersion types.Int64  `tfsdk:"webhook_secret_wo_version"`
}

var (
	notifyAttrTypes = map[string]attr.Type{"sns_topic_arn": types.StringType, "event_bus_arn": types.StringType, "webhook_url": types.StringType,
		"webhook_format": types.StringType, "webhook_secret_wo": types.StringType, "webhook_secret_wo_version": types.Int64Type}
	// notifyDataAttrTypes are those of golive_environment's data source,
	// which has no secret.
	notifyDataAttrTypes = map[string]attr.Type{"sns_topic_arn": types.StringType, "event_bus_arn": types.StringType, "webhook_url": types.StringType,
		"webhook_format": types.StringType, "webhook_signed": types.BoolType}
)

// notifyAttributes is the schema of golive_environment's notify block.
func notifyAttributes() map[string]schema.Attribute {
	sibling := func(name string) path.Expression { return path.MatchRelative().AtParent().AtName(name) }
	return map[string]schema.Attribute{
		"sns_topic_arn": schema.StringAttribute{Optional: true, MarkdownDescription: "SNS topic that receives event JSON.",
			Validators: []validator.String{stringvalidator.RegexMatches(snsTopicARNPattern, "must be an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:deploys")}},
		"event_bus_arn": schema.StringAttribute{Optional: true,
			MarkdownDescription: "EventBridge event bus that receives every event with `PutEvents`: source `golive`, detail-type the event's kind, detail the event JSON.",
			Validators: []validator.String{stringvalidator.RegexMatches(eventBusARNPattern,
				"must be an EventBridge event bus ARN such as arn:aws:events:us-east-1:123456789012:event-bus/default")}},
		"webhook_url": schema.StringAttribute{Optional: true, Sensitive: true,
			MarkdownDescription: "HTTP(S) endpoint that receives each event by POST. Sensitive: chat webhook URLs hold a token; errors show only its scheme and host.",
			Validators:          []validator.String{httpURL()}},
		"webhook_format": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(notify.FormatJSON),
			MarkdownDescription: "`json` (default): the event JSON. `slack`: a Slack message (`text` and Block Kit `blocks`) for an incoming webhook.",
			Validators:          []validator.String{stringvalidator.OneOf(notify.Formats...)}},
		"webhook_secret_wo": schema.StringAttribute{Optional: true, Sensitive: true, WriteOnly: true,
			MarkdownDescription: fmt.Sprintf("Write-only: signs every webhook body with HMAC-SHA256 in `X-Golive-Signature: sha256=<hex>`. "+
				"At least %d characters. Kept only as an SSM SecureString (`/golive/<application>/<name>/notify/webhook_secret`), never in state, plan, ledger or logs; "+
				"written when `webhook_secret_wo_version` changes. Requires `webhook_url` and `webhook_secret_wo_version`.", minWebhookSecret),
			Validators: []validator.String{stringvalidator.LengthAtLeast(minWebhookSecret),
				stringvalidator.AlsoRequires(sibling("webhook_url"), sibling("webhook_secret_wo_version"))}},
		"webhook_secret_wo_version": schema.Int64Attribute{Optional: true,
			MarkdownDescription: "Bump to write `webhook_secret_wo` again (rotation): Terraform cannot see changes of write-only values. Required with `webhook_secret_wo`; removing both stops signing.",
			Validators:          []validator.Int64{int64validator.AtLeast(1), int64validator.AlsoRequires(sibling("webhook_secret_wo"))}},
	}
}

// notifyDataAttributes is the schema of the data source's notify.
func notifyDataAttributes() map[string]dsschema.Attribute {
	computed := func(desc string) dsschema.StringAttribute {
		return dsschema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	return map[string]dsschema.Attribute{
		"sns_topic_arn": computed("SNS topic."), "event_bus_arn": computed("EventBridge event bus."),
		"webhook_url":    dsschema.StringAttribute{Computed: true, Sensitive: true, MarkdownDescription: "Webhook URL."},
		"webhook_format": computed("`json` or `slack`."),
		"webhook_signed": dsschema.BoolAttribute{Computed: true, MarkdownDescription: "Whether webhook bodies are signed (the secret is never read)."},
	}
}

// notifyRecord is the ledger's record of the notify block: the secret's
// version, never the secret.
func notifyRecord(n *notifyModel) *ledger.NotifyRecord {
	return &ledger.NotifyRecord{SNSTopicARN: n.SNSTopicARN.ValueString(), EventBusARN: n.EventBusARN.ValueString(),
		WebhookURL: n.WebhookURL.ValueString(), WebhookFormat: n.WebhookFormat.ValueString(),
		WebhookSecretVersion: n.WebhookSecretWOVersion.ValueInt64Pointer()}
}

func notifyObject(n *ledger.NotifyRecord) types.Object {
	format := n.WebhookFormat
	if format == "" {
		format = notify.FormatJSON
	}
	return types.ObjectValueMust(notifyAttrTypes, map[string]attr.Value{
		"sns_topic_arn": optionalString(n.SNSTopicARN), "event_bus_arn": optionalString(n.EventBusARN), "webhook_url": optionalString(n.WebhookURL),
		"webhook_format": types.StringValue(format), "webhook_secret_wo": types.StringNull(),
		"webhook_secret_wo_version": types.Int64PointerValue(n.WebhookSecretVersion)})
}

func notifyDataObject(n *ledger.NotifyRecord) types.Object {
	format := n.WebhookFormat
	if format == "" {
		format = notify.FormatJSON
	}
	return types.ObjectValueMust(notifyDataAttrTypes, map[string]attr.Value{
		"sns_topic_arn": optionalString(n.SNSTopicARN), "event_bus_arn": optionalString(n.EventBusARN), "webhook_url": optionalString(n.WebhookURL),
		"webhook_format": types.StringValue(format), "webhook_signed": types.BoolValue(n.WebhookSecretVersion != nil)})
}

// notifyEmpty says whether a notify block names no target.
func notifyEmpty(n *notifyModel) bool {
	return n.SNSTopicARN.IsNull() && n.EventBusARN.IsNull() && n.WebhookURL.IsNull()
}

// syncWebhookSecret writes the webhook secret of config to SSM when its
// version changed from old (nil: none before), or deletes it when the plan
// has none. It says whether it created the parameter, for an undo.
func syncWebhookSecret(ctx context.Context, store *envconfig.Store, old *int64, plan, config environmentModel, diags *diagnostics) (created bool, err error) {
	var version *int64
	secret := ""
	if n := plan.blocks(ctx, diags).notify; n != nil {
		version = n.WebhookSecretWOVersion.ValueInt64Pointer()
	}
	if n := config.blocks(ctx, diags).notify; n != nil {
		secret = n.WebhookSecretWO.ValueString()
	}
	switch {
	case version == nil && old == nil:
		return false, nil
	case version == nil:
		return false, store.Delete(ctx, envconfig.Notify, []string{envconfig.WebhookSecret})
	case old != nil && *old == *version:
		return false, nil
	case secret == "":
		return false, fmt.Errorf("notify.webhook_secret_wo_version is %d but webhook_secret_wo has no value: set the secret (Terraform 1.11 or later sends write-only values)", *version)
	}
	keys, err := store.Put(ctx, envconfig.Notify, map[string]string{envconfig.WebhookSecret: secret}, map[string]bool{envconfig.WebhookSecret: old != nil})
	return len(keys) > 0, err
}

// webhookSecretVersion is the version of the state's webhook secret, nil
// without one.
func webhookSecretVersion(ctx context.Context, state environmentModel, diags *diagnostics) *int64 {
	if n := state.blocks(ctx, diags).notify; n != nil {
		return n.WebhookSecretWOVersion.ValueInt64Pointer()
	}
	return nil
}
