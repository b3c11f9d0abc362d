package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
	"github.com/golive-dev/terraform-provider-golive/internal/router"
)

var (
	_ resource.ResourceWithConfigure      = &trafficSplitResource{}
	_ resource.ResourceWithImportState    = &trafficSplitResource{}
	_ resource.ResourceWithValidateConfig = &trafficSplitResource{}
	_ resource.ResourceWithModifyPlan     = &trafficSplitResource{}
)

func newTrafficSplitResource() resource.Resource { return &trafficSplitResource{} }

type trafficSplitResource struct {
	data *providerData
}

const defaultCutoverTimeout = 60 * time.Minute

func (r *trafficSplitResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_traffic_split"
}

func single(desc string, attrs map[string]schema.Attribute) schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: desc,
		Validators:          []validator.List{listvalidator.SizeAtMost(1)},
		NestedObject:        schema.NestedBlockObject{Attributes: attrs},
	}
}

func (r *trafficSplitResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	bake := []validator.String{durationString(time.Second, 24*time.Hour)}
	resp.Schema = schema.Schema{
		MarkdownDescription: "How traffic of one service is divided between destinations (deployments or raw targets) on an ALB listener or rule, " +
			"a Lambda alias or Route 53 weighted records. A change of weights is a cutover: `planned_steps` shows it in the plan, " +
			"apply walks the steps of the strategy, checks the rollback gates throughout every bake, and puts the weights back to what they " +
			"were before the apply, in one call, when a gate fails or the apply is interrupted. Destroying a split leaves traffic as it is " +
			"(only a Lambda alias the split created itself is deleted).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "`<application>/<environment>/<service>`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"environment": schema.StringAttribute{Required: true, MarkdownDescription: "Environment id (`golive_environment.x.id`), e.g. `shop/prod`.",
				Validators:    []validator.String{stringvalidator.RegexMatches(environmentIDPattern, "must be an environment id <application>/<name>, e.g. shop/prod")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"service": schema.StringAttribute{Required: true, MarkdownDescription: "Service name, e.g. `api`. One split per environment and service.",
				Validators: nameValidators(), PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"planned_steps": schema.ListAttribute{Computed: true, ElementType: plannedStepType,
				MarkdownDescription: "The steps of the latest planned cutover, each a map of destination name to weight; the last is the declared weights. Known at plan time, so `terraform plan` shows the cutover."},
			"cutover": schema.StringAttribute{Computed: true,
				MarkdownDescription: "The latest planned cutover in words, with the gates that roll it back, e.g. `green 0 → 100: 10% for 5m, 50% for 5m, then 100%; roll back if alarm shop-prod-5xx fires`."},
			"live_weights": schema.MapAttribute{Computed: true, ElementType: types.Int64Type,
				MarkdownDescription: "Weights as read from AWS, by destination name; anything live that no destination declares appears under its raw identifier (target group ARN, version, record set identifier)."},
		},
		Blocks: map[string]schema.Block{
			"alb": single("Route with the weighted forward action of an ALB listener's default action or of a listener rule. Other actions and stickiness settings are kept.", map[string]schema.Attribute{
				"listener_arn": schema.StringAttribute{Optional: true, MarkdownDescription: "Listener whose default action forwards to the destinations."},
				"rule_arn":     schema.StringAttribute{Optional: true, MarkdownDescription: "Listener rule whose forward action routes to the destinations."},
			}),
			"lambda_alias": single("Route with a Lambda alias: the primary version plus at most one weighted additional version. "+
				"If the alias does not exist when the split is created, the split creates it on the declared weights (with no live traffic there is nothing to canary) "+
				"and deletes it when the split is destroyed; an alias that already exists is adopted and left in place on destroy. "+
				"No `aws_lambda_alias` is needed.", map[string]schema.Attribute{
				"function_name": schema.StringAttribute{Required: true, MarkdownDescription: "Function name or ARN. Changing it replaces the split.",
					PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
				"alias": schema.StringAttribute{Required: true, MarkdownDescription: "Alias name, e.g. `live`. Changing it replaces the split.",
					PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
				"created": schema.BoolAttribute{Computed: true, PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
					MarkdownDescription: "Whether the split created the alias (it did not exist when the split was created). " +
						"If true, destroying the split deletes the alias; if false, the alias was adopted and destroying the split leaves it as it is. " +
						"Kept in the ledger, so it survives import."},
			}),
			"route53": single("Route with Route 53 weighted records: one record set per destination, identified by the destination name. A simple record of the same name is replaced without a gap.", map[string]schema.Attribute{
				"zone_id": schema.StringAttribute{Required: true, MarkdownDescription: "Hosted zone ID."},
				"name":    schema.StringAttribute{Required: true, MarkdownDescription: "Record name, e.g. `api.example.com`."},
				"type": schema.StringAttribute{Required: true, MarkdownDescription: "Record type: `CNAME`, `A`, `AAAA` or `TXT`.",
					Validators: []validator.String{stringvalidator.OneOf("CNAME", "A", "AAAA", "TXT")}},
				"ttl": schema.Int64Attribute{Required: true, MarkdownDescription: "Record TTL in seconds. Resolvers keep old answers this long, so bakes should be longer.",
					Validators: []validator.Int64{int64validator.Between(0, 172800)}},
			}),
			"destination": schema.ListNestedBlock{
				MarkdownDescription: "Where traffic goes. Weights are whole numbers 0-100 that sum to 100.",
				Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{Required: true, MarkdownDescription: "Label, unique in the split, e.g. `blue`; the record set identifier for Route 53.",
						Validators: []validator.String{stringvalidator.RegexMatches(destinationNamePattern, "must be 1-64 letters, digits, '_' or '-'")}},
					"deployment": schema.StringAttribute{Optional: true, MarkdownDescription: "A `golive_deployment` id; the split routes to its destination (target group ARN or Lambda version). Exactly one of `deployment` and `target`."},
					"target":     schema.StringAttribute{Optional: true, MarkdownDescription: "A raw target: target group ARN (alb), version (lambda_alias) or record value (route53)."},
					"weight": schema.Int64Attribute{Required: true, MarkdownDescription: "Percent of traffic, 0-100.",
						Validators: []validator.Int64{int64validator.Between(0, 100)}},
				}},
			},
			"strategy": schema.ListNestedBlock{
				MarkdownDescription: "How to walk from the live weights to the declared ones. Without it: all at once.",
				Validators:          []validator.List{listvalidator.SizeAtMost(1)},
				NestedObject: schema.NestedBlockObject{Blocks: map[string]schema.Block{
					"canary": single("Hold the destination gaining traffic at each percentage of `steps` for `bake`, then go to the declared weights.", map[string]schema.Attribute{
						"steps": schema.ListAttribute{Required: true, ElementType: types.Int64Type, MarkdownDescription: "Strictly increasing percentages, each 1-99, e.g. `[10, 50]`."},
						"bake":  schema.StringAttribute{Required: true, MarkdownDescription: "How long each step holds while gates are checked, e.g. `5m`.", Validators: bake},
					}),
					"linear": single("Move the gaining destination by `increment` points every `interval`.", map[string]schema.Attribute{
						"increment": schema.Int64Attribute{Required: true, MarkdownDescription: "Percentage points per step, 1-99.",
							Validators: []validator.Int64{int64validator.Between(1, 99)}},
						"interval": schema.StringAttribute{Required: true, MarkdownDescription: "How long each step holds, e.g. `1m`.", Validators: bake},
					}),
				}},
			},
			"rollback": schema.ListNestedBlock{
				MarkdownDescription: "Gates checked before the first step and throughout every bake; any failure rolls the weights back.",
				Validators:          []validator.List{listvalidator.SizeAtMost(1)},
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"alarms": schema.ListAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: "CloudWatch alarm names; any in ALARM (or missing) fails the gate."},
						"poll_interval": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("10s"),
							MarkdownDescription: "How often gates are checked during a bake. Default `10s`.", Validators: []validator.String{durationString(time.Second, time.Hour)}},
					},
					Blocks: map[string]schema.Block{
						"http": schema.ListNestedBlock{
							MarkdownDescription: "An HTTP check; any number.",
							NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
								"url": schema.StringAttribute{Required: true, MarkdownDescription: "URL to GET.", Validators: []validator.String{httpURL()}},
								"expect_status": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(200),
									MarkdownDescription: "Expected status. Default 200.", Validators: []validator.Int64{int64validator.Between(100, 599)}},
								"body_regex": schema.StringAttribute{Optional: true, MarkdownDescription: "RE2 regular expression the body must match.", Validators: []validator.String{regexString()}},
								"timeout": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("5s"),
									MarkdownDescription: "Per-request timeout. Default `5s`.", Validators: []validator.String{durationString(100*time.Millisecond, time.Minute)}},
							}},
						},
					},
				},
			},
			"override": overrideBlock("Lets a cutover through a freeze or outside the deploy window of the environment. The reason and the caller are recorded in the ledger."),
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Read: true, Delete: true}),
		},
	}
}

