package provider

import (
	"context"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/golive-dev/terraform-provider-golive/internal/deploy"
)

// ecsSettings is the ecs block of m as the settings of the slot's service
// (nil without one), and whether they are all known.
func ecsSettings(ctx context.Context, m deploymentModel, diags *diag.Diagnostics) (*deploy.ECSService, bool) {
	ok := !m.ECS.IsUnknown()
	blocks := decodeList[ecsModel](ctx, m.ECS, &ok, diags)
	if len(blocks) == 0 {
		return nil, ok
	}
	svc := decodeECS(ctx, blocks[0], m.Service.ValueString()+"-"+m.slotName(), &ok, diags)
	return svc, ok
}

// redeploys says whether applying plan releases again: a new deployment,
// another version, other settings of the slot's ECS service or another
// Lambda version. Gates, hooks, adopt, waiting and timeouts alone do not,
// nor the desired count of an autoscaled service.
func (r *deploymentResource) redeploys(ctx context.Context, plan deploymentModel, state *deploymentModel, diags *diag.Diagnostics) bool {
	if state == nil || !plan.Version.Equal(state.Version) || !plan.Lambda.Equal(state.Lambda) {
		return true
	}
	want, known := ecsSettings(ctx, plan, diags)
	have, _ := ecsSettings(ctx, *state, diags)
	if want != nil && have != nil && want.Autoscaled && have.Autoscaled {
		// Only the count at creation: a new one is never sent.
		have.DesiredCount = want.DesiredCount
	}
	return !known || !reflect.DeepEqual(want, have)
}

// planReplacement plans a new deployment when ECS cannot make the change
// in place (deploy.ReplacementReason), or when the service's cluster, name
// or launch type will be known only at apply.
func (r *deploymentResource) planReplacement(ctx context.Context, plan, state deploymentModel, resp *resource.ModifyPlanResponse) {
	have, _ := ecsSettings(ctx, state, &resp.Diagnostics)
	if have == nil || plan.ECS.IsUnknown() {
		return
	}
	ok := true
	blocks := decodeList[ecsModel](ctx, plan.ECS, &ok, &resp.Diagnostics)
	if len(blocks) == 0 {
		// From ECS to Lambda: the slot's service goes with the old deployment.
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("ecs"))
		return
	}
	b := blocks[0]
	at, reason := "cluster_arn", ""
	if b.ClusterARN.IsUnknown() || b.ServiceName.IsUnknown() || b.LaunchType.IsUnknown() || b.CapacityProvider.IsUnknown() {
		reason = "the cluster, service name or launch type is known only at apply"
	} else {
		want := decodeECS(ctx, b, plan.Service.ValueString()+"-"+plan.slotName(), &ok, &resp.Diagnostics)
		at, reason = replacedAttribute[deploy.ReplacementSetting(*have, *want)], deploy.ReplacementReason(*have, *want)
	}
	if reason != "" {
		tflog.Info(ctx, "golive deployment needs a new ECS service", map[string]any{"reason": reason})
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("ecs").AtListIndex(0).AtName(at))
	}
}

// replacedAttribute is the ecs attribute of each setting whose change
// needs a new ECS service; the plan marks it "forces replacement".
var replacedAttribute = map[string]string{
	deploy.SettingCluster: "cluster_arn", deploy.SettingName: "service_name",
	deploy.SettingLaunchType: "launch_type", deploy.SettingCapacityProvider: "capacity_provider_strategy",
}
