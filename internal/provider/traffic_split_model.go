package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
	"github.com/golive-dev/terraform-provider-golive/internal/router"
	"github.com/golive-dev/terraform-provider-golive/internal/verify"
)

type trafficSplitModel struct {
	ID           types.String   `tfsdk:"id"`
	Environment  types.String   `tfsdk:"environment"`
	Service      types.String   `tfsdk:"service"`
	ALB          types.List     `tfsdk:"alb"`
	LambdaAlias  types.List     `tfsdk:"lambda_alias"`
	Route53      types.List     `tfsdk:"route53"`
	GatewayAPI   types.List     `tfsdk:"gateway_api"`
	Destination  types.List     `tfsdk:"destination"`
	Strategy     types.List     `tfsdk:"strategy"`
	Rollback     types.List     `tfsdk:"rollback"`
	Override     types.List     `tfsdk:"override"`
	PlannedSteps types.List     `tfsdk:"planned_steps"`
	Cutover      types.String   `tfsdk:"cutover"`
	LiveWeights  types.Map      `tfsdk:"live_weights"`
	Timeouts     timeouts.Value `tfsdk:"timeouts"`
}

type lambdaAliasModel struct {
	FunctionName types.String `tfsdk:"function_name"`
	Alias        types.String `tfsdk:"alias"`
	Created      types.Bool   `tfsdk:"created"`
}

type route53Model struct {
	ZoneID types.String `tfsdk:"zone_id"`
	Name   types.String `tfsdk:"name"`
	Type   types.String `tfsdk:"type"`
	TTL    types.Int64  `tfsdk:"ttl"`
}

type destinationModel struct {
	Name       types.String `tfsdk:"name"`
	Deployment types.String `tfsdk:"deployment"`
	Target     types.String `tfsdk:"target"`
	Weight     types.Int64  `tfsdk:"weight"`
}

type strategyModel struct {
	Canary types.List `tfsdk:"canary"`
	Linear types.List `tfsdk:"linear"`
}

type canaryModel struct {
	Steps types.List   `tfsdk:"steps"`
	Bake  types.String `tfsdk:"bake"`
}

type linearModel struct {
	Increment types.Int64  `tfsdk:"increment"`
	Interval  types.String `tfsdk:"interval"`
}

type rollbackModel struct {
	Alarms       types.List   `tfsdk:"alarms"`
	HTTP         types.List   `tfsdk:"http"`
	Metric       types.List   `tfsdk:"metric"`
	PollInterval types.String `tfsdk:"poll_interval"`
}

type httpGateModel struct {
	URL          types.String `tfsdk:"url"`
	ExpectStatus types.Int64  `tfsdk:"expect_status"`
	BodyRegex    types.String `tfsdk:"body_regex"`
	Timeout      types.String `tfsdk:"timeout"`
}

var (
	destinationAttrTypes = map[string]attr.Type{"name": types.StringType, "deployment": types.StringType, "target": types.StringType, "weight": types.Int64Type}
	plannedStepType      = types.MapType{ElemType: types.Int64Type}
)

// splitConfig is a traffic split decoded into Go values. known is false while
// anything it needs is unknown (values computed during apply).
type splitConfig struct {
	known        bool
	env, service string
	router       string // alb | lambda_alias | route53 | gateway_api
	alb          *albModel
	rule         *router.ALBRule // the listener rule the split owns (alb.rule); nil if none
	lambda       *lambdaAliasModel
	route53      *route53Model
	gateway      *gatewayAPIModel
	destinations []destinationModel
	strategy     rollout.Strategy
	alarms       []string
	http         []httpGateModel
	metrics      []verify.MetricSpec
	poll         time.Duration
	override     string
}

func decodeList[T any](ctx context.Context, l types.List, known *bool, diags *diag.Diagnostics) []T {
	if l.IsUnknown() {
		*known = false
		return nil
	}
	var out []T
	if !l.IsNull() {
		diags.Append(l.ElementsAs(ctx, &out, false)...)
	}
	return out
}

