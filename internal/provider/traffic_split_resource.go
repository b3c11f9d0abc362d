package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/golive-dev/terraform-provider-golive/internal/cutover"
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

func (r *trafficSplitResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_traffic_split"
}

func (r *trafficSplitResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (r *trafficSplitResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer r.data.reads.forget()
	var plan trafficSplitModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, trafficSplitTimeouts.create)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if res, ok := r.apply(ctx, plan, cutover.Create, carried{}, &resp.Diagnostics); ok {
		plan.LiveWeights = weightsValue(res.live)
		plan.LambdaAlias = withAliasCreated(ctx, plan.LambdaAlias, res.aliasCreated, &resp.Diagnostics)
		if res.ruleARN != "" {
			plan.ALB = withRuleARN(ctx, plan.ALB, res.ruleARN, &resp.Diagnostics)
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	}
}

func (r *trafficSplitResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer r.data.reads.forget()
	var plan, state trafficSplitModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Update(ctx, trafficSplitTimeouts.update)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	res, ok := r.apply(ctx, plan, cutover.Update, carriedFrom(ctx, req.Private, time.Now()), &resp.Diagnostics)
	resp.Diagnostics.Append(forgetCarried(ctx, resp.Private)...)
	if ok {
		plan.LiveWeights = weightsValue(res.live)
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		return
	}
	// Failed: keep the prior state, with the weights that are live now (the
	// pre-apply ones after a rollback), so the next plan shows the cutover
	// again.
	if res.live != nil {
		// The weights were read from what the plan routes with (and an
		// owned rule was already moved to its planned priority and
		// conditions), so that part of the plan holds.
		state.ALB = plan.ALB
		state.Destination = withLiveWeights(ctx, state.Destination, res.live, &resp.Diagnostics)
		state.LiveWeights = weightsValue(res.live)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *trafficSplitResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state trafficSplitModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := state.Timeouts.Read(ctx, trafficSplitTimeouts.read)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c := state.decode(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// Targets as last applied: a deployment's destination is in the ledger
	// record, so Read needs no second lookup.
	rec, err := r.data.reads.Split(ctx, c.env, c.service)
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
	// An owned rule's weights and conditions come from one DescribeRules.
	var live rollout.Weights
	var ruleSpec router.ALBRule
	var view *routerView
	if c.router == "alb" {
		live, ruleSpec, view, err = r.readALB(ctx, c, dests)
	} else {
		live, err = r.router(c, dests).Read(ctx)
	}
	if errors.Is(err, router.ErrNotFound) {
		// The alias (or its function) is gone: the next plan creates the
		// split, and with it the alias, again. A deleted HTTPRoute goes the
		// same way; the next plan then says it is missing.
		tflog.Warn(ctx, "golive traffic split removed from state: what it routes with no longer exists", map[string]any{"split": c.id(), "error": err.Error()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("reading golive traffic split (%s)", c.id()), err.Error())
		return
	}
	state.ID = types.StringValue(c.id())
	if c.router == "alb" {
		// The owned rule's priority and conditions as they are in AWS;
		// also puts the rule block into states written before it existed.
		var rule *router.ALBRule
		if c.rule != nil {
			rule = &ruleSpec
		}
		state.ALB = withALBRule(c, c.alb.RuleARN.ValueString(), rule)
	}
	if c.router == "lambda_alias" {
		state.LambdaAlias = withAliasCreated(ctx, state.LambdaAlias, rec.AliasCreated, &resp.Diagnostics)
	}
	state.Destination = withLiveWeights(ctx, state.Destination, live, &resp.Diagnostics)
	state.LiveWeights = weightsValue(live)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	// The environment read above came with the split's record: free.
	env, _ := r.data.reads.Environment(ctx, c.env)
	resp.Diagnostics.Append(carryFromRefresh(ctx, resp.Private, time.Now(), env, view)...)
}

func (r *trafficSplitResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	defer r.data.reads.forget()
	var state trafficSplitModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, trafficSplitTimeouts.delete)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c := state.decode(ctx, &resp.Diagnostics)
	summary := fmt.Sprintf("deleting golive traffic split (%s)", c.id())
	// Traffic stays as it is: removing golive's management must never cut a
	// service off. Only the record goes, and an alias or a listener rule
	// the split created itself (nothing else routes with it).
	detail := "traffic left as it was: " + weightsFrom(ctx, state.LiveWeights, &resp.Diagnostics).String()
	if c.router == "lambda_alias" && c.aliasCreated() {
		alias := r.lambdaAlias(c, nil)
		if err := alias.Delete(ctx); err != nil {
			resp.Diagnostics.AddError(summary, err.Error())
			return
		}
		detail = fmt.Sprintf("deleted %s, which the split had created", alias)
	}
	if c.router == "alb" && c.rule != nil {
		rule := r.albRouter(c, nil)
		if err := rule.DeleteRule(ctx); err != nil {
			resp.Diagnostics.AddError(summary, err.Error())
			return
		}
		detail = fmt.Sprintf("deleted %s, which the split had created", rule)
	}
	if err := r.data.ledger.DeleteSplit(ctx, c.env, c.service); err != nil {
		resp.Diagnostics.AddError(summary, err.Error())
		return
	}
	if actor, err := r.data.aws.CallerIdentity(ctx); err == nil {
		_, _ = r.data.ledger.RecordEvent(ctx, ledger.Event{Environment: c.env, Service: c.service, Kind: ledger.KindSplitDeleted, Outcome: ledger.OutcomeSucceeded,
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
		GatewayAPI:   gatewayAPIList(nil),
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
		m.ALB = albFromRecord(rec)
	case "lambda_alias":
		m.LambdaAlias = types.ListValueMust(types.ObjectType{AttrTypes: lambdaAliasAttrTypes}, []attr.Value{types.ObjectValueMust(lambdaAliasAttrTypes, map[string]attr.Value{
			"function_name": types.StringValue(rec.FunctionName), "alias": types.StringValue(rec.Alias), "created": types.BoolValue(rec.AliasCreated)})})
	case "gateway_api":
		m.GatewayAPI = gatewayAPIList(rec)
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
