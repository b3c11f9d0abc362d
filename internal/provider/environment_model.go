package provider

import (
	"context"
	"reflect"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

type environmentModel struct {
	ID                 types.String `tfsdk:"id"`
	Application        types.String `tfsdk:"application"`
	Name               types.String `tfsdk:"name"`
	Tier               types.String `tfsdk:"tier"`
	PromotesFrom       types.String `tfsdk:"promotes_from"`
	Parity             types.String `tfsdk:"parity"`
	Variables          types.Map    `tfsdk:"variables"`
	SecretsWO          types.Map    `tfsdk:"secrets_wo"`
	SecretsWOVersion   types.Int64  `tfsdk:"secrets_wo_version"`
	SecretKeys         types.Set    `tfsdk:"secret_keys"`
	AWSAccountID       types.String `tfsdk:"aws_account_id"`
	DeletionProtection types.Bool   `tfsdk:"deletion_protection"`
	// Blocks are lists so that dynamic blocks with values unknown at plan
	// time decode; blocks() turns them into Go values once known.
	Freeze       types.List     `tfsdk:"freeze"`
	DeployWindow types.List     `tfsdk:"deploy_window"`
	Notify       types.List     `tfsdk:"notify"`
	Override     types.List     `tfsdk:"override"`
	Timeouts     timeouts.Value `tfsdk:"timeouts"`
}

type freezeModel struct {
	Start  types.String `tfsdk:"start"`
	End    types.String `tfsdk:"end"`
	Reason types.String `tfsdk:"reason"`
}

type deployWindowModel struct {
	Days     types.List   `tfsdk:"days"`
	Start    types.String `tfsdk:"start"`
	End      types.String `tfsdk:"end"`
	Timezone types.String `tfsdk:"timezone"`
	Enforce  types.String `tfsdk:"enforce"`
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
	b := m.blocks(ctx, diags)
	for _, f := range b.freezes {
		e.Freezes = append(e.Freezes, ledger.FreezeRecord{Start: f.Start.ValueString(), End: f.End.ValueString(), Reason: f.Reason.ValueString()})
	}
	if w := b.window; w != nil {
		e.DeployWindow = &ledger.WindowRecord{Days: w.days, Start: w.Start.ValueString(), End: w.End.ValueString(), Timezone: w.Timezone.ValueString(),
			Enforce: w.Enforce.ValueString()}
	}
	if n := b.notify; n != nil {
		e.Notify = notifyRecord(n)
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
	m.Freeze = freezesValue(e.Freezes)
	windows := []attr.Value{}
	if w := e.DeployWindow; w != nil {
		windows = append(windows, windowObject(w))
	}
	m.DeployWindow = types.ListValueMust(types.ObjectType{AttrTypes: windowAttrTypes}, windows)
	notify := []attr.Value{}
	if n := e.Notify; n != nil {
		notify = append(notify, notifyObject(n))
	}
	m.Notify = types.ListValueMust(types.ObjectType{AttrTypes: notifyAttrTypes}, notify)
	if m.Override.IsNull() || m.Override.IsUnknown() {
		m.Override = types.ListValueMust(types.ObjectType{AttrTypes: overrideAttrTypes}, []attr.Value{})
	}
}

func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// stringMap reads a map attribute; null and unknown give an empty map, and
// elements still unknown at plan time are left out.
func stringMap(_ context.Context, m types.Map, _ *diag.Diagnostics) map[string]string {
	out := map[string]string{}
	if m.IsNull() || m.IsUnknown() {
		return out
	}
	for k, v := range m.Elements() {
		if s, ok := v.(types.String); ok && !s.IsUnknown() && !s.IsNull() {
			out[k] = s.ValueString()
		}
	}
	return out
}

// allKnown reports whether a collection and all its elements are known.
func allKnown(c interface {
	IsUnknown() bool
	Elements() []attr.Value
}) bool {
	if c.IsUnknown() {
		return false
	}
	for _, e := range c.Elements() {
		if e.IsUnknown() {
			return false
		}
	}
	return true
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

var overrideAttrTypes = map[string]attr.Type{"reason": types.StringType}

func windowObject(w *ledger.WindowRecord) types.Object {
	days := make([]attr.Value, len(w.Days))
	for i, d := range w.Days {
		days[i] = types.StringValue(d)
	}
	return types.ObjectValueMust(windowAttrTypes, map[string]attr.Value{
		"days": types.ListValueMust(types.StringType, days), "start": types.StringValue(w.Start),
		"end": types.StringValue(w.End), "timezone": types.StringValue(w.Timezone), "enforce": types.StringValue(w.EnforcedAt())})
}

// envBlocks are the blocks of an environment, decoded. known is false when
// any of them is unknown (a dynamic block over values known only at apply).
type envBlocks struct {
	known    bool
	freezes  []freezeModel
	window   *windowValue
	notify   *notifyModel
	override *overrideModel
}

type windowValue struct {
	deployWindowModel
	days []string // nil when unknown
}

func (m environmentModel) blocks(ctx context.Context, diags *diag.Diagnostics) envBlocks {
	b := envBlocks{known: true}
	decode := func(l types.List, target any) {
		if l.IsUnknown() {
			b.known = false
			return
		}
		if !l.IsNull() {
			diags.Append(l.ElementsAs(ctx, target, false)...)
		}
	}
	var windows []deployWindowModel
	var notify []notifyModel
	var override []overrideModel
	decode(m.Freeze, &b.freezes)
	decode(m.DeployWindow, &windows)
	decode(m.Notify, &notify)
	decode(m.Override, &override)
	if len(windows) > 0 {
		w := &windowValue{deployWindowModel: windows[0]}
		if !allKnown(windows[0].Days) {
			b.known = false
		} else {
			diags.Append(windows[0].Days.ElementsAs(ctx, &w.days, false)...)
		}
		b.window = w
	}
	if len(notify) > 0 {
		b.notify = &notify[0]
	}
	if len(override) > 0 {
		b.override = &override[0]
	}
	return b
}

// ruleChanges names the release rules that differ between two records.
func ruleChanges(before, after ledger.Environment) []string {
	var changed []string
	add := func(name string, differ bool) {
		if differ {
			changed = append(changed, name)
		}
	}
	add("tier", before.Tier != after.Tier)
	add("promotes_from", before.PromotesFrom != after.PromotesFrom)
	add("parity", before.Parity != after.Parity)
	add("aws_account_id", before.AWSAccountID != after.AWSAccountID)
	add("deletion_protection", before.DeletionProtection != after.DeletionProtection)
	add("freeze", !reflect.DeepEqual(before.Freezes, after.Freezes))
	add("deploy_window", !reflect.DeepEqual(enforcedWindow(before.DeployWindow), enforcedWindow(after.DeployWindow)))
	add("notify", !reflect.DeepEqual(before.Notify, after.Notify))
	return changed
}

// enforcedWindow is w with its enforce setting spelled out, so that a record
// written before the setting existed equals one that says "plan".
func enforcedWindow(w *ledger.WindowRecord) *ledger.WindowRecord {
	if w == nil {
		return nil
	}
	c := *w
	c.Enforce = w.EnforcedAt()
	return &c
}

func freezesValue(freezes []ledger.FreezeRecord) types.List {
	values := make([]attr.Value, 0, len(freezes))
	for _, f := range freezes {
		values = append(values, types.ObjectValueMust(freezeAttrTypes, map[string]attr.Value{
			"start": types.StringValue(f.Start), "end": types.StringValue(f.End), "reason": optionalString(f.Reason)}))
	}
	return types.ListValueMust(types.ObjectType{AttrTypes: freezeAttrTypes}, values)
}