func (m trafficSplitModel) decode(ctx context.Context, diags *diag.Diagnostics) splitConfig {
	c := splitConfig{known: true, env: m.Environment.ValueString(), service: m.Service.ValueString(), poll: 10 * time.Second}
	if !known(m.Environment) || !known(m.Service) {
		c.known = false
	}
	if l := decodeList[albModel](ctx, m.ALB, &c.known, diags); len(l) > 0 {
		c.router, c.alb = "alb", &l[0]
		c.rule = decodeALBRule(ctx, l[0].Rule, &c.known, diags)
		// An owned rule's ARN is unknown until the split creates it.
		if m.ALB.IsUnknown() || l[0].ListenerARN.IsUnknown() || (l[0].RuleARN.IsUnknown() && c.rule == nil) {
			c.known = false
		}
	}
	if l := decodeList[lambdaAliasModel](ctx, m.LambdaAlias, &c.known, diags); len(l) > 0 {
		c.router, c.lambda = "lambda_alias", &l[0]
		if !known(l[0].FunctionName) || !known(l[0].Alias) {
			c.known = false
		}
	}
	if l := decodeList[route53Model](ctx, m.Route53, &c.known, diags); len(l) > 0 {
		c.router, c.route53 = "route53", &l[0]
		if !known(l[0].ZoneID) || !known(l[0].Name) || !known(l[0].Type) || l[0].TTL.IsUnknown() {
			c.known = false
		}
	}
	c.decodeGatewayAPI(ctx, m.GatewayAPI, diags)
	c.destinations = decodeList[destinationModel](ctx, m.Destination, &c.known, diags)
	for _, d := range c.destinations {
		if d.Name.IsUnknown() || d.Weight.IsUnknown() || d.Target.IsUnknown() || d.Deployment.IsUnknown() {
			c.known = false
		}
	}
	if st := decodeList[strategyModel](ctx, m.Strategy, &c.known, diags); len(st) > 0 {
		if cn := decodeList[canaryModel](ctx, st[0].Canary, &c.known, diags); len(cn) > 0 {
			var steps []int64
			if !allKnown(cn[0].Steps) {
				c.known = false
			} else {
				diags.Append(cn[0].Steps.ElementsAs(ctx, &steps, false)...)
			}
			for _, s := range steps {
				c.strategy.CanarySteps = append(c.strategy.CanarySteps, int(s))
			}
			c.strategy.Bake, _ = time.ParseDuration(cn[0].Bake.ValueString())
		}
		if ln := decodeList[linearModel](ctx, st[0].Linear, &c.known, diags); len(ln) > 0 {
			c.strategy.LinearIncrement = int(ln[0].Increment.ValueInt64())
			c.strategy.Bake, _ = time.ParseDuration(ln[0].Interval.ValueString())
		}
	}
	if rb := decodeList[rollbackModel](ctx, m.Rollback, &c.known, diags); len(rb) > 0 {
		c.alarms = listStrings(ctx, rb[0].Alarms, &c.known, diags)
		c.http = decodeList[httpGateModel](ctx, rb[0].HTTP, &c.known, diags)
		c.metrics, _ = metricSpecs(ctx, rb[0].Metric, &c.known, diags)
		if d, err := time.ParseDuration(rb[0].PollInterval.ValueString()); err == nil && d > 0 {
			c.poll = d
		}
	}
	if ov := decodeList[overrideModel](ctx, m.Override, &c.known, diags); len(ov) > 0 {
		c.override = ov[0].Reason.ValueString()
	}
	return c
}

// rollbackDescription says, for the plan's cutover text, what rolls a
// cutover back: "; roll back if alarm api-5xx fires", or "" without gates.
func (c splitConfig) rollbackDescription() string {
	var conds []string
	switch len(c.alarms) {
	case 0:
	case 1:
		conds = append(conds, fmt.Sprintf("alarm %s fires", c.alarms[0]))
	default:
		conds = append(conds, fmt.Sprintf("any of alarms %s fires", strings.Join(c.alarms, ", ")))
	}
	for _, h := range c.http {
		conds = append(conds, fmt.Sprintf("%s does not answer %d", h.URL.ValueString(), h.ExpectStatus.ValueInt64()))
	}
	for _, m := range c.metrics {
		conds = append(conds, m.Condition())
	}
	if len(conds) == 0 {
		return ""
	}
	return "; roll back if " + strings.Join(conds, " or ")
}

