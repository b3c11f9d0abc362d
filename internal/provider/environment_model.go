package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

type environmentModel struct {
	ID                 types.String        `tfsdk:"id"`
	Application        types.String        `tfsdk:"application"`
	Name               types.String        `tfsdk:"name"`
	Tier               types.String        `tfsdk:"tier"`
	PromotesFrom       types.String        `tfsdk:"promotes_from"`
	Parity             types.String        `tfsdk:"parity"`
	Variables          types.Map           `tfsdk:"variables"`
	SecretsWO          types.Map           `tfsdk:"secrets_wo"`
	SecretsWOVersion   types.Int64         `tfsdk:"secrets_wo_version"`
	SecretKeys         types.Set           `tfsdk:"secret_keys"`
	AWSAccountID       types.String        `tfsdk:"aws_account_id"`
	DeletionProtection types.Bool          `tfsdk:"deletion_protection"`
	Freeze             []freezeModel       `tfsdk:"freeze"`
	DeployWindow       []deployWindowModel `tfsdk:"deploy_window"`
	Notify             []notifyModel       `tfsdk:"notify"`
	Override           []overrideModel     `tfsdk:"override"`
	Timeouts           timeouts.Value      `tfsdk:"timeouts"`
}

type freezeModel struct {
	Start  types.String `tfsdk:"start"`
	End    types.String `tfsdk:"end"`
	Reason types.String `tfsdk:"reason"`
}

type deployWindowModel struct {
	Days     []types.String `tfsdk:"days"`
	Start    types.String   `tfsdk:"start"`
	End      types.String   `tfsdk:"end"`
	Timezone types.String   `tfsdk:"timezone"`
}

type notifyModel struct {
	SNSTopicARN types.String `tfsdk:"sns_topic_arn"`
	WebhookURL  types.String `tfsdk:"webhook_url"`
}

type overrideModel struct {
	Reason types.String `tfsdk:"reason"`
}

// record turns the planned environment into its ledger record.
func (m environmentModel) record(ctx context.Context, variableKeys, secretKeys []string, diags *diag.Diagnostics) ledger.Environment {
	e := ledger.Environment{
		Application:        m.Application.ValueString(),
		Name:               m.Name.ValueString(),
		Tier:               m.Tier.ValueString(),
		PromotesFrom:       m.PromotesFrom.ValueString(),
		Parity:             m.Parity.ValueString(),
		AWSAccountID:       m.AWSAccountID.ValueString(),
		DeletionProtection: m.DeletionProtection.ValueBool(),
		VariableKeys:       variableKeys,
		SecretKeys:         secretKeys,
	}
	if !m.SecretsWOVersion.IsNull() {
		v := m.SecretsWOVersion.ValueInt64()
		e.SecretsVersion = &v
	}
	for _, f := range m.Freeze {
		e.Freezes = append(e.Freezes, ledger.FreezeRecord{Start: f.Start.ValueString(), End: f.End.ValueString(), Reason: f.Reason.ValueString()})
	}
	if len(m.DeployWindow) == 1 {
		w := m.DeployWindow[0]
		rec := &ledger.WindowRecord{Start: w.Start.ValueString(), End: w.End.ValueString(), Timezone: w.Timezone.ValueString()}
		for _, d := range w.Days {
			rec.Days = append(rec.Days, d.ValueString())
		}
		e.DeployWindow = rec
	}
	if len(m.Notify) == 1 {
		n := m.Notify[0]
		e.Notify = &ledger.NotifyRecord{SNSTopicARN: n.SNSTopicARN.ValueString(), WebhookURL: n.WebhookURL.ValueString()}
	}
	return e
}

// setFromRecord copies what the ledger knows into the model. Variables and
// secret keys come from Parameter Store, not from here.
func (m *environmentModel) setFromRecord(e *ledger.Environment) {
	m.ID = types.StringValue(e.ID())
	m.Application = types.StringValue(e.Application)
	m.Name = types.StringValue(e.Name)
	m.Tier = types.StringValue(e.Tier)
	m.PromotesFrom = optionalString(e.PromotesFrom)
	m.Parity = types.StringValue(e.Parity)
	m.AWSAccountID = optionalString(e.AWSAccountID)
	m.DeletionProtection = types.BoolValue(e.DeletionProtection)
	m.SecretsWOVersion = types.Int64PointerValue(e.SecretsVersion)
	m.Freeze = []freezeModel{}
	for _, f := range e.Freezes {
		m.Freeze = append(m.Freeze, freezeModel{Start: types.StringValue(f.Start), End: types.StringValue(f.End), Reason: optionalString(f.Reason)})
	}
	m.DeployWindow = []deployWindowModel{}
	if w := e.DeployWindow; w != nil {
		dm := deployWindowModel{Start: types.StringValue(w.Start), End: types.StringValue(w.End), Timezone: types.StringValue(w.Timezone)}
		for _, d := range w.Days {
			dm.Days = append(dm.Days, types.StringValue(d))
		}
		m.DeployWindow = append(m.DeployWindow, dm)
	}
	m.Notify = []notifyModel{}
	if n := e.Notify; n != nil {
		m.Notify = append(m.Notify, notifyModel{SNSTopicARN: optionalString(n.SNSTopicARN), WebhookURL: optionalString(n.WebhookURL)})
	}
}

func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// stringMap reads a map attribute; null and unknown give an empty map.
func stringMap(ctx context.Context, m types.Map, diags *diag.Diagnostics) map[string]string {
	out := map[string]string{}
	if m.IsNull() || m.IsUnknown() {
		return out
	}
	diags.Append(m.ElementsAs(ctx, &out, false)...)
	return out
}

func stringSet(ctx context.Context, s types.Set, diags *diag.Diagnostics) []string {
	var out []string
	if s.IsNull() || s.IsUnknown() {
		return out
	}
	diags.Append(s.ElementsAs(ctx, &out, false)...)
	sort.Strings(out)
	return out
}

func keysOf[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func setOfStrings(values []string) types.Set {
	elems := make([]attr.Value, 0, len(values))
	for _, v := range values {
		elems = append(elems, types.StringValue(v))
	}
	return types.SetValueMust(types.StringType, elems)
}
