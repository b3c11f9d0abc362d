package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golive-dev/terraform-provider-golive/internal/policy"
	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
	"github.com/golive-dev/terraform-provider-golive/internal/router"
)

// ConfigValidators: a split routes with exactly one router.
func (r *trafficSplitResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{explainedResource{
		validator: resourcevalidator.ExactlyOneOf(path.MatchRoot("alb").AtAnyListIndex(), path.MatchRoot("lambda_alias").AtAnyListIndex(),
			path.MatchRoot("route53").AtAnyListIndex(), path.MatchRoot("gateway_api").AtAnyListIndex()),
		at: path.Root("alb"),
		explain: func(ctx context.Context, config tfsdk.Config, _ path.Path) (string, string) {
			return "exactly one router", fmt.Sprintf("a traffic split needs exactly one of the blocks alb, lambda_alias, route53 and gateway_api; this one has %d",
				writtenBlocks(ctx, config, "alb", "lambda_alias", "route53", "gateway_api"))
		},
	}}
}

// ValidateConfig rejects what can be judged from the configuration alone,
// beyond single attributes and the choices the schema's validators judge.
func (r *trafficSplitResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m trafficSplitModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	diags := &resp.Diagnostics
	c := m.decode(ctx, diags)
	if c.alb != nil {
		validateALB(c, diags)
		at := path.Root("alb").AtListIndex(0)
		checkString(ctx, listenerARNValidator, at.AtName("listener_arn"), c.alb.ListenerARN, diags)
		checkString(ctx, listenerRuleARNValidator, at.AtName("rule_arn"), c.alb.RuleARN, diags)
	}
	validateDestinations(ctx, m, c, diags)
	validateGatewayAPI(c, diags)
	validateCanarySteps(ctx, m, c, diags)
	if c.route53 != nil && known(c.route53.TTL) && c.strategy.Bake > 0 {
		ttl := time.Duration(c.route53.TTL.ValueInt64()) * time.Second
		if c.strategy.Bake < ttl {
			diags.AddAttributeWarning(path.Root("strategy"), "bake shorter than the record TTL",
				fmt.Sprintf("each step bakes for %s but resolvers may cache the record for its TTL of %s, so a step can end before most clients see it; bake at least as long as the TTL", c.strategy.Bake, ttl))
		}
	}
}

// targetValidators judge a destination's raw target by router.
var targetValidators = map[string]validator.String{"alb": albTargetValidator, "lambda_alias": lambdaTargetValidator, "route53": route53TargetValidator,
	"gateway_api": serviceTargetValidator}

// validateDestinations checks the destinations together: at least one,
// unique names, targets of the router's kind, deployments of the split's
// own service, weights summing to 100, at most two weighted on an alias.
func validateDestinations(ctx context.Context, m trafficSplitModel, c splitConfig, diags *diagnostics) {
	// SizeAtLeast on the block list does not fire when no block is written.
	if !m.Destination.IsUnknown() && len(m.Destination.Elements()) == 0 {
		diags.AddAttributeError(path.Root("destination"), "no destination",
			"destination: a traffic split needs at least one destination block, e.g. destination { name = \"blue\", target = <target> or deployment = <golive_deployment id>, weight = 100 }")
	}
	// What a raw target is depends on the router; judged once there is one.
	var target validator.String
	if name, ok := soleRouter(m); ok {
		target = targetValidators[name]
	}
	seen := map[string]int{}
	sum, weightsKnown, weighted := 0, !m.Destination.IsUnknown(), 0
	for i, d := range c.destinations {
		at := path.Root("destination").AtListIndex(i)
		if known(d.Name) {
			if j, dup := seen[d.Name.ValueString()]; dup {
				diags.AddAttributeError(at.AtName("name"), "duplicate destination name",
					fmt.Sprintf("destination[%d].name %q is also destination[%d].name: names must be unique", i, d.Name.ValueString(), j))
			}
			seen[d.Name.ValueString()] = i
		}
		if target != nil {
			checkString(ctx, target, at.AtName("target"), d.Target, diags)
		}
		checkOwnDeployment(m, d, at.AtName("deployment"), diags)
		if d.Weight.IsUnknown() {
			weightsKnown = false
			continue
		}
		sum += int(d.Weight.ValueInt64())
		if d.Weight.ValueInt64() > 0 {
			weighted++
		}
	}
	if weightsKnown && len(c.destinations) > 0 && sum != 100 {
		diags.AddAttributeError(path.Root("destination"), "weights must sum to 100",
			fmt.Sprintf("the destination weights sum to %d; they are percentages and must sum to 100", sum))
	}
	if c.lambda != nil && weighted > 2 {
		diags.AddAttributeError(path.Root("destination"), "too many weighted destinations for a Lambda alias",
			fmt.Sprintf("%d destinations have weight; a Lambda alias routes to at most two versions (a primary and one additional)", weighted))
	}
}

