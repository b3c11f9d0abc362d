package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golive-dev/terraform-provider-golive/internal/deploy"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/policy"
)

var (
	_ resource.ResourceWithConfigure        = &deploymentResource{}
	_ resource.ResourceWithImportState      = &deploymentResource{}
	_ resource.ResourceWithConfigValidators = &deploymentResource{}
	_ resource.ResourceWithModifyPlan       = &deploymentResource{}
)

func newDeploymentResource() resource.Resource { return &deploymentResource{} }

type deploymentResource struct {
	data *providerData
}

func (r *deploymentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_deployment"
}

func (r *deploymentResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	str := func(req bool, desc string, v ...validator.String) schema.StringAttribute {
		return schema.StringAttribute{Required: req, Optional: !req, MarkdownDescription: desc, Validators: v}
	}
	strList := func(desc string) schema.ListAttribute {
		return schema.ListAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: desc}
	}
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One version of one service made live-able in one environment: on ECS the deployment owns the slot's service " +
			"(creates it, moves it to the new task definition revision, waits until it is stable, deletes it on destroy); on Lambda it adopts a " +
			"published version. It then runs hooks and verification gates; apply succeeds only when the version is verified, and the ledger " +
			"records it so that promotion gates of later environments can require it.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "`<environment>/<service>/<slot or version>`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"environment": schema.StringAttribute{Required: true, MarkdownDescription: "Environment id, e.g. `golive_environment.prod.id`.",
				Validators: []validator.String{stringvalidator.RegexMatches(environmentIDPattern, "must be an environment id <application>/<name>")}, PlanModifiers: replace},
			"service": schema.StringAttribute{Required: true, MarkdownDescription: "Service name, e.g. `api`.", Validators: nameValidators(), PlanModifiers: replace},
			"version": schema.StringAttribute{Required: true, MarkdownDescription: "The version being released, e.g. `1.4.2`. With `promotes_from` on the environment, it must be verified there.",
				Validators: []validator.String{stringvalidator.RegexMatches(versionPattern, "must be 1-128 letters, digits, '.', '_', '+' or '-'")}},
			"slot": schema.StringAttribute{Optional: true, MarkdownDescription: "Slot label such as `blue` or `green`. The ECS service is named `<service>-<slot>` by default. Without it, the version is the slot.",
				Validators: nameValidators(), PlanModifiers: replace},
			"status":           schema.StringAttribute{Computed: true, MarkdownDescription: "`verified` after a successful apply."},
			"deployed_at":      schema.StringAttribute{Computed: true, MarkdownDescription: "When this version was verified here (RFC 3339)."},
			"previous_version": schema.StringAttribute{Computed: true, MarkdownDescription: "The version the slot ran before."},
			"destination":      schema.StringAttribute{Computed: true, MarkdownDescription: "What a traffic split routes to: the target group ARN (ECS) or the Lambda version."},
		},
		Blocks: map[string]schema.Block{
			"ecs": single("Run the version as the slot's ECS service, owned by this resource. Exactly one of `ecs` and `lambda`.", nil),
			"lambda": single("Adopt a published Lambda version. Exactly one of `ecs` and `lambda`.", map[string]schema.Attribute{
				"function_name": str(true, "Function name or ARN."),
				"version": str(true, "Published version number, e.g. `aws_lambda_function.api.version` with `publish = true`.",
					stringvalidator.RegexMatches(lambdaVersionPattern, "must be a published version number such as 3, not $LATEST or an alias: use the version of aws_lambda_function with publish = true")),
			}),
			"verify": schema.ListNestedBlock{
				MarkdownDescription: "Gates that must all pass before the version counts as verified.",
				Validators:          []validator.List{listvalidator.SizeAtMost(1)},
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"alarms":                strList("CloudWatch alarms that must not be in ALARM."),
						"target_health":         schema.BoolAttribute{Optional: true, MarkdownDescription: "Every target of the slot's target group must be healthy (draining ones aside), polled until they are or `target_health_timeout` passes."},
						"target_health_timeout": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("5m"), MarkdownDescription: "How long `target_health` waits. Default `5m`.", Validators: []validator.String{durationString(time.Second, 2*time.Hour)}},
					},
					Blocks: map[string]schema.Block{"metric": metricBlock("Checked after the other gates; with `no_data = \"wait\"` the gate is read every `period` until it has data, for at most one `window`."), "http": schema.ListNestedBlock{
						MarkdownDescription: "HTTP checks, polled until `successes` consecutive passes or `timeout`.",
						NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
							"url":           str(true, "URL to GET.", httpURL()),
							"expect_status": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(200), MarkdownDescription: "Default 200.", Validators: []validator.Int64{int64validator.Between(100, 599)}},
							"body_regex":    str(false, "RE2 expression the body must match.", regexString()),
							"interval":      schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("5s"), MarkdownDescription: "Between attempts. Default `5s`.", Validators: []validator.String{durationString(100*time.Millisecond, 10*time.Minute)}},
							"successes":     schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(3), MarkdownDescription: "Consecutive passes needed. Default 3.", Validators: []validator.Int64{int64validator.Between(1, 100)}},
							"timeout":       schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("2m"), MarkdownDescription: "Give up after. Default `2m`.", Validators: []validator.String{durationString(time.Second, 2*time.Hour)}},
						}},
					}},
				},
			},
			"hook": schema.ListNestedBlock{
				MarkdownDescription: "Steps run in order before or after verification, e.g. a database migration. A failing hook fails the deployment. Exactly one of `http` and `ecs_task`.",
				NestedObject: schema.NestedBlockObject{
					Validators: []validator.Object{oneBlockOf(hookAction, "http", "ecs_task")},
					Attributes: map[string]schema.Attribute{
						"when": schema.StringAttribute{Required: true, MarkdownDescription: "`before_verify` or `after_verify`.", Validators: []validator.String{stringvalidator.OneOf("before_verify", "after_verify")}},
					},
					Blocks: map[string]schema.Block{
						"http": single("Call a URL; a non-2xx answer fails.", map[string]schema.Attribute{
							"url":    str(true, "URL.", httpURL()),
							"method": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("POST"), MarkdownDescription: "Default `POST`.", Validators: []validator.String{stringvalidator.OneOf("GET", "POST", "PUT")}},
							"headers": schema.MapAttribute{Optional: true, Sensitive: true, ElementType: types.StringType,
								MarkdownDescription: "Request headers, e.g. `{ Authorization = \"Bearer ${var.ci_token}\" }`. Sensitive: never shown in plans or errors. `POST` and `PUT` also send the release as JSON (see the guide)."},
						}),
						"ecs_task": single("Run an ECS task to completion; a non-zero exit fails.", map[string]schema.Attribute{
							"cluster_arn":         str(true, "Cluster ARN or name.", ecsClusterValidator),
							"task_definition_arn": str(true, "Task definition ARN or `family:revision`.", ecsTaskDefValidator),
							"command":             strList("Command override of `container`."),
							"container":           str(false, "Container that gets `command` and the release as `GOLIVE_*` environment variables. Default: the task definition's first."),
							"launch_type":         str(false, "`FARGATE` or `EC2`.", stringvalidator.OneOf("FARGATE", "EC2")),
							"subnets":             strList("Subnets (awsvpc)."),
							"security_groups":     strList("Security groups (awsvpc)."),
						}),
					},
				},
			},
			"override": overrideBlock("Lets the deployment through the promotion gate, a freeze or the deploy window. The reason and the caller are recorded in the ledger."),
			"timeouts": deploymentTimeouts.block(ctx),
		},
	}
	resp.Schema.Blocks["ecs"] = deploymentECSBlock()
}

