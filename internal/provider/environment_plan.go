package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golive-dev/terraform-provider-golive/internal/envconfig"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/policy"
)

// ValidateConfig checks what needs no AWS: formats, enums, names.
func (r *environmentResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m environmentModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if known(m.PromotesFrom) && known(m.Name) && m.PromotesFrom.ValueString() == m.Name.ValueString() {
		resp.Diagnostics.AddAttributeError(path.Root("promotes_from"), "invalid promotes_from",
			fmt.Sprintf("promotes_from %q is this environment's own name: name the environment releases come from, e.g. \"staging\" for \"prod\"", m.PromotesFrom.ValueString()))
	}
	b := m.blocks(ctx, &resp.Diagnostics)
	validateFreezes(b.freezes, path.Root("freeze"), &resp.Diagnostics)
	if b.window != nil {
		validateDeployWindow(*b.window, path.Root("deploy_window").AtListIndex(0), &resp.Diagnostics)
	}
	validateKeys(m.Variables, path.Root("variables"), &resp.Diagnostics)
	validateKeys(m.SecretsWO, path.Root("secrets_wo"), &resp.Diagnostics)
	if !m.SecretsWO.IsNull() && m.SecretsWOVersion.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("secrets_wo_version"), "missing secrets_wo_version",
			"secrets_wo_version is required with secrets_wo: Terraform cannot see changes of write-only values, so bump secrets_wo_version (e.g. 1, then 2) whenever secret values change")
	}
	if n := b.notify; n != nil && notifyEmpty(n) {
		resp.Diagnostics.AddAttributeError(path.Root("notify").AtListIndex(0), "empty notify block",
			"set sns_topic_arn, event_bus_arn, webhook_url or any of them, or remove the notify block")
	}
}

func known(v attr.Value) bool { return !v.IsNull() && !v.IsUnknown() }

// validateFreezes checks that each freeze ends after it starts; the
// schema's validator judges the times themselves.
func validateFreezes(freezes []freezeModel, p path.Path, diags *diag.Diagnostics) {
	for i, f := range freezes {
		if !known(f.Start) || !known(f.End) || !isRFC3339(f.Start.ValueString()) || !isRFC3339(f.End.ValueString()) {
			continue
		}
		if _, ferr := policy.ParseFreeze(f.Start.ValueString(), f.End.ValueString(), f.Reason.ValueString()); ferr != nil {
			diags.AddAttributeError(p.AtListIndex(i).AtName(ferr.Field), "invalid freeze",
				fmt.Sprintf("freeze[%d].%s: %s", i, ferr.Field, ferr.Msg))
		}
	}
}

func isRFC3339(s string) bool {
	_, err := time.Parse(time.RFC3339, s)
	return err == nil
}

func validateDeployWindow(w windowValue, p path.Path, diags *diag.Diagnostics) {
	days := w.days
	if w.Days.IsUnknown() || !known(w.Start) || !known(w.End) || w.Timezone.IsUnknown() {
		return
	}
	_, errs := policy.ParseDeployWindow(days, w.Start.ValueString(), w.End.ValueString(), w.Timezone.ValueString())
	for _, fe := range errs {
		at := p.AtName(fe.Field)
		if fe.Index >= 0 {
			at = at.AtListIndex(fe.Index)
		}
		diags.AddAttributeError(at, "invalid deploy_window", "deploy_window."+fe.Field+": "+fe.Msg)
	}
}

func validateKeys(m types.Map, p path.Path, diags *diag.Diagnostics) {
	if m.IsNull() || m.IsUnknown() {
		return
	}
	for k := range m.Elements() {
		if err := policy.CheckKey(k); err != nil {
			diags.AddAttributeError(p.AtMapKey(k), "invalid key", fmt.Sprintf("%s: %s", p, err))
		}
	}
}