// soleRouter is the split's router when exactly one router block is
// written and none is unknown.
func soleRouter(m trafficSplitModel) (string, bool) {
	sole, n := "", 0
	for name, l := range map[string]types.List{"alb": m.ALB, "lambda_alias": m.LambdaAlias, "route53": m.Route53, "gateway_api": m.GatewayAPI} {
		if l.IsUnknown() {
			return "", false
		}
		if len(l.Elements()) > 0 {
			sole, n = name, n+1
		}
	}
	return sole, n == 1
}

// validateCanarySteps checks the steps of a canary strategy.
func validateCanarySteps(ctx context.Context, m trafficSplitModel, c splitConfig, diags *diagnostics) {
	var st []strategyModel
	if !m.Strategy.IsNull() && !m.Strategy.IsUnknown() {
		diags.Append(m.Strategy.ElementsAs(ctx, &st, false)...)
	}
	if len(st) != 1 || st[0].Canary.IsUnknown() || len(st[0].Canary.Elements()) == 0 {
		return
	}
	var canary []canaryModel
	diags.Append(st[0].Canary.ElementsAs(ctx, &canary, false)...)
	if len(canary) == 1 && allKnown(canary[0].Steps) {
		checkCanarySteps(c.strategy.CanarySteps, path.Root("strategy").AtListIndex(0).AtName("canary").AtListIndex(0).AtName("steps"), diags)
	}
}

// strategyChoice explains a strategy block without exactly one strategy.
func strategyChoice(context.Context, tfsdk.Config, path.Path) (string, string) {
	return "exactly one of canary and linear",
		"strategy needs exactly one block: canary { steps, bake } or linear { increment, interval }; omit strategy for all at once"
}

// destinationChoice explains a destination without exactly one of
// deployment and target.
func destinationChoice(ctx context.Context, config tfsdk.Config, at path.Path) (string, string) {
	dest := at.ParentPath()
	var name types.String
	_ = config.GetAttribute(ctx, dest.AtName("name"), &name)
	return "exactly one of deployment and target",
		fmt.Sprintf("%s (%s) needs exactly one of deployment (a golive_deployment id) and target (a raw target), not both and not neither", dest, name.ValueString())
}

// checkOwnDeployment refuses a destination naming a deployment of another
// environment or service: a production split must not send traffic to a
// staging deployment, nor one service's listener to another's tasks.
func checkOwnDeployment(m trafficSplitModel, d destinationModel, at path.Path, diags *diagnostics) {
	if !known(d.Deployment) || !known(m.Environment) || !known(m.Service) {
		return
	}
	want := m.Environment.ValueString() + "/" + m.Service.ValueString() + "/"
	id := d.Deployment.ValueString()
	if strings.HasPrefix(id, want) || strings.Count(id, "/") != 3 {
		return // the id's form is judged by its own validator
	}
	diags.AddAttributeError(at, "deployment of another environment or service",
		fmt.Sprintf("Attribute %s must start with %q, got %q: a split routes only to deployments of its own service (%s) in its own environment (%s)",
			at, want, id, m.Service.ValueString(), m.Environment.ValueString()))
}

func checkCanarySteps(steps []int, at path.Path, diags *diagnostics) {
	if len(steps) == 0 {
		diags.AddAttributeError(at, "no canary steps", "canary.steps: list at least one percentage, e.g. [10, 50]")
	}
	for i, s := range steps {
		if s < 1 || s > 99 {
			diags.AddAttributeError(at.AtListIndex(i), "canary step out of range",
				fmt.Sprintf("canary.steps[%d] = %d: each step is a percentage from 1 to 99 (100 is the declared weight, reached last)", i, s))
		}
		if i > 0 && s <= steps[i-1] {
			diags.AddAttributeError(at.AtListIndex(i), "canary steps not increasing",
				fmt.Sprintf("canary.steps[%d] = %d is not greater than canary.steps[%d] = %d: steps must be strictly increasing", i, s, i-1, steps[i-1]))
		}
	}
}

