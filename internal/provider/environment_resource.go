package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golive-dev/terraform-provider-golive/internal/detached"
	"github.com/golive-dev/terraform-provider-golive/internal/envconfig"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/policy"
)

var (
	_ resource.ResourceWithConfigure      = &environmentResource{}
	_ resource.ResourceWithImportState    = &environmentResource{}
	_ resource.ResourceWithValidateConfig = &environmentResource{}
	_ resource.ResourceWithModifyPlan     = &environmentResource{}
)

func newEnvironmentResource() resource.Resource { return &environmentResource{} }

type environmentResource struct {
	data *providerData
}

func (r *environmentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_environment"
}

func nameValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(policy.NamePattern, policy.NameRule)}
}

func (r *environmentResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An isolated stage of an application (dev, staging, production): its configuration in SSM Parameter Store, " +
			"its release rules (promotion source, parity, freezes, deploy window) and its record in the golive ledger.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "`<application>/<name>`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"application": schema.StringAttribute{
				Required: true, MarkdownDescription: "Application the environment belongs to. Changing it replaces the environment.",
				Validators:    nameValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				Required: true, MarkdownDescription: "Environment name, e.g. `prod`. Changing it replaces the environment.",
				Validators:    nameValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"tier": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("development"),
				MarkdownDescription: "`development`, `staging` or `production`. Production environments are protected from deletion by default.",
				Validators:          []validator.String{stringvalidator.OneOf(policy.Tiers...)},
			},
			"promotes_from": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Name of the environment of the same application that releases must be verified in before they may enter this one, e.g. `staging`.",
				Validators:          nameValidators(),
			},
			"parity": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("off"),
				MarkdownDescription: "What happens when config keys (variables and secrets) of `promotes_from` are missing here: `off`, `warn` (a plan warning) or `strict` (the plan of a deployment fails).",
				Validators:          []validator.String{stringvalidator.OneOf(policy.ParityModes...)},
			},
			"variables": schema.MapAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Plain configuration, written to SSM as `String` parameters `/golive/<application>/<name>/vars/<KEY>`. A value changed outside Terraform shows as drift.",
			},
			"secrets_wo": schema.MapAttribute{
				ElementType: types.StringType, Optional: true, Sensitive: true, WriteOnly: true,
				MarkdownDescription: "Secrets, written to SSM as `SecureString` parameters `/golive/<application>/<name>/secrets/<KEY>`. " +
					"Write-only: values are never stored in state or plan (Terraform 1.11+). Added and removed keys are applied on every apply; " +
					"to rewrite changed values, bump `secrets_wo_version`.",
			},
			"secrets_wo_version": schema.Int64Attribute{
				Optional: true, MarkdownDescription: "Bump to rewrite every secret of `secrets_wo`. Required with `secrets_wo`.",
			},
			"secret_keys": schema.SetAttribute{
				ElementType: types.StringType, Computed: true,
				MarkdownDescription: "Names of the secrets present in Parameter Store (never their values). A secret deleted outside Terraform shows as drift.",
			},
			"aws_account_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Guard: the plan fails unless the provider's credentials belong to this 12-digit account.",
				Validators:          []validator.String{stringvalidator.RegexMatches(accountIDPattern, "must be a 12-digit AWS account ID")},
			},
			"deletion_protection": schema.BoolAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Refuse to destroy the environment. Default `true` when `tier = \"production\"`, else `false`.",
			},
		},
		Blocks: map[string]schema.Block{
			"freeze": schema.ListNestedBlock{
				MarkdownDescription: "A period in which deployments, traffic shifts and configuration changes are refused at plan (and again at apply) unless they carry an `override`. Any number.",
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"start":  schema.StringAttribute{Required: true, MarkdownDescription: "RFC 3339 time, e.g. `2026-12-24T00:00:00Z`.", Validators: []validator.String{rfc3339String()}},
					"end":    schema.StringAttribute{Required: true, MarkdownDescription: "RFC 3339 time after `start`.", Validators: []validator.String{rfc3339String()}},
					"reason": schema.StringAttribute{Optional: true, MarkdownDescription: "Shown in the refusal."},
				}},
			},
			"deploy_window": schema.ListNestedBlock{
				MarkdownDescription: "A recurring weekly window; releases outside it (deployments, traffic shifts, configuration changes) are refused unless they carry an `override`: " +
					"at plan and again at apply, or with `enforce = \"apply\"` only at apply. At most one. A window whose `end` is not after `start` runs past midnight.",
				Validators: []validator.List{listvalidator.SizeAtMost(1)},
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"days": schema.ListAttribute{ElementType: types.StringType, Required: true,
						MarkdownDescription: "Weekdays: `Mon`, `Tue`, `Wed`, `Thu`, `Fri`, `Sat`, `Sun`."},
					"start": schema.StringAttribute{Required: true, MarkdownDescription: "Opening time, `HH:MM` (24-hour)."},
					"end":   schema.StringAttribute{Required: true, MarkdownDescription: "Closing time, `HH:MM` (24-hour)."},
					"timezone": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("UTC"),
						MarkdownDescription: "IANA time zone of `start` and `end`, e.g. `Europe/Berlin`. Default `UTC`."},
					"enforce": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(policy.EnforcePlan),
						MarkdownDescription: "When a release outside the window is refused: `plan` (default: the plan fails, and a saved plan applied outside the window fails too) " +
							"or `apply` (the plan succeeds with a warning, so a release pull request opened outside the window can be planned and reviewed; " +
							"applying it outside the window fails unless it carries an `override`).",
						Validators: []validator.String{stringvalidator.OneOf(policy.EnforceModes...)}},
				}},
			},
			"notify": schema.ListNestedBlock{
				MarkdownDescription: "Where events of this environment are announced. At most one.",
				Validators:          []validator.List{listvalidator.SizeAtMost(1)},
				NestedObject:        schema.NestedBlockObject{Attributes: notifyAttributes()},
			},
			"override": overrideBlock("Lets a change of `variables` or secrets through a freeze or outside the deploy window. The reason and the caller are recorded in the ledger."),
			"timeouts": environmentTimeouts.block(ctx),
		},
	}
}

