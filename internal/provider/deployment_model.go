package provider

import (
	"context"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golive-dev/terraform-provider-golive/internal/deploy"
	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
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
	ClusterARN         types.String `tfsdk:"cluster_arn"`
	TaskDefinitionARN  types.String `tfsdk:"task_definition_arn"`
	ServiceName        types.String `tfsdk:"service_name"`
	DesiredCount       types.Int64  `tfsdk:"desired_count"`
	LaunchType         types.String `tfsdk:"launch_type"`
	Subnets            types.List   `tfsdk:"subnets"`
	SecurityGroups     types.List   `tfsdk:"security_groups"`
	AssignPublicIP     types.Bool   `tfsdk:"assign_public_ip"`
	WaitForSteadyState types.Bool   `tfsdk:"wait_for_steady_state"`
	LoadBalancer       types.List   `tfsdk:"load_balancer"`
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
	HTTP         types.List `tfsdk:"http"`
	Alarms       types.List `tfsdk:"alarms"`
	TargetHealth types.Bool `tfsdk:"target_health"`
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
	URL    types.String `tfsdk:"url"`
	Method types.String `tfsdk:"method"`
}

type hookTaskModel struct {
	ClusterARN        types.String `tfsdk:"cluster_arn"`
	TaskDefinitionARN types.String `tfsdk:"task_definition_arn"`
	Command           types.List   `tfsdk:"command"`
	LaunchType        types.String `tfsdk:"launch_type"`
	Subnets           types.List   `tfsdk:"subnets"`
	SecurityGroups    types.List   `tfsdk:"security_groups"`
}

// deployConfig is a deployment decoded into Go values.
type deployConfig struct {
	known                  bool
	env, service, version  string
	slot                   string
	ecs                    *deploy.ECSService
	wait                   bool
	lambdaFn, lambdaVer    string
	httpChecks             []httpCheck
	alarms                 []string
	targetHealth           bool
	beforeHooks, afterHook []hookRunner
	override               string
}

type httpCheck struct {
	check     *verify.HTTPCheck
	interval  time.Duration
	successes int
	timeout   time.Duration
}

type hookRunner interface{ Run(context.Context) error }

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
		x := e[0]
		if !known(x.ClusterARN) || !known(x.TaskDefinitionARN) || x.ServiceName.IsUnknown() {
			c.known = false
		}
		name := x.ServiceName.ValueString()
		if name == "" {
			name = c.service + "-" + c.slot
		}
		c.ecs = &deploy.ECSService{
			Cluster: x.ClusterARN.ValueString(), Name: name, TaskDefinition: x.TaskDefinitionARN.ValueString(),
			DesiredCount: int32(x.DesiredCount.ValueInt64()), LaunchType: x.LaunchType.ValueString(),
			Subnets: listStrings(ctx, x.Subnets, &c.known, diags), SecurityGroups: listStrings(ctx, x.SecurityGroups, &c.known, diags),
			AssignPublicIP: x.AssignPublicIP.ValueBool(),
		}
		c.wait = x.WaitForSteadyState.IsNull() || x.WaitForSteadyState.ValueBool()
		if lb := decodeList[loadBalancerModel](ctx, x.LoadBalancer, &c.known, diags); len(lb) > 0 {
			if !known(lb[0].TargetGroupARN) {
				c.known = false
			}
			c.ecs.LoadBalancer = &deploy.LoadBalancer{TargetGroupARN: lb[0].TargetGroupARN.ValueString(), ContainerName: lb[0].ContainerName.ValueString(), ContainerPort: int32(lb[0].ContainerPort.ValueInt64())}
		}
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
	}
	for _, h := range decodeList[hookModel](ctx, m.Hook, &c.known, diags) {
		var run hookRunner
		if hh := decodeList[hookHTTPModel](ctx, h.HTTP, &c.known, diags); len(hh) > 0 {
			run = deploy.HTTPHook{URL: hh[0].URL.ValueString(), Method: hh[0].Method.ValueString()}
		}
		if ht := decodeList[hookTaskModel](ctx, h.ECSTask, &c.known, diags); len(ht) > 0 && r.data != nil {
			run = deploy.ECSTaskHook{Client: r.data.aws.ECS(), Cluster: ht[0].ClusterARN.ValueString(), TaskDefinition: ht[0].TaskDefinitionARN.ValueString(),
				Command: listStrings(ctx, ht[0].Command, &c.known, diags), LaunchType: ht[0].LaunchType.ValueString(),
				Subnets: listStrings(ctx, ht[0].Subnets, &c.known, diags), SecurityGroups: listStrings(ctx, ht[0].SecurityGroups, &c.known, diags)}
		}
		if run == nil {
			continue
		}
		if h.When.ValueString() == "after_verify" {
			c.afterHook = append(c.afterHook, run)
		} else {
			c.beforeHooks = append(c.beforeHooks, run)
		}
	}
	if ov := decodeList[overrideModel](ctx, m.Override, &c.known, diags); len(ov) > 0 {
		c.override = ov[0].Reason.ValueString()
	}
	return c
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

// gates are the verification gates other than the polled HTTP checks.
func (r *deploymentResource) gates(c deployConfig) []rollout.Gate {
	var gates []rollout.Gate
	if len(c.alarms) > 0 {
		gates = append(gates, verify.NewAlarms(r.data.aws.CloudWatch(), c.alarms))
	}
	if c.targetHealth && c.ecs != nil && c.ecs.LoadBalancer != nil {
		gates = append(gates, verify.NewTargetHealth(r.data.aws.ELBv2(), []string{c.ecs.LoadBalancer.TargetGroupARN}))
	}
	return gates
}

// withLiveECS puts the live task definition and desired count into the ecs
// block, so a change made outside Terraform shows as drift.
func withLiveECS(ctx context.Context, l types.List, live *deploy.Live, diags *diag.Diagnostics) types.List {
	if l.IsNull() || l.IsUnknown() {
		return l
	}
	var blocks []ecsModel
	diags.Append(l.ElementsAs(ctx, &blocks, false)...)
	if len(blocks) == 0 {
		return l
	}
	blocks[0].TaskDefinitionARN = types.StringValue(live.TaskDefinition)
	blocks[0].DesiredCount = types.Int64Value(int64(live.DesiredCount))
	out, d := types.ListValueFrom(ctx, l.ElementType(ctx), blocks)
	diags.Append(d...)
	return out
}