// declared is the declared weights by destination name.
func (c splitConfig) declared() rollout.Weights {
	w := rollout.Weights{}
	for _, d := range c.destinations {
		w[d.Name.ValueString()] = int(d.Weight.ValueInt64())
	}
	return w
}

func (c splitConfig) id() string { return c.env + "/" + c.service }

// resolveDestinations turns destinations into router destinations: a target
// as written, or the destination recorded in the ledger for a deployment.
func (r *trafficSplitResource) resolveDestinations(ctx context.Context, c splitConfig) ([]rollout.Destination, error) {
	out := make([]rollout.Destination, 0, len(c.destinations))
	for _, d := range c.destinations {
		target := d.Target.ValueString()
		if dep := d.Deployment.ValueString(); dep != "" {
			resolved, err := r.data.deploymentDestination(ctx, dep)
			if err != nil {
				return nil, fmt.Errorf("destination %q: %w", d.Name.ValueString(), err)
			}
			target = resolved
		}
		out = append(out, rollout.Destination{Name: d.Name.ValueString(), Target: target})
	}
	return out, nil
}

func (r *trafficSplitResource) router(c splitConfig, dests []rollout.Destination) rollout.Router {
	switch c.router {
	case "alb":
		return r.albRouter(c, dests)
	case "lambda_alias":
		return r.lambdaAlias(c, dests)
	case "gateway_api":
		return r.gatewayAPIRouter(c, dests)
	default:
		return router.NewRoute53(r.data.aws.Route53(), c.route53.ZoneID.ValueString(), c.route53.Name.ValueString(),
			c.route53.Type.ValueString(), c.route53.TTL.ValueInt64(), dests)
	}
}

func (r *trafficSplitResource) lambdaAlias(c splitConfig, dests []rollout.Destination) *router.LambdaAlias {
	return router.NewLambdaAlias(r.data.aws.Lambda(), c.lambda.FunctionName.ValueString(), c.lambda.Alias.ValueString(), dests)
}

// aliasCreated says whether the split's Lambda alias was created by it (as
// recorded in state; unknown before the split exists counts as false).
func (c splitConfig) aliasCreated() bool {
	return c.lambda != nil && c.lambda.Created.ValueBool()
}

// withAliasCreated returns the lambda_alias block with created set.
func withAliasCreated(ctx context.Context, l types.List, created bool, diags *diag.Diagnostics) types.List {
	var blocks []lambdaAliasModel
	diags.Append(l.ElementsAs(ctx, &blocks, false)...)
	elems := make([]attr.Value, 0, len(blocks))
	for _, b := range blocks {
		elems = append(elems, types.ObjectValueMust(lambdaAliasAttrTypes, map[string]attr.Value{
			"function_name": b.FunctionName, "alias": b.Alias, "created": types.BoolValue(created),
		}))
	}
	return types.ListValueMust(types.ObjectType{AttrTypes: lambdaAliasAttrTypes}, elems)
}

func (r *trafficSplitResource) gates(c splitConfig) []rollout.Gate {
	var gates []rollout.Gate
	if len(c.alarms) > 0 {
		gates = append(gates, verify.NewAlarms(r.data.aws.CloudWatch(), c.alarms))
	}
	for _, h := range c.http {
		g := &verify.HTTPCheck{URL: h.URL.ValueString(), ExpectStatus: int(h.ExpectStatus.ValueInt64())}
		if re := h.BodyRegex.ValueString(); re != "" {
			g.BodyRegex = regexp.MustCompile(re) // validated at plan
		}
		g.Timeout, _ = time.ParseDuration(h.Timeout.ValueString())
		gates = append(gates, g)
	}
	return append(gates, metricGates(r.data.aws.CloudWatch(), c.metrics, false)...)
}

