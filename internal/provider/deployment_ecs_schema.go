package provider

import (
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// replaces is how an attribute's description says that changing it plans a
// replacement (ModifyPlan asks deploy.ReplacementReason).
const replaces = " Changing it replaces the deployment: ECS cannot change it in place, so the service is deleted and created again."

// platformVersionPattern is a Fargate platform version.
var platformVersionPattern = regexp.MustCompile(`^(LATEST|\d+\.\d+\.\d+)$`)

// deploymentECSBlock is the schema of the ecs block: the slot's ECS service,
// owned by the deployment.
func deploymentECSBlock() schema.ListNestedBlock {
	optStr := func(desc string, v ...validator.String) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, MarkdownDescription: desc, Validators: v}
	}
	strList := func(desc string) schema.ListAttribute {
		return schema.ListAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: desc}
	}
	flag := func(def bool, desc string) schema.BoolAttribute {
		return schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(def), MarkdownDescription: desc}
	}
	block := single("Run the version as the slot's ECS service, owned by this resource: it creates the service tagged `golive:deployment = <id>`, "+
		"sends every setting below on each update, and deletes the service on destroy. Exactly one of `ecs` and `lambda`.", map[string]schema.Attribute{
		"cluster_arn": schema.StringAttribute{Required: true, MarkdownDescription: "Cluster ARN (or name)." + replaces,
			Validators: []validator.String{ecsClusterValidator}},
		"task_definition_arn": schema.StringAttribute{Required: true, MarkdownDescription: "Task definition revision to run: its ARN (or `family:revision`).",
			Validators: []validator.String{ecsTaskDefValidator}},
		"service_name": optStr("ECS service name. Default `<service>-<slot>`."+replaces,
			stringvalidator.RegexMatches(ecsServiceNamePattern, "must be 1-255 letters, digits, '_' or '-'")),
		"desired_count": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(1),
			MarkdownDescription: "Tasks to run. Default 1. With `autoscaled = true`, only the count the service is created with.",
			Validators:          []validator.Int64{int64validator.Between(0, 5000)}},
		"autoscaled": flag(false, "Application Auto Scaling owns the live task count: `desired_count` is used when the service is created, "+
			"never sent on update, and a count changed by scaling is not drift. Default `false`."),
		"adopt": flag(false, "Take over an existing ECS service of this name that golive did not create (it has no `golive:deployment` tag "+
			"naming this deployment). Without it, such a service fails the apply, naming the service, and nothing changes. Adopting tags the "+
			"service, records an `adopted` event, and from then on the deployment owns it: it changes its settings and deletes it on destroy. "+
			"Declare the service's own `launch_type` (or capacity provider strategy): one UpdateService cannot give it is refused, as is a "+
			"service whose deployment controller is not `ECS` (CodeDeploy, external). Default `false`."),
		"launch_type": optStr("`FARGATE`, `EC2` or `EXTERNAL`. Conflicts with `capacity_provider_strategy`. Moving from a launch type to a "+
			"capacity provider strategy happens in place; any other change of it replaces the deployment (UpdateService has no launch type).",
			stringvalidator.OneOf("FARGATE", "EC2", "EXTERNAL"),
			stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("capacity_provider_strategy").AtAnyListIndex())),
		"platform_version": optStr("Fargate platform version, e.g. `LATEST` or `1.4.0`. Default: ECS's.",
			stringvalidator.RegexMatches(platformVersionPattern, "must be LATEST or a version such as 1.4.0")),
		"subnets":          strList("Subnets (awsvpc network mode)."),
		"security_groups":  strList("Security groups (awsvpc network mode)."),
		"assign_public_ip": schema.BoolAttribute{Optional: true, MarkdownDescription: "Give tasks public IPs."},
		"health_check_grace_period": optStr("How long ECS ignores failing load balancer health checks of a new task, e.g. `60s`. Needs `load_balancer`.",
			durationString(0, 2147483647*time.Second),
			stringvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("load_balancer").AtAnyListIndex())),
		"enable_execute_command": flag(false, "Allow ECS Exec into the tasks. A change starts a new deployment, as ECS applies it to new tasks only. Default `false`."),
		"circuit_breaker": flag(true, "The ECS deployment circuit breaker with rollback: a rollout whose tasks keep failing to start is marked "+
			"FAILED and ECS returns to the last completed deployment, even if Terraform is interrupted. golive waits on the rollout state "+
			"either way. Default `true`."),
		"propagate_tags": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("SERVICE"),
			MarkdownDescription: "Copy the service's tags (`SERVICE`) or the task definition's (`TASK_DEFINITION`) to its tasks, or none (`NONE`). Default `SERVICE`.",
			Validators:          []validator.String{stringvalidator.OneOf("SERVICE", "TASK_DEFINITION", "NONE")}},
		"wait_for_steady_state": flag(true, "Wait until the new deployment's rollout is COMPLETED before the hooks and gates. Default `true`."),
	})
	block.NestedObject.Blocks = map[string]schema.Block{
		"load_balancer": single("Register the tasks with a target group.", map[string]schema.Attribute{
			"target_group_arn": schema.StringAttribute{Required: true, MarkdownDescription: "Target group ARN; it becomes the deployment's `destination`.",
				Validators: []validator.String{stringvalidator.RegexMatches(targetGroupARNPattern,
					"must be a target group ARN such as arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api-blue/0123456789abcdef")}},
			"container_name": schema.StringAttribute{Required: true, MarkdownDescription: "Container to register."},
			"container_port": schema.Int64Attribute{Required: true, MarkdownDescription: "Its port.", Validators: []validator.Int64{int64validator.Between(1, 65535)}},
		}),
		"capacity_provider_strategy": schema.ListNestedBlock{
			MarkdownDescription: "Any number: where tasks run, e.g. `FARGATE_SPOT`. Conflicts with `launch_type`. Changes happen in place " +
				"(with a new deployment); removing the strategy replaces the deployment.",
			NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"capacity_provider": schema.StringAttribute{Required: true, MarkdownDescription: "Capacity provider name, e.g. `FARGATE_SPOT`."},
				"weight": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(0),
					MarkdownDescription: "Relative share of tasks. Default 0.", Validators: []validator.Int64{int64validator.Between(0, 1000)}},
				"base": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(0),
					MarkdownDescription: "Tasks placed here first. Default 0.", Validators: []validator.Int64{int64validator.Between(0, 100000)}},
			}},
		},
	}
	return block
}
