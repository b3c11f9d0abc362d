package provider

import (
	"context"
	"reflect"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golive-dev/terraform-provider-golive/internal/deploy"
	"github.com/golive-dev/terraform-provider-golive/internal/verify"
)

type deploymentModel struct {
	ID              types.String   `tfsdk:"id"`
	Environment     types.String   `tfsdk:"environment"`
	Service         types.String   `tfsdk:"service"`
	Version         types.String   `tfsdk:"version"`
	Slot            types.String   `tfsdk:"slot"`
	ECS             types.List     `tfsdk:"ecs"`
	Lambda          types.List     `tfsdk:"lambda"`
	Verify          types.List     `tfsdk:"verify"`
	Hook            types.List     `tfsdk:"hook"`
	Override        types.List     `tfsdk:"override"`
	Status          types.String   `tfsdk:"status"`
	DeployedAt      types.String   `tfsdk:"deployed_at"`
	PreviousVersion types.String   `tfsdk:"previous_version"`
	Destination     types.String   `tfsdk:"destination"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

type ecsModel struct {
	ClusterARN             types.String `tfsdk:"cluster_arn"`
	TaskDefinitionARN      types.String `tfsdk:"task_definition_arn"`
	ServiceName            types.String `tfsdk:"service_name"`
	DesiredCount           types.Int64  `tfsdk:"desired_count"`
	Autoscaled             types.Bool   `tfsdk:"autoscaled"`
	Adopt                  types.Bool   `tfsdk:"adopt"`
	LaunchType             types.String `tfsdk:"launch_type"`
	PlatformVersion        types.String `tfsdk:"platform_version"`
	Subnets                types.List   `tfsdk:"subnets"`
	SecurityGroups         types.List   `tfsdk:"security_groups"`
	AssignPublicIP         types.Bool   `tfsdk:"assign_public_ip"`
	HealthCheckGracePeriod types.String `tfsdk:"health_check_grace_period"`
	EnableExecuteCommand   types.Bool   `tfsdk:"enable_execute_command"`
	CircuitBreaker         types.Bool   `tfsdk:"circuit_breaker"`
	PropagateTags          types.String `tfsdk:"propagate_tags"`
	WaitForSteadyState     types.Bool   `tfsdk:"wait_for_steady_state"`
	LoadBalancer           types.List   `tfsdk:"load_balancer"`
	CapacityProvider       types.List   `tfsdk:"capacity_provider_strategy"`
}

type capacityProviderModel struct {
	CapacityProvider types.String `tfsdk:"capacity_provider"`
	Weight           types.Int64  `tfsdk:"weight"`
	Base             types.Int64  `tfsdk:"base"`
}

type loadBalancerModel struct {
	TargetGroupARN types.String `tfsdk:"target_group_arn"`
	ContainerName  types.String `tfsdk:"container_name"`
	ContainerPort  types.Int64  `tfsdk:"container_port"`
}

type lambdaModel struct {
	FunctionName types.String `tfsdk:"function_name"`
	Version      types.String `tfsdk:"version"`
}

type verifyModel struct {
	HTTP                types.List   `tfsdk:"http"`
	Alarms              types.List   `tfsdk:"alarms"`
	TargetHealth        types.Bool   `tfsdk:"target_health"`
	TargetHealthTimeout types.String `tfsdk:"target_health_timeout"`
	Metric              types.List   `tfsdk:"metric"`
}

type verifyHTTPModel struct {
	URL          types.String `tfsdk:"url"`
	ExpectStatus types.Int64  `tfsdk:"expect_status"`
	BodyRegex    types.String `tfsdk:"body_regex"`
	Interval     types.String `tfsdk:"interval"`
	Successes    types.Int64  `tfsdk:"successes"`
	Timeout      types.String `tfsdk:"timeout"`
}

type hookModel struct {
	When    types.String `tfsdk:"when"`
	HTTP    types.List   `tfsdk:"http"`
	ECSTask types.List   `tfsdk:"ecs_task"`
}

type hookHTTPModel struct {
	URL     types.String `tfsdk:"url"`
	Method  types.String `tfsdk:"method"`
	Headers types.Map    `tfsdk:"headers"`
}

type hookTaskModel struct {
	ClusterARN        types.String `tfsdk:"cluster_arn"`
	TaskDefinitionARN types.String `tfsdk:"task_definition_arn"`
	Command           types.List   `tfsdk:"command"`
	Container         types.String `tfsdk:"container"`
	LaunchType        types.String `tfsdk:"launch_type"`
	Subnets           types.List   `tfsdk:"subnets"`
	SecurityGroups    types.List   `tfsdk:"security_groups"`
}

// deployConfig is a deployment decoded into Go values.
type deployConfig struct {
	known                 bool
	env, service, version string
	slot                  string
	ecs                   *deploy.ECSService
	wait, adopt           bool
	lambdaFn, lambdaVer   string
	httpChecks            []httpCheck
	alarms                []string
	targetHealth          bool
	targetHealthTimeout   time.Duration
	metrics               []verify.MetricSpec
	hooks                 []deploy.HookStep
	override              string
}

type httpCheck struct {
	check     *verify.HTTPCheck
	interval  time.Duration
	successes int
	timeout   time.Duration
}

func listStrings(ctx context.Context, l types.List, known *bool, diags *diag.Diagnostics) []string {
	if !allKnown(l) {
		*known = false
		return nil
	}
	var out []string
	if !l.IsNull() {
		diags.Append(l.ElementsAs(ctx, &out, false)...)
	}
	return out
}

// slotName is the slot label, or the version when no slot is given.
func (m deploymentModel) slotName() string {
	if s := m.Slot.ValueString(); s != "" {
		return s
	}
	return m.Version.ValueString()
}

func (r *deploymentResource) decode(ctx context.Context, m deploymentModel, diags *diag.Diagnostics) deployConfig {
	c := deployConfig{known: known(m.Environment) && known(m.Service) && known(m.Version) && !m.Slot.IsUnknown(),
		env: m.Environment.ValueString(), service: m.Service.ValueString(), version: m.Version.ValueString(), slot: m.slotName()}
	if e := decodeList[ecsModel](ctx, m.ECS, &c.known, diags); len(e) > 0 {
		c.ecs = decodeECS(ctx, e[0], c.service+"-"+c.slot, &c.known, diags)
		c.wait = e[0].WaitForSteadyState.IsNull() || e[0].WaitForSteadyState.ValueBool()
		c.adopt = e[0].Adopt.ValueBool()
	}
	if l := decodeList[lambdaModel](ctx, m.Lambda, &c.known, diags); len(l) > 0 {
		if !known(l[0].FunctionName) || !known(l[0].Version) {
			c.known = false
		}
		c.lambdaFn, c.lambdaVer = l[0].FunctionName.ValueString(), l[0].Version.ValueString()
	}
	if v := decodeList[verifyModel](ctx, m.Verify, &c.known, diags); len(v) > 0 {
		for _, h := range decodeList[verifyHTTPModel](ctx, v[0].HTTP, &c.known, diags) {
			chk := httpCheck{check: &verify.HTTPCheck{URL: h.URL.ValueString(), ExpectStatus: int(h.ExpectStatus.ValueInt64())}, successes: int(h.Successes.ValueInt64())}
			if re := h.BodyRegex.ValueString(); re != "" {
				chk.check.BodyRegex, _ = regexp.Compile(re)
			}
			chk.interval, _ = time.ParseDuration(h.Interval.ValueString())
			chk.timeout, _ = time.ParseDuration(h.Timeout.ValueString())
			c.httpChecks = append(c.httpChecks, chk)
		}
		c.alarms = listStrings(ctx, v[0].Alarms, &c.known, diags)
		c.targetHealth = v[0].TargetHealth.ValueBool()
		c.targetHealthTimeout, _ = time.ParseDuration(v[0].TargetHealthTimeout.ValueString())
		c.metrics, _ = metricSpecs(ctx, v[0].Metric, &c.known, diags)
	}
	c.hooks = r.decodeHooks(ctx, m.Hook, &c.known, diags)
	if ov := decodeList[overrideModel](ctx, m.Override, &c.known, diags); len(ov) > 0 {
		c.override = ov[0].Reason.ValueString()
	}
	return c
}

// decodeECS is the ecs block as the settings of the slot's service;
// defaultName names it when service_name is not set.
func decodeECS(ctx context.Context, x ecsModel, defaultName string, ok *bool, diags *diag.Diagnostics) *deploy.ECSService {
	if !known(x.ClusterARN) || !known(x.TaskDefinitionARN) || x.ServiceName.IsUnknown() || x.LaunchType.IsUnknown() {
		*ok = false
	}
	name := x.ServiceName.ValueString()
	if name == "" {
		name = defaultName
	}
	s := &deploy.ECSService{
		Cluster: x.ClusterARN.ValueString(), Name: name, TaskDefinition: x.TaskDefinitionARN.ValueString(),
		DesiredCount: int32(x.DesiredCount.ValueInt64()), Autoscaled: x.Autoscaled.ValueBool(), LaunchType: x.LaunchType.ValueString(),
		PlatformVersion: x.PlatformVersion.ValueString(),
		Subnets:         listStrings(ctx, x.Subnets, ok, diags), SecurityGroups: listStrings(ctx, x.SecurityGroups, ok, diags),
		AssignPublicIP: x.AssignPublicIP.ValueBool(), EnableExecuteCommand: x.EnableExecuteCommand.ValueBool(),
		CircuitBreaker: x.CircuitBreaker.IsNull() || x.CircuitBreaker.ValueBool(), PropagateTags: x.PropagateTags.ValueString(),
	}
	s.HealthCheckGracePeriod, _ = time.ParseDuration(x.HealthCheckGracePeriod.ValueString())
	if s.PropagateTags == "" { // state written before the attribute existed
		s.PropagateTags = "SERVICE"
	}
	if lb := decodeList[loadBalancerModel](ctx, x.LoadBalancer, ok, diags); len(lb) > 0 {
		if !known(lb[0].TargetGroupARN) {
			*ok = false
		}
		s.LoadBalancer = &deploy.LoadBalancer{TargetGroupARN: lb[0].TargetGroupARN.ValueString(), ContainerName: lb[0].ContainerName.ValueString(), ContainerPort: int32(lb[0].ContainerPort.ValueInt64())}
	}
	for _, cp := range decodeList[capacityProviderModel](ctx, x.CapacityProvider, ok, diags) {
		s.CapacityProviders = append(s.CapacityProviders, deploy.CapacityProvider{Name: cp.CapacityProvider.ValueString(),
			Weight: int32(cp.Weight.ValueInt64()), Base: int32(cp.Base.ValueInt64())})
	}
	return s
}

// decodeHooks is the hook blocks as the pipeline's hook steps, in order.
func (r *deploymentResource) decodeHooks(ctx context.Context, l types.List, ok *bool, diags *diag.Diagnostics) []deploy.HookStep {
	var steps []deploy.HookStep
	for _, h := range decodeList[hookModel](ctx, l, ok, diags) {
		var run deploy.Hook
		if hh := decodeList[hookHTTPModel](ctx, h.HTTP, ok, diags); len(hh) > 0 {
			hook := deploy.HTTPHook{URL: hh[0].URL.ValueString(), Method: hh[0].Method.ValueString()}
			if !hh[0].Headers.IsUnknown() && !hh[0].Headers.IsNull() {
				diags.Append(hh[0].Headers.ElementsAs(ctx, &hook.Headers, false)...)
			} else if hh[0].Headers.IsUnknown() {
				*ok = false
			}
			run = hook
		}
		if ht := decodeList[hookTaskModel](ctx, h.ECSTask, ok, diags); len(ht) > 0 && r.data != nil {
			run = deploy.ECSTaskHook{Client: r.data.aws.ECS(), Cluster: ht[0].ClusterARN.ValueString(), TaskDefinition: ht[0].TaskDefinitionARN.ValueString(),
				Command: listStrings(ctx, ht[0].Command, ok, diags), Container: ht[0].Container.ValueString(), LaunchType: ht[0].LaunchType.ValueString(),
				Subnets: listStrings(ctx, ht[0].Subnets, ok, diags), SecurityGroups: listStrings(ctx, ht[0].SecurityGroups, ok, diags)}
		}
		if run == nil {
			continue
		}
		steps = append(steps, deploy.HookStep{Phase: h.When.ValueString(), Hook: run})
	}
	return steps
}

// destination is where a traffic split reaches this deployment.
func (c deployConfig) destination() string {
	if c.ecs != nil {
		if c.ecs.LoadBalancer != nil {
			return c.ecs.LoadBalancer.TargetGroupARN
		}
		return ""
	}
	return c.lambdaVer
}

func (c deployConfig) id() string { return c.env + "/" + c.service + "/" + c.slot }

// targetHealthInterval is how often the target_health gate is polled.
const targetHealthInterval = 5 * time.Second

// checks are the verification gates in the order they run: the HTTP checks
// polled until their successes or timeout, the alarms checked once, the
// target health polled until every target of the slot is healthy or
// target_health_timeout passes, the metric gates read until they have data
// (verify.Metric.Verify).
func (r *deploymentResource) checks(c deployConfig) []deploy.Check {
	var checks []deploy.Check
	for _, h := range c.httpChecks {
		checks = append(checks, deploy.Check{Gate: h.check, Interval: h.interval, Successes: h.successes, Timeout: h.timeout})
	}
	if len(c.alarms) > 0 {
		checks = append(checks, deploy.Check{Gate: verify.NewAlarms(r.data.aws.CloudWatch(), c.alarms)})
	}
	if c.targetHealth && c.ecs != nil && c.ecs.LoadBalancer != nil {
		checks = append(checks, deploy.Check{Gate: verify.NewTargetHealth(r.data.aws.ELBv2(), []string{c.ecs.LoadBalancer.TargetGroupARN}),
			Interval: targetHealthInterval, Successes: 1, Timeout: c.targetHealthTimeout})
	}
	for _, g := range metricGates(r.data.aws.CloudWatch(), c.metrics, true) {
		checks = append(checks, deploy.Check{Gate: g})
	}
	return checks
}

// withLiveECS puts what ECS reports of the service into the ecs block
// (deploy.Live.Reconcile), so a change made outside Terraform shows as
// drift. Attributes left unset stay unset.
func withLiveECS(ctx context.Context, l types.List, defaultName string, live *deploy.Live, diags *diag.Diagnostics) types.List {
	if l.IsNull() || l.IsUnknown() {
		return l
	}
	var blocks []ecsModel
	diags.Append(l.ElementsAs(ctx, &blocks, false)...)
	if len(blocks) == 0 {
		return l
	}
	b := blocks[0]
	ok := true
	configured := decodeECS(ctx, b, defaultName, &ok, diags)
	got := live.Reconcile(*configured)
	b.TaskDefinitionARN, b.DesiredCount = types.StringValue(got.TaskDefinition), types.Int64Value(int64(got.DesiredCount))
	b.LaunchType = keptUnset(b.LaunchType, got.LaunchType)
	b.PlatformVersion = keptUnset(b.PlatformVersion, got.PlatformVersion)
	b.Subnets = liveStrings(ctx, b.Subnets, got.Subnets, diags)
	b.SecurityGroups = liveStrings(ctx, b.SecurityGroups, got.SecurityGroups, diags)
	if !b.AssignPublicIP.IsNull() || got.AssignPublicIP {
		b.AssignPublicIP = types.BoolValue(got.AssignPublicIP)
	}
	if got.HealthCheckGracePeriod != configured.HealthCheckGracePeriod {
		b.HealthCheckGracePeriod = types.StringValue(got.HealthCheckGracePeriod.String())
	}
	b.EnableExecuteCommand, b.CircuitBreaker = types.BoolValue(got.EnableExecuteCommand), types.BoolValue(got.CircuitBreaker)
	b.PropagateTags = types.StringValue(got.PropagateTags)
	if !reflect.DeepEqual(got.LoadBalancer, configured.LoadBalancer) {
		var lbs []loadBalancerModel
		if lb := got.LoadBalancer; lb != nil {
			lbs = append(lbs, loadBalancerModel{TargetGroupARN: types.StringValue(lb.TargetGroupARN), ContainerName: types.StringValue(lb.ContainerName),
				ContainerPort: types.Int64Value(int64(lb.ContainerPort))})
		}
		b.LoadBalancer = listOf(ctx, b.LoadBalancer, lbs, diags)
	}
	if !reflect.DeepEqual(got.CapacityProviders, configured.CapacityProviders) {
		var cps []capacityProviderModel
		for _, cp := range got.CapacityProviders {
			cps = append(cps, capacityProviderModel{CapacityProvider: types.StringValue(cp.Name), Weight: types.Int64Value(int64(cp.Weight)), Base: types.Int64Value(int64(cp.Base))})
		}
		b.CapacityProvider = listOf(ctx, b.CapacityProvider, cps, diags)
	}
	out, d := types.ListValueFrom(ctx, l.ElementType(ctx), []ecsModel{b})
	diags.Append(d...)
	return out
}

// keptUnset is the live value, or null when the attribute was not set.
func keptUnset(v types.String, live string) types.String {
	if v.IsNull() {
		return v
	}
	return types.StringValue(live)
}

// liveStrings is the live strings, keeping null when unset and none are live.
func liveStrings(ctx context.Context, v types.List, live []string, diags *diag.Diagnostics) types.List {
	if v.IsNull() && len(live) == 0 {
		return v
	}
	out, d := types.ListValueFrom(ctx, types.StringType, live)
	diags.Append(d...)
	return out
}

// listOf is a nested block list of v's element type holding elems.
func listOf[T any](ctx context.Context, v types.List, elems []T, diags *diag.Diagnostics) types.List {
	if elems == nil {
		elems = []T{}
	}
	out, d := types.ListValueFrom(ctx, v.ElementType(ctx), elems)
	diags.Append(d...)
	return out
}