// ModifyPlan computes planned_steps, so the plan shows the cutover, and
// checks the environment's freeze and deploy window.
func (r *trafficSplitResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil || req.Plan.Raw.IsNull() {
		return
	}
	var plan trafficSplitModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var state *trafficSplitModel
	if !req.State.Raw.IsNull() {
		state = &trafficSplitModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	c := plan.decode(ctx, &resp.Diagnostics)
	if known(plan.Environment) && known(plan.Service) {
		plan.ID = types.StringValue(c.id())
	}
	steps, cutover, stepsKnown := []rollout.Weights(nil), "", false
	if c.known {
		var ok bool
		if steps, cutover, stepsKnown, ok = r.plannedCutover(ctx, c, state, &resp.Diagnostics); !ok {
			return
		}
	}
	switch {
	case !stepsKnown:
		plan.PlannedSteps = types.ListUnknown(plannedStepType)
		plan.Cutover = types.StringUnknown()
		plan.LiveWeights = types.MapUnknown(types.Int64Type)
	case len(steps) == 0 && state != nil:
		plan.PlannedSteps, plan.Cutover = state.PlannedSteps, state.Cutover
		plan.LiveWeights = weightsValue(c.declared())
	default:
		plan.PlannedSteps = plannedStepsValue(steps)
		plan.Cutover = types.StringValue(cutover)
		plan.LiveWeights = weightsValue(c.declared())
	}
	warnCutoverOutlastsTimeout(ctx, plan, c, state == nil, steps, stepsKnown, &resp.Diagnostics)
	if stepsKnown && len(steps) > 0 {
		r.checkGatewayBackends(ctx, c, &resp.Diagnostics)
		// As the refresh read it: no second read.
		env, err := r.plannedEnvironment(ctx, req.Private, c)
		if err != nil {
			addEnvironmentLookupError(&resp.Diagnostics, c.env, err)
			return
		}
		checkReleaseSchedule(r.data.now(), policy.AtPlan, *env, c.override, "shifting traffic of "+c.id()+" ("+plan.Cutover.ValueString()+")",
			"golive_traffic_split", path.Root("destination"), &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

// plannedCutover is the cutover the plan shows: its steps and its words.
// known is false while the live weights cannot be keyed by destination (a
// deployment created in this same apply); ok is false on an error, added to
// diags.
func (r *trafficSplitResource) plannedCutover(ctx context.Context, c splitConfig, state *trafficSplitModel, diags *diagnostics) (steps []rollout.Weights, cutover string, known, ok bool) {
	to := c.declared()
	var from rollout.Weights
	switch {
	case state != nil && !state.LiveWeights.IsNull():
		from = weightsFrom(ctx, state.LiveWeights, diags)
	case c.rule != nil:
		// Create makes the rule on the declared weights at once; its
		// targets need not be known for that to be said.
		if _, err := r.resolveDestinations(ctx, c); err != nil && !errors.Is(err, errDeploymentNotRecorded) {
			diags.AddAttributeError(path.Root("destination"), "resolving destinations", err.Error())
			return nil, "", false, false
		}
		return []rollout.Weights{to}, ruleCreationCutover(*c.rule, to), true, true
	default:
		dests, err := r.resolveDestinations(ctx, c)
		if errors.Is(err, errDeploymentNotRecorded) {
			return nil, "", false, true
		}
		if err != nil {
			diags.AddAttributeError(path.Root("destination"), "resolving destinations", err.Error())
			return nil, "", false, false
		}
		rt := r.router(c, dests)
		live, err := rt.Read(ctx)
		switch {
		case errors.Is(err, router.ErrNotFound) && c.router == "lambda_alias":
			// Create makes the alias on the declared weights at once.
			return []rollout.Weights{to}, aliasCreationCutover(rt, to), true, true
		case errors.Is(err, errKubernetesUnknown):
			return nil, "", false, true // the cluster is read at apply
		case err != nil:
			diags.AddError(fmt.Sprintf("reading the live weights of %s", c.id()), err.Error())
			return nil, "", false, false
		}
		from = live
	}
	steps = rollout.PlanSteps(from, to, c.strategy)
	cutover = rollout.Describe(from, to, steps, c.strategy)
	if len(steps) > 1 {
		cutover += c.rollbackDescription()
	}
	return steps, cutover, true, true
}