func (r *trafficSplitResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (r *trafficSplitResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan trafficSplitModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, defaultCutoverTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if res, ok := r.apply(ctx, plan, "creating", &resp.Diagnostics); ok {
		plan.LiveWeights = weightsValue(res.live)
		plan.LambdaAlias = withAliasCreated(ctx, plan.LambdaAlias, res.aliasCreated, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	}
}

func (r *trafficSplitResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state trafficSplitModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Update(ctx, defaultCutoverTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	res, ok := r.apply(ctx, plan, "updating", &resp.Diagnostics)
	if ok {
		plan.LiveWeights = weightsValue(res.live)
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		return
	}
	// Failed: keep the prior state, with the weights that are live now (the
	// pre-apply ones after a rollback), so the next plan shows the cutover
	// again.
	if res.live != nil {
		state.Destination = withLiveWeights(ctx, state.Destination, res.live, &resp.Diagnostics)
		state.LiveWeights = weightsValue(res.live)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// applied is the outcome of apply: the live weights afterwards (nil if
// unknown) and whether the split created its Lambda alias.
type applied struct {
	live         rollout.Weights
	aliasCreated bool
}

// apply carries out the cutover to the planned weights under the lock and
// says whether it succeeded.
func (r *trafficSplitResource) apply(ctx context.Context, plan trafficSplitModel, verb string, diags *diagnostics) (applied, bool) {
	c := plan.decode(ctx, diags)
	summary := fmt.Sprintf("%s golive traffic split (%s)", verb, c.id())
	if diags.HasError() {
		return applied{}, false
	}
	actor, err := r.data.aws.CallerIdentity(ctx)
	if err != nil {
		diags.AddError(summary, err.Error())
		return applied{}, false
	}
	env, err := r.data.ledger.GetEnvironment(ctx, c.env)
	if err != nil {
		diags.AddError(summary, environmentLookupError(c.env, err))
		return applied{}, false
	}
	dests, err := r.resolveDestinations(ctx, c)
	if err != nil {
		diags.AddError(summary, err.Error())
		return applied{}, false
	}
	rt := r.router(c, dests)
	unlock, err := r.data.lockService(ctx, ledger.LockRequest{
		Environment: c.env, Service: c.service, Holder: actor.ARN, Operation: "traffic shift by terraform apply",
	}, diags)
	if err != nil {
		diags.AddError(summary, err.Error())
		return applied{}, false
	}
	defer unlock()

	before, err := rt.Read(ctx)
	if errors.Is(err, router.ErrNotFound) && c.router == "lambda_alias" && verb == "creating" {
		return r.createAlias(ctx, c, dests, env, actor.ARN, summary, diags)
	}
	if err != nil {
		diags.AddError(summary, err.Error())
		return applied{}, false
	}
	res := applied{live: before, aliasCreated: c.aliasCreated()}
	to := c.declared()
	steps := rollout.PlanSteps(before, to, c.strategy)
	description := rollout.Describe(before, to, steps, c.strategy)
	// Checked again at apply: a saved plan must not slip past a freeze that
	// began after it was made.
	override := ""
	if len(steps) > 0 {
		override = checkReleaseSchedule(r.data.now(), *env, c.override, "shifting traffic of "+c.id()+" ("+description+")",
			"golive_traffic_split", path.Root("destination"), diags)
		if diags.HasError() {
			return res, false
		}
	}
	if err := r.data.ledger.PutSplit(ctx, withActor(c.record(dests, res.aliasCreated), actor.ARN)); err != nil {
		diags.AddError(summary, err.Error())
		return res, false
	}
	if len(steps) == 0 {
		r.markLiveSlot(ctx, c, diags)
		if verb == "creating" {
			// Same weights, but put them in golive's form: a simple Route 53
			// record becomes weighted records, a plain ALB forward a
			// weighted one.
			if err := rt.Set(ctx, to); err != nil {
				diags.AddError(summary, err.Error())
				return res, false
			}
		}
		return res, true
	}
	rec := r.data.newEventSink(env, c.service, actor.ARN)
	defer rec.finish(ctx, diags)
	if override != "" {
		_ = rec.event(ctx, ledger.KindOverride, "allowed", "", "traffic shift: "+description, override)
	}
	_ = rec.event(ctx, ledger.KindCutoverStarted, "started", "", fmt.Sprintf("%s (%s, from %s)", description, c.strategy.Kind(), before), override)
	tflog.Info(ctx, "golive cutover starting", map[string]any{"split": c.id(), "cutover": description, "router": rt.String()})
	x := &rollout.Executor{
		Router: rt, Gates: r.gates(c), Recorder: rec, Bake: c.strategy.Bake, PollInterval: c.poll, Target: c.id(),
		Logf: func(format string, args ...any) { tflog.Info(ctx, fmt.Sprintf(format, args...)) },
	}
	defer r.markLiveSlot(ctx, c, diags)
	if err := x.Run(ctx, before, steps); err != nil {
		diags.AddError(summary, err.Error())
		rctx, cancel := detached(ctx, 30*time.Second)
		defer cancel()
		res.live, err = rt.Read(rctx)
		if err != nil {
			res.live = nil
		}
		return res, false
	}
	res.live = to
	return res, true
}

// createAlias creates the Lambda alias a new split found missing, straight
// on the declared weights: nothing is live on it, so there is nothing to
// canary or roll back to. If recording the split fails, the alias goes again,
// so a failed create leaves nothing behind.
func (r *trafficSplitResource) createAlias(ctx context.Context, c splitConfig, dests []rollout.Destination, env *ledger.Environment, actor, summary string, diags *diagnostics) (applied, bool) {
	alias := r.lambdaAlias(c, dests)
	to := c.declared()
	description := aliasCreationCutover(alias, to)
	override := checkReleaseSchedule(r.data.now(), *env, c.override, "shifting traffic of "+c.id()+" ("+description+")",
		"golive_traffic_split", path.Root("destination"), diags)
	if diags.HasError() {
		return applied{}, false
	}
	if err := alias.Create(ctx, to); err != nil {
		diags.AddError(summary, err.Error())
		return applied{}, false
	}
	if err := r.data.ledger.PutSplit(ctx, withActor(c.record(dests, true), actor)); err != nil {
		undo, cancel := detached(ctx, 30*time.Second)
		defer cancel()
		if derr := alias.Delete(undo); derr != nil {
			err = fmt.Errorf("%w\n\ndeleting the alias this apply created also failed, delete it by hand: %v", err, derr)
		}
		diags.AddError(summary, err.Error())
		return applied{}, false
	}
	rec := r.data.newEventSink(env, c.service, actor)
	defer rec.finish(ctx, diags)
	if override != "" {
		_ = rec.event(ctx, ledger.KindOverride, "allowed", "", "traffic shift: "+description, override)
	}
	_ = rec.event(ctx, ledger.KindCutoverCompleted, "succeeded", "", description, override)
	tflog.Info(ctx, "golive created the Lambda alias of a traffic split", map[string]any{"split": c.id(), "cutover": description})
	r.markLiveSlot(ctx, c, diags)
	return applied{live: to, aliasCreated: true}, true
}

// aliasCreationCutover is the cutover of a split that creates its alias, in
// words: "create Lambda alias api:live at blue=100 green=0 (no live traffic to canary)".
func aliasCreationCutover(alias fmt.Stringer, to rollout.Weights) string {
	return fmt.Sprintf("create %s at %s (no live traffic to canary)", alias, to)
}

func withActor(s ledger.Split, actor string) ledger.Split {
	s.UpdatedBy = actor
	return s
}

func environmentLookupError(env string, err error) string {
	if errors.Is(err, ledger.ErrNotFound) {
		return fmt.Sprintf("environment %s is not in the golive ledger: declare it with golive_environment (and check the provider's region and ledger_table)", env)
	}
	return err.Error()
}

func (r *trafficSplitResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state trafficSplitModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := state.Timeouts.Read(ctx, defaultTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c := state.decode(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// Targets as last applied: a deployment's destination is in the ledger
	// record, so Read needs no second lookup.
	rec, err := r.data.ledger.GetSplit(ctx, c.env, c.service)
	if errors.Is(err, ledger.ErrNotFound) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("reading golive traffic split (%s)", c.id()), err.Error())
		return
	}
	dests := make([]rollout.Destination, 0, len(rec.Destinations))
	for _, d := range rec.Destinations {
		dests = append(dests, rollout.Destination{Name: d.Name, Target: d.Target})
	}
	live, err := r.router(c, dests).Read(ctx)
	if errors.Is(err, router.ErrNotFound) {
		// The alias (or its function) is gone: the next plan creates the
		// split, and with it the alias, again.
		tflog.Warn(ctx, "golive traffic split removed from state: what it routes with no longer exists", map[string]any{"split": c.id(), "error": err.Error()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("reading golive traffic split (%s)", c.id()), err.Error())
		return
	}
	state.ID = types.StringValue(c.id())
	if c.router == "lambda_alias" {
		state.LambdaAlias = withAliasCreated(ctx, state.LambdaAlias, rec.AliasCreated, &resp.Diagnostics)
	}
	state.Destination = withLiveWeights(ctx, state.Destination, live, &resp.Diagnostics)
	state.LiveWeights = weightsValue(live)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *trafficSplitResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state trafficSplitModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := state.decode(ctx, &resp.Diagnostics)
	summary := fmt.Sprintf("deleting golive traffic split (%s)", c.id())
	// Traffic stays as it is: removing golive's management must never cut a
	// service off. Only the record goes, and an alias the split created
	// itself (nothing else routes with it).
	detail := "traffic left as it was: " + weightsFrom(ctx, state.LiveWeights, &resp.Diagnostics).String()
	if c.router == "lambda_alias" && c.aliasCreated() {
		alias := r.lambdaAlias(c, nil)
		if err := alias.Delete(ctx); err != nil {
			resp.Diagnostics.AddError(summary, err.Error())
			return
		}
		detail = fmt.Sprintf("deleted %s, which the split had created", alias)
	}
	if err := r.data.ledger.DeleteSplit(ctx, c.env, c.service); err != nil {
		resp.Diagnostics.AddError(summary, err.Error())
		return
	}
	if actor, err := r.data.aws.CallerIdentity(ctx); err == nil {
		_, _ = r.data.ledger.RecordEvent(ctx, ledger.Event{Environment: c.env, Service: c.service, Kind: ledger.KindSplitDeleted, Outcome: "succeeded",
			Actor: actor.ARN, Detail: detail})
	}
}

// ImportState takes "<application>/<environment>/<service>" and rebuilds the
// configuration from the ledger record written at apply.
func (r *trafficSplitResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	env, service, ok := splitEnvService(req.ID)
	if !ok {
		resp.Diagnostics.AddError("importing golive traffic split", fmt.Sprintf("import ID %q must be <application>/<environment>/<service>, e.g. shop/prod/api", req.ID))
		return
	}
	rec, err := r.data.ledger.GetSplit(ctx, env, service)
	if err != nil {
		resp.Diagnostics.AddError("importing golive traffic split", err.Error()+": only splits applied by golive can be imported")
		return
	}
	m := trafficSplitModel{
		ID: types.StringValue(req.ID), Environment: types.StringValue(env), Service: types.StringValue(service),
		ALB:          types.ListValueMust(types.ObjectType{AttrTypes: albAttrTypes}, nil),
		LambdaAlias:  types.ListValueMust(types.ObjectType{AttrTypes: lambdaAliasAttrTypes}, nil),
		Route53:      types.ListValueMust(types.ObjectType{AttrTypes: route53AttrTypes}, nil),
		Strategy:     types.ListValueMust(types.ObjectType{AttrTypes: strategyAttrTypes}, nil),
		Rollback:     types.ListValueMust(types.ObjectType{AttrTypes: rollbackAttrTypes}, nil),
		Override:     types.ListValueMust(types.ObjectType{AttrTypes: overrideAttrTypes}, nil),
		PlannedSteps: types.ListValueMust(plannedStepType, nil),
		Cutover:      types.StringValue("no change"),
		LiveWeights:  types.MapNull(types.Int64Type),
		Timeouts:     timeouts.Value{Object: types.ObjectNull(timeoutsAttrTypes)},
	}
	switch rec.Router {
	case "alb":
		m.ALB = types.ListValueMust(types.ObjectType{AttrTypes: albAttrTypes}, []attr.Value{types.ObjectValueMust(albAttrTypes, map[string]attr.Value{
			"listener_arn": optionalString(rec.ListenerARN), "rule_arn": optionalString(rec.RuleARN)})})
	case "lambda_alias":
		m.LambdaAlias = types.ListValueMust(types.ObjectType{AttrTypes: lambdaAliasAttrTypes}, []attr.Value{types.ObjectValueMust(lambdaAliasAttrTypes, map[string]attr.Value{
			"function_name": types.StringValue(rec.FunctionName), "alias": types.StringValue(rec.Alias), "created": types.BoolValue(rec.AliasCreated)})})
	case "route53":
		m.Route53 = types.ListValueMust(types.ObjectType{AttrTypes: route53AttrTypes}, []attr.Value{types.ObjectValueMust(route53AttrTypes, map[string]attr.Value{
			"zone_id": types.StringValue(rec.ZoneID), "name": types.StringValue(rec.RecordName), "type": types.StringValue(rec.RecordType), "ttl": types.Int64Value(rec.TTL)})})
	}
	dests := make([]attr.Value, 0, len(rec.Destinations))
	for _, d := range rec.Destinations {
		target := optionalString(d.Target)
		if d.Deployment != "" {
			target = types.StringNull()
		}
		dests = append(dests, types.ObjectValueMust(destinationAttrTypes, map[string]attr.Value{
			"name": types.StringValue(d.Name), "deployment": optionalString(d.Deployment), "target": target, "weight": types.Int64Value(int64(d.Weight))}))
	}
	m.Destination = types.ListValueMust(types.ObjectType{AttrTypes: destinationAttrTypes}, dests)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// markLiveSlot records, for a split over golive deployments, which slot now
// has most traffic, so golive_release reports the live and idle slots.
func (r *trafficSplitResource) markLiveSlot(ctx context.Context, c splitConfig, diags *diagnostics) {
	best, weight := "", -1
	for _, d := range c.destinations {
		if w := int(d.Weight.ValueInt64()); d.Deployment.ValueString() != "" && w > weight {
			best, weight = d.Deployment.ValueString(), w
		}
	}
	if best == "" || diags.HasError() {
		return
	}
	env, service, slot, ok := parseDeploymentID(best)
	if !ok {
		return
	}
	rctx, cancel := detached(ctx, 30*time.Second)
	defer cancel()
	if err := r.data.ledger.SetLiveSlot(rctx, env, service, slot); err != nil {
		diags.AddWarning("recording the live slot", err.Error())
	}
}