func overrideBlock(desc string) schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: desc + " At most one.",
		Validators:          []validator.List{listvalidator.SizeAtMost(1)},
		NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
			"reason": schema.StringAttribute{Required: true, MarkdownDescription: "Why the gate is bypassed, e.g. `hotfix INC-1234`.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(3)}},
		}},
	}
}

func (r *environmentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (r *environmentResource) store(m environmentModel) *envconfig.Store {
	return envconfig.New(r.data.aws.SSM(), m.Application.ValueString(), m.Name.ValueString(), r.data.defaultTags)
}

func (r *environmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer r.data.reads.forget()
	var plan, config environmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, environmentTimeouts.create)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	id := plan.Application.ValueString() + "/" + plan.Name.ValueString()
	summary := fmt.Sprintf("creating golive environment (%s)", id)

	actor, err := r.data.aws.CallerIdentity(ctx)
	if err != nil {
		resp.Diagnostics.AddError(summary, err.Error())
		return
	}
	vars := stringMap(ctx, plan.Variables, &resp.Diagnostics)
	secrets := stringMap(ctx, config.SecretsWO, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	store := r.store(plan)
	// Parameters first, then the record: a record always describes
	// parameters that exist. On failure, undo what this call created.
	createdVars, err := store.Put(ctx, envconfig.Variables, vars, nil)
	var createdSecrets []string
	if err == nil {
		createdSecrets, err = store.Put(ctx, envconfig.Secrets, secrets, nil)
	}
	createdHookSecret := false
	if err == nil {
		createdHookSecret, err = syncWebhookSecret(ctx, store, nil, plan, config, &resp.Diagnostics)
	}
	rec := plan.record(ctx, keysOf(vars), keysOf(secrets), &resp.Diagnostics)
	rec.UpdatedBy = actor.ARN
	if err == nil {
		err = r.data.ledger.CreateEnvironment(ctx, rec)
	}
	if err != nil {
		undo, cancel := detached.WithTimeout(ctx, detached.RollbackTimeout)
		defer cancel()
		undoErr := errors.Join(store.Delete(undo, envconfig.Variables, createdVars), store.Delete(undo, envconfig.Secrets, createdSecrets))
		if createdHookSecret {
			undoErr = errors.Join(undoErr, store.Delete(undo, envconfig.Notify, []string{envconfig.WebhookSecret}))
		}
		if undoErr != nil {
			err = fmt.Errorf("%w\n\nremoving the parameters this apply created also failed, delete them by hand: %w", err, undoErr)
		}
		resp.Diagnostics.AddError(summary, err.Error())
		return
	}
	r.recordEvent(ctx, ledger.Event{Environment: id, Kind: ledger.KindEnvironmentCreated, Outcome: ledger.OutcomeSucceeded, Actor: actor.ARN,
		Detail: fmt.Sprintf("tier %s; variables %s; secrets %s", rec.Tier, strings.Join(rec.VariableKeys, ","), strings.Join(rec.SecretKeys, ","))}, &resp.Diagnostics)

	plan.ID = types.StringValue(id)
	plan.SecretKeys = setOfStrings(keysOf(secrets))
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *environmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state environmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := state.Timeouts.Read(ctx, environmentTimeouts.read)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	id := state.ID.ValueString()
	rec, err := r.data.reads.Environment(ctx, id)
	if errors.Is(err, ledger.ErrNotFound) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("reading golive environment (%s)", id), err.Error())
		return
	}
	state.setFromRecord(rec)
	snap, err := r.store(state).Read(ctx)
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("reading golive environment (%s)", id), err.Error())
		return
	}
	// Keep "not set" rather than turning it into an empty map.
	if len(snap.Variables) > 0 || !state.Variables.IsNull() {
		state.Variables = types.MapValueMust(types.StringType, stringValues(snap.Variables))
	}
	state.SecretKeys = setOfStrings(snap.SecretKeys)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *environmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer r.data.reads.forget()
	var plan, state, config environmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Update(ctx, environmentTimeouts.update)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	id := state.ID.ValueString()
	summary := fmt.Sprintf("updating golive environment (%s)", id)

	change := diffConfig(ctx, state, plan, config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// The gates again, at apply: a saved plan applied later must not slip
	// past a freeze that began in between.
	r.checkGuards(ctx, plan, &resp.Diagnostics)
	overrideReason := r.checkSchedule(ctx, policy.AtApply, plan, change, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	actor, err := r.data.aws.CallerIdentity(ctx)
	if err != nil {
		resp.Diagnostics.AddError(summary, err.Error())
		return
	}
	store := r.store(plan)
	err = applyConfigChange(ctx, store, change)
	if err == nil {
		_, err = syncWebhookSecret(ctx, store, webhookSecretVersion(ctx, state, &resp.Diagnostics), plan, config, &resp.Diagnostics)
	}
	if err != nil {
		resp.Diagnostics.AddError(summary, err.Error()+
			"\n\nParameter Store may hold part of this change; the next plan shows the difference and the next apply completes it.")
		return
	}
	rec := plan.record(ctx, keysOf(change.vars), change.secretKeys, &resp.Diagnostics)
	rec.UpdatedBy = actor.ARN
	if err := r.data.ledger.PutEnvironment(ctx, rec); err != nil {
		resp.Diagnostics.AddError(summary, err.Error())
		return
	}
	if overrideReason != "" {
		r.recordEvent(ctx, ledger.Event{Environment: id, Kind: ledger.KindOverride, Outcome: ledger.OutcomeAllowed, Actor: actor.ARN,
			Reason: overrideReason, Detail: "configuration change: " + change.String()}, &resp.Diagnostics)
	}
	detail := change.String()
	if rules := ruleChanges(state.record(ctx, nil, nil, &resp.Diagnostics), rec); len(rules) > 0 {
		detail += "; rules changed: " + strings.Join(rules, ", ")
	}
	r.recordEvent(ctx, ledger.Event{Environment: id, Kind: ledger.KindEnvironmentUpdated, Outcome: ledger.OutcomeSucceeded, Actor: actor.ARN,
		Reason: overrideReason, Detail: detail}, &resp.Diagnostics)

	plan.ID = state.ID
	plan.SecretKeys = setOfStrings(change.secretKeys)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *environmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	defer r.data.reads.forget()
	var state environmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, environmentTimeouts.delete)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	id := state.ID.ValueString()
	summary := fmt.Sprintf("deleting golive environment (%s)", id)
	if state.DeletionProtection.ValueBool() {
		resp.Diagnostics.AddError(summary, protectedMessage(id))
		return
	}
	actor, err := r.data.aws.CallerIdentity(ctx)
	if err != nil {
		resp.Diagnostics.AddError(summary, err.Error())
		return
	}
	if err := r.store(state).DeleteAll(ctx); err != nil {
		resp.Diagnostics.AddError(summary, err.Error())
		return
	}
	if err := r.data.ledger.DeleteEnvironment(ctx, id); err != nil {
		resp.Diagnostics.AddError(summary, err.Error())
		return
	}
	r.recordEvent(ctx, ledger.Event{Environment: id, Kind: ledger.KindEnvironmentDeleted, Outcome: ledger.OutcomeSucceeded, Actor: actor.ARN}, &resp.Diagnostics)
}

func protectedMessage(id string) string {
	return fmt.Sprintf("environment %s has deletion_protection enabled, so it was not destroyed. To destroy it, set "+
		"deletion_protection = false on the golive_environment, run terraform apply, then destroy it. "+
		"(Production environments are protected unless deletion_protection = false is set.)", id)
}

func (r *environmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	app, name, ok := strings.Cut(req.ID, "/")
	if !ok || policy.CheckName(app) != nil || policy.CheckName(name) != nil {
		resp.Diagnostics.AddError("importing golive environment",
			fmt.Sprintf("import ID %q must be <application>/<name>, e.g. shop/prod", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("application"), app)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
}

// recordEvent writes an event; a failure to record is a warning, because the
// change it describes has already happened.
func (r *environmentResource) recordEvent(ctx context.Context, e ledger.Event, diags interface{ AddWarning(string, string) }) {
	if _, err := r.data.ledger.RecordEvent(ctx, e); err != nil {
		diags.AddWarning("recording a ledger event", err.Error())
	}
}