// record is the ledger record of the split; aliasCreated says whether the
// split created its Lambda alias.
func (c splitConfig) record(dests []rollout.Destination, aliasCreated bool) ledger.Split {
	s := ledger.Split{Environment: c.env, Service: c.service, Router: c.router}
	switch c.router {
	case "alb":
		s.ListenerARN, s.RuleARN = c.alb.ListenerARN.ValueString(), c.alb.RuleARN.ValueString()
		s.RuleCreated, s.Rule = c.rule != nil, ruleRecord(c.rule)
	case "lambda_alias":
		s.FunctionName, s.Alias, s.AliasCreated = c.lambda.FunctionName.ValueString(), c.lambda.Alias.ValueString(), aliasCreated
	case "route53":
		s.ZoneID, s.RecordName, s.RecordType, s.TTL = c.route53.ZoneID.ValueString(), c.route53.Name.ValueString(), c.route53.Type.ValueString(), c.route53.TTL.ValueInt64()
	case "gateway_api":
		s.HTTPRoute = c.httpRouteRecord()
	}
	for i, d := range c.destinations {
		s.Destinations = append(s.Destinations, ledger.SplitDestination{
			Name: d.Name.ValueString(), Deployment: d.Deployment.ValueString(), Target: dests[i].Target, Weight: int(d.Weight.ValueInt64()),
		})
	}
	return s
}

func plannedStepsValue(steps []rollout.Weights) types.List {
	elems := make([]attr.Value, 0, len(steps))
	for _, st := range steps {
		m := make(map[string]attr.Value, len(st))
		for k, v := range st {
			m[k] = types.Int64Value(int64(v))
		}
		elems = append(elems, types.MapValueMust(types.Int64Type, m))
	}
	return types.ListValueMust(plannedStepType, elems)
}

func weightsValue(w rollout.Weights) types.Map {
	m := make(map[string]attr.Value, len(w))
	for k, v := range w {
		m[k] = types.Int64Value(int64(v))
	}
	return types.MapValueMust(types.Int64Type, m)
}

func weightsFrom(ctx context.Context, m types.Map, diags *diag.Diagnostics) rollout.Weights {
	w := rollout.Weights{}
	if m.IsNull() || m.IsUnknown() {
		return w
	}
	var raw map[string]int64
	diags.Append(m.ElementsAs(ctx, &raw, false)...)
	for k, v := range raw {
		w[k] = int(v)
	}
	return w
}

// withLiveWeights returns the destinations list with each weight replaced by
// the live one (0 when the live state does not route to it).
func withLiveWeights(ctx context.Context, l types.List, live rollout.Weights, diags *diag.Diagnostics) types.List {
	var dests []destinationModel
	diags.Append(l.ElementsAs(ctx, &dests, false)...)
	elems := make([]attr.Value, 0, len(dests))
	for _, d := range dests {
		elems = append(elems, types.ObjectValueMust(destinationAttrTypes, map[string]attr.Value{
			"name": d.Name, "deployment": d.Deployment, "target": d.Target,
			"weight": types.Int64Value(int64(live[d.Name.ValueString()])),
		}))
	}
	return types.ListValueMust(types.ObjectType{AttrTypes: destinationAttrTypes}, elems)
}

func splitEnvService(id string) (string, string, bool) {
	i := strings.LastIndex(id, "/")
	if i <= 0 || strings.Count(id, "/") != 2 {
		return "", "", false
	}
	return id[:i], id[i+1:], true
}

var (
	lambdaAliasAttrTypes = map[string]attr.Type{"function_name": types.StringType, "alias": types.StringType, "created": types.BoolType}
	route53AttrTypes     = map[string]attr.Type{"zone_id": types.StringType, "name": types.StringType, "type": types.StringType, "ttl": types.Int64Type}
	canaryAttrTypes      = map[string]attr.Type{"steps": types.ListType{ElemType: types.Int64Type}, "bake": types.StringType}
	linearAttrTypes      = map[string]attr.Type{"increment": types.Int64Type, "interval": types.StringType}
	strategyAttrTypes    = map[string]attr.Type{
		"canary": types.ListType{ElemType: types.ObjectType{AttrTypes: canaryAttrTypes}},
		"linear": types.ListType{ElemType: types.ObjectType{AttrTypes: linearAttrTypes}},
	}
	httpGateAttrTypes = map[string]attr.Type{"url": types.StringType, "expect_status": types.Int64Type, "body_regex": types.StringType, "timeout": types.StringType}
	rollbackAttrTypes = map[string]attr.Type{
		"alarms": types.ListType{ElemType: types.StringType}, "poll_interval": types.StringType,
		"http":   types.ListType{ElemType: types.ObjectType{AttrTypes: httpGateAttrTypes}},
		"metric": metricListType,
	}
	timeoutsAttrTypes = map[string]attr.Type{"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType}
)