var (
	ecsClusterValidator = stringvalidator.RegexMatches(ecsClusterPattern, "must be an ECS cluster ARN or name, e.g. arn:aws:ecs:us-east-1:123456789012:cluster/shop")
	ecsTaskDefValidator = stringvalidator.RegexMatches(ecsTaskDefPattern, "must be a task definition ARN or family:revision, e.g. arn:aws:ecs:us-east-1:123456789012:task-definition/api:7")
)

func (r *deploymentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// ConfigValidators: a deployment runs on ECS or adopts a Lambda version.
func (r *deploymentResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{explainedResource{
		validator: resourcevalidator.ExactlyOneOf(path.MatchRoot("ecs").AtAnyListIndex(), path.MatchRoot("lambda").AtAnyListIndex()),
		at:        path.Root("ecs"),
		explain: func(context.Context, tfsdk.Config, path.Path) (string, string) {
			return "exactly one of ecs and lambda",
				"a deployment runs on ECS (ecs { ... }) or adopts a Lambda version (lambda { ... }): set exactly one of the two blocks"
		},
	}}
}

// hookAction explains a hook without exactly one action.
func hookAction(_ context.Context, _ tfsdk.Config, at path.Path) (string, string) {
	return "exactly one of http and ecs_task", fmt.Sprintf("%s needs exactly one of http { ... } and ecs_task { ... }", at)
}

func (r *deploymentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil || req.Plan.Raw.IsNull() {
		return
	}
	var plan deploymentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var state *deploymentModel
	if !req.State.Raw.IsNull() {
		state = &deploymentModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.decode(ctx, plan, &resp.Diagnostics)
	if known(plan.Environment) && known(plan.Service) && known(plan.Version) && !plan.Slot.IsUnknown() {
		plan.ID = types.StringValue(c.id())
	}
	if state != nil {
		r.planReplacement(ctx, plan, *state, resp)
	}
	if !r.redeploys(ctx, plan, state, &resp.Diagnostics) {
		return
	}
	plan.Status, plan.DeployedAt, plan.PreviousVersion = types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
	if c.known {
		plan.Destination = types.StringValue(c.destination())
	} else {
		plan.Destination = types.StringUnknown()
	}
	// The gates need only environment, service, version and override,
	// which are usually known even when a new task definition is not.
	if known(plan.Environment) && known(plan.Service) && known(plan.Version) && !plan.Override.IsUnknown() {
		r.checkDeploymentGates(ctx, policy.AtPlan, c, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

func (r *deploymentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer r.data.reads.forget()
	var plan deploymentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, deploymentTimeouts.create)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if r.release(ctx, &plan, false, "creating", &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	}
}

func (r *deploymentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer r.data.reads.forget()
	var plan, state deploymentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Update(ctx, deploymentTimeouts.update)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if !r.redeploys(ctx, plan, &state, &resp.Diagnostics) {
		// Only gates, hooks, waiting, adopt or timeouts changed: nothing to release.
		plan.Status, plan.DeployedAt, plan.PreviousVersion, plan.Destination = state.Status, state.DeployedAt, state.PreviousVersion, state.Destination
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		return
	}
	if r.release(ctx, &plan, true, "updating", &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		return
	}
	// Failed and put back: the state keeps the version that still runs.
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *deploymentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state deploymentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := state.Timeouts.Read(ctx, deploymentTimeouts.read)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	env, service, slot := state.Environment.ValueString(), state.Service.ValueString(), state.slotName()
	rel, err := r.data.reads.Release(ctx, env, service)
	if err != nil && !errors.Is(err, ledger.ErrNotFound) {
		resp.Diagnostics.AddError(fmt.Sprintf("reading golive deployment (%s)", state.ID.ValueString()), err.Error())
		return
	}
	var s ledger.Slot
	ok := err == nil
	if ok {
		s, ok = rel.Slots[slot]
	}
	if !ok {
		r.readUnrecorded(ctx, &state, resp)
		return
	}
	if s.ECSService != "" {
		live, err := r.data.reads.ECSService(ctx, env, s.Cluster, s.ECSService)
		if errors.Is(err, deploy.ErrServiceNotFound) {
			resp.State.RemoveResource(ctx) // deleted outside Terraform: plan recreates it
			return
		}
		if err != nil {
			resp.Diagnostics.AddError(fmt.Sprintf("reading golive deployment (%s)", state.ID.ValueString()), err.Error())
			return
		}
		state.ECS = withLiveECS(ctx, state.ECS, service+"-"+slot, live, &resp.Diagnostics)
	}
	state.Version = types.StringValue(s.Version)
	state.Status = types.StringValue(s.Status)
	state.DeployedAt = types.StringValue(s.DeployedAt.UTC().Format(time.RFC3339))
	state.PreviousVersion = optionalString(s.Previous)
	state.Destination = types.StringValue(s.Destination)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// readUnrecorded reads a deployment that the ledger holds no slot for. A
// first deployment that failed and could not delete the ECS service it
// created is in state as failed: it keeps tracking that service while the
// service exists and is its own, so that destroy or the next apply removes
// it. Any other is gone.
func (r *deploymentResource) readUnrecorded(ctx context.Context, state *deploymentModel, resp *resource.ReadResponse) {
	svc, _ := ecsSettings(ctx, *state, &resp.Diagnostics)
	if state.Status.ValueString() != ledger.StatusFailed || svc == nil {
		resp.State.RemoveResource(ctx)
		return
	}
	live, err := r.data.reads.ECSService(ctx, state.Environment.ValueString(), svc.Cluster, svc.Name)
	if errors.Is(err, deploy.ErrServiceNotFound) || err == nil && live.Owner != state.ID.ValueString() {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("reading golive deployment (%s)", state.ID.ValueString()), err.Error())
		return
	}
	state.ECS = withLiveECS(ctx, state.ECS, svc.Name, live, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *deploymentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	defer r.data.reads.forget()
	var state deploymentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, deploymentTimeouts.delete)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c := r.decode(ctx, state, &resp.Diagnostics)
	summary := fmt.Sprintf("deleting golive deployment (%s)", c.id())
	if c.ecs != nil && !r.deleteService(ctx, c, summary, &resp.Diagnostics) {
		return
	}
	if err := r.data.ledger.RemoveSlot(ctx, c.env, c.service, c.slot); err != nil {
		resp.Diagnostics.AddError(summary, err.Error())
		return
	}
	if actor, err := r.data.aws.CallerIdentity(ctx); err == nil {
		_, _ = r.data.ledger.RecordEvent(ctx, ledger.Event{Environment: c.env, Service: c.service, Kind: ledger.KindDeploymentDeleted,
			Version: c.version, Outcome: ledger.OutcomeSucceeded, Actor: actor.ARN, Detail: "slot " + c.slot})
	}
}

// ImportState takes "<application>/<environment>/<service>/<slot>".
func (r *deploymentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	env, service, slot, ok := parseDeploymentID(req.ID)
	if !ok {
		resp.Diagnostics.AddError("importing golive deployment", fmt.Sprintf("import ID %q must be <application>/<environment>/<service>/<slot>", req.ID))
		return
	}
	for attr, v := range map[string]string{"id": req.ID, "environment": env, "service": service, "slot": slot} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), v)...)
	}
}