// ModifyPlan runs the checks that need AWS, at plan time: the account guard,
// an existing environment of the same id, the ledger table, deletion
// protection and the freeze and deploy windows.
func (r *environmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	var state *environmentModel
	if !req.State.Raw.IsNull() {
		state = &environmentModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if req.Plan.Raw.IsNull() { // destroy
		if state != nil && state.DeletionProtection.ValueBool() {
			resp.Diagnostics.AddAttributeError(path.Root("deletion_protection"), "environment is protected", protectedMessage(state.ID.ValueString()))
		}
		return
	}
	var plan, config environmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if config.DeletionProtection.IsNull() && known(plan.Tier) {
		plan.DeletionProtection = types.BoolValue(plan.Tier.ValueString() == "production")
	}
	if config.SecretsWO.IsUnknown() {
		plan.SecretKeys = types.SetUnknown(types.StringType)
	} else {
		plan.SecretKeys = setOfStrings(keysOf(stringMap(ctx, config.SecretsWO, &resp.Diagnostics)))
	}
	r.checkGuards(ctx, plan, &resp.Diagnostics)

	if state == nil {
		// The id stays unknown until apply, so that deployments and splits
		// of a new environment wait for it instead of failing their plan
		// checks against a ledger record that does not exist yet.
		if known(plan.Application) && known(plan.Name) {
			id := plan.Application.ValueString() + "/" + plan.Name.ValueString()
			_, err := r.data.ledger.GetEnvironment(ctx, id)
			switch {
			case err == nil:
				resp.Diagnostics.AddAttributeError(path.Root("name"), "environment already exists",
					fmt.Sprintf("environment %s already exists in the golive ledger table %s, managed by another configuration or left over. "+
						"Import it (terraform import <address> %s) or choose another name", id, r.data.ledger.Table(), id))
			case !errors.Is(err, ledger.ErrNotFound):
				resp.Diagnostics.AddError("checking the golive ledger", err.Error())
			}
		}
	} else {
		// The framework hands ModifyPlan an empty resp.RequiresReplace (the
		// attributes' RequiresReplace lands in it only afterwards), so see
		// for ourselves whether a force-new attribute changes.
		replaced := !plan.Application.Equal(state.Application) || !plan.Name.Equal(state.Name)
		if replaced && state.DeletionProtection.ValueBool() {
			resp.Diagnostics.AddAttributeError(path.Root("deletion_protection"), "environment is protected",
				"this change replaces the environment, which destroys it first. "+protectedMessage(state.ID.ValueString()))
		}
		change := diffConfig(ctx, *state, plan, config, &resp.Diagnostics)
		r.checkSchedule(ctx, policy.AtPlan, plan, change, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

// checkGuards refuses credentials of another account than aws_account_id.
func (r *environmentResource) checkGuards(ctx context.Context, plan environmentModel, diags *diag.Diagnostics) {
	if !known(plan.AWSAccountID) {
		return
	}
	id, err := r.data.aws.CallerIdentity(ctx)
	if err != nil {
		diags.AddError("checking aws_account_id", err.Error())
		return
	}
	if want := plan.AWSAccountID.ValueString(); id.Account != want {
		diags.AddAttributeError(path.Root("aws_account_id"), "wrong AWS account",
			fmt.Sprintf("environment %s/%s belongs to AWS account %s, but the provider's credentials are for account %s (%s). "+
				"Use the credentials, profile or assume_role of account %s.",
				plan.Application.ValueString(), plan.Name.ValueString(), want, id.Account, id.ARN, want))
	}
}

// checkSchedule refuses a configuration change inside a freeze or outside the
// deploy window unless the plan carries an override, whose reason it returns.
func (r *environmentResource) checkSchedule(ctx context.Context, stage policy.Stage, plan environmentModel, change configChange, diags *diag.Diagnostics) string {
	if change.empty() {
		return ""
	}
	b := plan.blocks(ctx, diags)
	if !b.known {
		return "" // checked again at apply, when the blocks are known
	}
	override := ""
	if b.override != nil && known(b.override.Reason) {
		override = b.override.Reason.ValueString()
	}
	rec := plan.record(ctx, nil, nil, diags)
	what := fmt.Sprintf("changing the configuration of %s (%s)", rec.ID(), change)
	return checkReleaseSchedule(r.data.now(), stage, rec, override, what, "golive_environment", path.Root("variables"), diags)
}

// configChange is what an update writes to Parameter Store.
type configChange struct {
	vars            map[string]string // the planned variables
	putVars         map[string]string
	existingVars    map[string]bool
	deleteVars      []string
	putSecrets      map[string]string
	existingSecrets map[string]bool
	deleteSecrets   []string
	secretKeys      []string // after the change
}

func diffConfig(ctx context.Context, state, plan, config environmentModel, diags *diag.Diagnostics) configChange {
	c := configChange{putVars: map[string]string{}, putSecrets: map[string]string{}}
	oldVars := stringMap(ctx, state.Variables, diags)
	c.vars = stringMap(ctx, plan.Variables, diags)
	c.existingVars = map[string]bool{}
	for k, v := range c.vars {
		old, ok := oldVars[k]
		c.existingVars[k] = ok
		if !ok || old != v {
			c.putVars[k] = v
		}
	}
	for _, k := range keysOf(oldVars) {
		if _, ok := c.vars[k]; !ok {
			c.deleteVars = append(c.deleteVars, k)
		}
	}
	oldSecrets := map[string]bool{}
	for _, k := range stringSet(ctx, state.SecretKeys, diags) {
		oldSecrets[k] = true
	}
	secrets := stringMap(ctx, config.SecretsWO, diags)
	rewrite := !state.SecretsWOVersion.Equal(plan.SecretsWOVersion)
	c.existingSecrets = oldSecrets
	for k, v := range secrets {
		if rewrite || !oldSecrets[k] {
			c.putSecrets[k] = v
		}
	}
	for _, k := range keysOf(oldSecrets) {
		if _, ok := secrets[k]; !ok {
			c.deleteSecrets = append(c.deleteSecrets, k)
		}
	}
	c.secretKeys = keysOf(secrets)
	return c
}

func (c configChange) empty() bool {
	return len(c.putVars) == 0 && len(c.deleteVars) == 0 && len(c.putSecrets) == 0 && len(c.deleteSecrets) == 0
}

// String names the keys that change, never a value.
func (c configChange) String() string {
	var parts []string
	if len(c.putVars) > 0 {
		parts = append(parts, "variables set: "+strings.Join(keysOf(c.putVars), ", "))
	}
	if len(c.deleteVars) > 0 {
		parts = append(parts, "variables removed: "+strings.Join(c.deleteVars, ", "))
	}
	if len(c.putSecrets) > 0 {
		parts = append(parts, "secrets written: "+strings.Join(keysOf(c.putSecrets), ", "))
	}
	if len(c.deleteSecrets) > 0 {
		parts = append(parts, "secrets removed: "+strings.Join(c.deleteSecrets, ", "))
	}
	if len(parts) == 0 {
		return "no configuration change"
	}
	return strings.Join(parts, "; ")
}

func applyConfigChange(ctx context.Context, store *envconfig.Store, c configChange) error {
	if _, err := store.Put(ctx, envconfig.Variables, c.putVars, c.existingVars); err != nil {
		return err
	}
	if err := store.Delete(ctx, envconfig.Variables, c.deleteVars); err != nil {
		return err
	}
	if _, err := store.Put(ctx, envconfig.Secrets, c.putSecrets, c.existingSecrets); err != nil {
		return err
	}
	return store.Delete(ctx, envconfig.Secrets, c.deleteSecrets)
}

func stringValues(m map[string]string) map[string]attr.Value {
	out := make(map[string]attr.Value, len(m))
	for k, v := range m {
		out[k] = types.StringValue(v)
	}
	return out
}
