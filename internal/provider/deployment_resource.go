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
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/golive-dev/terraform-provider-golive/internal/change"
	"github.com/golive-dev/terraform-provider-golive/internal/deploy"
	"github.com/golive-dev/terraform-provider-golive/internal/detached"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/verify"
)

var (
	_ resource.ResourceWithConfigure      = &deploymentResource{}
	_ resource.ResourceWithImportState    = &deploymentResource{}
	_ resource.ResourceWithValidateConfig = &deploymentResource{}
	_ resource.ResourceWithModifyPlan     = &deploymentResource{}
)

func newDeploymentResource() resource.Resource { return &deploymentResource{} }

type deploymentResource struct {
	data *providerData
}

const defaultDeployTimeout = 30 * time.Minute

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
						"alarms":        strList("CloudWatch alarms that must not be in ALARM."),
						"target_health": schema.BoolAttribute{Optional: true, MarkdownDescription: "Every target of the slot's target group must be healthy."},
					},
					Blocks: map[string]schema.Block{"http": schema.ListNestedBlock{
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
				MarkdownDescription: "Steps run in order before or after verification, e.g. a database migration. A failing hook fails the deployment.",
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"when": schema.StringAttribute{Required: true, MarkdownDescription: "`before_verify` or `after_verify`.", Validators: []validator.String{stringvalidator.OneOf("before_verify", "after_verify")}},
					},
					Blocks: map[string]schema.Block{
						"http": single("Call a URL; a non-2xx answer fails.", map[string]schema.Attribute{
							"url":    str(true, "URL.", httpURL()),
							"method": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("POST"), MarkdownDescription: "Default `POST`.", Validators: []validator.String{stringvalidator.OneOf("GET", "POST", "PUT")}},
						}),
						"ecs_task": single("Run an ECS task to completion; a non-zero exit fails.", map[string]schema.Attribute{
							"cluster_arn":         str(true, "Cluster ARN or name.", ecsClusterValidator),
							"task_definition_arn": str(true, "Task definition ARN or `family:revision`.", ecsTaskDefValidator),
							"command":             strList("Command override of the first container."),
							"launch_type":         str(false, "`FARGATE` or `EC2`.", stringvalidator.OneOf("FARGATE", "EC2")),
							"subnets":             strList("Subnets (awsvpc)."),
							"security_groups":     strList("Security groups (awsvpc)."),
						}),
					},
				},
			},
			"override": overrideBlock("Lets the deployment through the promotion gate, a freeze or the deploy window. The reason and the caller are recorded in the ledger."),
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
	ecsBlock := single("Run the version as the slot's ECS service, owned by this resource. Exactly one of `ecs` and `lambda`.", map[string]schema.Attribute{
		"cluster_arn":         str(true, "Cluster ARN (or name).", ecsClusterValidator),
		"task_definition_arn": str(true, "Task definition revision to run: its ARN (or `family:revision`).", ecsTaskDefValidator),
		"service_name": schema.StringAttribute{Optional: true, MarkdownDescription: "ECS service name. Default `<service>-<slot>`.",
			Validators: []validator.String{stringvalidator.RegexMatches(ecsServiceNamePattern, "must be 1-255 letters, digits, '_' or '-'")}},
		"desired_count":    schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(1), MarkdownDescription: "Tasks to run. Default 1.", Validators: []validator.Int64{int64validator.Between(0, 5000)}},
		"launch_type":      str(false, "`FARGATE`, `EC2` or `EXTERNAL`.", stringvalidator.OneOf("FARGATE", "EC2", "EXTERNAL")),
		"subnets":          strList("Subnets (awsvpc network mode)."),
		"security_groups":  strList("Security groups (awsvpc network mode)."),
		"assign_public_ip": schema.BoolAttribute{Optional: true, MarkdownDescription: "Give tasks public IPs."},
		"wait_for_steady_state": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true),
			MarkdownDescription: "Wait until the desired count runs on the new revision before verifying. Default `true`."},
	})
	ecsBlock.NestedObject.Blocks = map[string]schema.Block{"load_balancer": single("Register the tasks with a target group.", map[string]schema.Attribute{
		"target_group_arn": str(true, "Target group ARN; it becomes the deployment's `destination`.",
			stringvalidator.RegexMatches(targetGroupARNPattern, "must be a target group ARN such as arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api-blue/0123456789abcdef")),
		"container_name": str(true, "Container to register."),
		"container_port": schema.Int64Attribute{Required: true, MarkdownDescription: "Its port.", Validators: []validator.Int64{int64validator.Between(1, 65535)}},
	})}
	resp.Schema.Blocks["ecs"] = ecsBlock
}

var (
	ecsClusterValidator = stringvalidator.RegexMatches(ecsClusterPattern, "must be an ECS cluster ARN or name, e.g. arn:aws:ecs:us-east-1:123456789012:cluster/shop")
	ecsTaskDefValidator = stringvalidator.RegexMatches(ecsTaskDefPattern, "must be a task definition ARN or family:revision, e.g. arn:aws:ecs:us-east-1:123456789012:task-definition/api:7")
)

func (r *deploymentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (r *deploymentResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m deploymentModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.ECS.IsUnknown() || m.Lambda.IsUnknown() {
		return
	}
	if (len(m.ECS.Elements()) > 0) == (len(m.Lambda.Elements()) > 0) {
		resp.Diagnostics.AddAttributeError(path.Root("ecs"), "exactly one of ecs and lambda",
			"a deployment runs on ECS (ecs { ... }) or adopts a Lambda version (lambda { ... }): set exactly one of the two blocks")
	}
	var hooks []hookModel
	if !m.Hook.IsUnknown() && !m.Hook.IsNull() {
		resp.Diagnostics.Append(m.Hook.ElementsAs(ctx, &hooks, false)...)
	}
	for i, h := range hooks {
		if !h.HTTP.IsUnknown() && !h.ECSTask.IsUnknown() && (len(h.HTTP.Elements()) > 0) == (len(h.ECSTask.Elements()) > 0) {
			resp.Diagnostics.AddAttributeError(path.Root("hook").AtListIndex(i), "exactly one of http and ecs_task",
				fmt.Sprintf("hook[%d] needs exactly one of http { ... } and ecs_task { ... }", i))
		}
	}
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
	redeploy := state == nil || !plan.Version.Equal(state.Version) || !plan.ECS.Equal(state.ECS) || !plan.Lambda.Equal(state.Lambda)
	if !redeploy {
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
		r.checkDeploymentGates(ctx, c, &resp.Diagnostics)
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
	timeout, d := plan.Timeouts.Create(ctx, defaultDeployTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if r.release(ctx, &plan, "creating", &resp.Diagnostics) {
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
	timeout, d := plan.Timeouts.Update(ctx, defaultDeployTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if plan.Version.Equal(state.Version) && plan.ECS.Equal(state.ECS) && plan.Lambda.Equal(state.Lambda) {
		// Only gates, hooks or timeouts changed: nothing to release.
		plan.Status, plan.DeployedAt, plan.PreviousVersion, plan.Destination = state.Status, state.DeployedAt, state.PreviousVersion, state.Destination
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		return
	}
	if r.release(ctx, &plan, "updating", &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		return
	}
	// Failed and put back: the state keeps the version that still runs.
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// release runs a deployment end to end under the lock; it fills the
// computed attributes of plan and reports whether the version is verified.
func (r *deploymentResource) release(ctx context.Context, plan *deploymentModel, verb string, diags *diagnostics) bool {
	c := r.decode(ctx, *plan, diags)
	summary := fmt.Sprintf("%s golive deployment (%s)", verb, c.id())
	if diags.HasError() {
		return false
	}
	actor, err := r.data.aws.CallerIdentity(ctx)
	if err != nil {
		diags.AddError(summary, err.Error())
		return false
	}
	// The gates again, at apply: a saved plan must not slip past a freeze
	// that began, or a verification that was revoked, after it was made.
	env, overrides := r.checkDeploymentGates(ctx, c, diags)
	if diags.HasError() {
		return false
	}
	sess, err := r.data.changes.Begin(ctx, change.Request{Environment: env, Service: c.service, Actor: actor.ARN,
		Operation: fmt.Sprintf("deployment of %s@%s to slot %s", c.service, c.version, c.slot)})
	if err != nil {
		diags.AddError(summary, err.Error())
		return false
	}
	var end change.Ending
	defer func() { addWarnings(diags, sess.End(ctx, end)) }()
	started := r.data.now().UTC()
	previousVersion := ""
	if rel, err := r.data.ledger.GetRelease(ctx, c.env, c.service); err == nil {
		previousVersion = rel.Slots[c.slot].Version
	}
	var opening change.Opening
	for _, o := range overrides {
		opening.Events = append(opening.Events, c.event(ledger.KindOverride, ledger.OutcomeAllowed, o.gate+" gate of deployment "+c.id(), o.reason))
	}
	opening.Events = append(opening.Events, c.event(ledger.KindDeploymentStarted, ledger.OutcomeStarted, fmt.Sprintf("slot %s, from %s", c.slot, orNone(previousVersion)), ""))
	_ = sess.Start(ctx, opening) // no split record: only events, whose failures End reports
	tflog.Info(ctx, "golive deployment starting", map[string]any{"deployment": c.id(), "version": c.version})

	ecsOps := &deploy.ECS{Client: r.data.aws.ECS(), ELB: r.data.aws.ELBv2(), Logf: func(f string, a ...any) { tflog.Info(ctx, fmt.Sprintf(f, a...)) }}
	if previousTD, err := r.rollOut(ctx, c, ecsOps); err != nil {
		msg := r.putBack(ctx, sess, c, ecsOps, previousTD, err, diags)
		wctx, cancel := detached.WithTimeout(ctx, detached.CallTimeout)
		defer cancel()
		_ = r.data.ledger.PutVerification(wctx, ledger.Verification{Environment: c.env, Service: c.service, Version: c.version, Status: ledger.StatusFailed, Actor: actor.ARN})
		end.Events = []ledger.Event{c.event(ledger.KindDeploymentFailed, ledger.OutcomeFailed, msg, "")}
		diags.AddError(summary, msg)
		return false
	}
	now := r.data.now().UTC()
	if err := r.recordVerified(ctx, c, actor.ARN, previousVersion, now); err != nil {
		diags.AddError(summary, err.Error())
		return false
	}
	end.Events = []ledger.Event{c.event(ledger.KindDeploymentVerified, ledger.OutcomeSucceeded, fmt.Sprintf("slot %s in %s", c.slot, now.Sub(started).Round(time.Second)), "")}
	plan.ID = types.StringValue(c.id())
	plan.Status = types.StringValue(ledger.StatusVerified)
	plan.DeployedAt = types.StringValue(now.Format(time.RFC3339))
	plan.PreviousVersion = optionalString(previousVersion)
	plan.Destination = types.StringValue(c.destination())
	return true
}

// rollOut makes the version run (the ECS service on its task definition,
// stable; or the Lambda version checked), runs the hooks and passes the
// gates. previousTD is the task definition the ECS service ran before.
func (r *deploymentResource) rollOut(ctx context.Context, c deployConfig, ecsOps *deploy.ECS) (previousTD string, err error) {
	if c.ecs != nil {
		c.ecs.Tags = r.data.defaultTags
		if previousTD, err = ecsOps.Apply(ctx, *c.ecs); err != nil {
			return previousTD, err
		}
		if c.wait {
			if err := ecsOps.WaitStable(ctx, c.ecs.Cluster, c.ecs.Name, time.Until(deadlineOf(ctx, 10*time.Minute))); err != nil {
				return previousTD, err
			}
		}
	} else if err := deploy.CheckLambdaVersion(ctx, r.data.aws.Lambda(), c.lambdaFn, c.lambdaVer); err != nil {
		return "", err
	}
	for i, h := range c.beforeHooks {
		if err := h.Run(ctx); err != nil {
			return previousTD, fmt.Errorf("hook %d (before_verify): %w", i+1, err)
		}
	}
	for _, h := range c.httpChecks {
		if err := verify.Until(ctx, h.check, h.interval, h.successes, h.timeout, func(s string) { tflog.Info(ctx, s) }); err != nil {
			return previousTD, fmt.Errorf("verifying %s@%s: %w", c.service, c.version, err)
		}
	}
	for _, g := range r.gates(c) {
		if err := g.Check(ctx); err != nil {
			return previousTD, fmt.Errorf("verifying %s@%s: %w", c.service, c.version, err)
		}
	}
	for i, h := range c.afterHook {
		if err := h.Run(ctx); err != nil {
			return previousTD, fmt.Errorf("hook %d (after_verify): %w", i+1, err)
		}
	}
	return previousTD, nil
}

// putBack puts an ECS service that moved back on its previous task
// definition and records it; it returns the failure in words, with what
// became of the service.
func (r *deploymentResource) putBack(ctx context.Context, sess *change.Session, c deployConfig, ecsOps *deploy.ECS, previousTD string, cause error, diags *diagnostics) string {
	msg := cause.Error()
	if c.ecs == nil || previousTD == "" || previousTD == c.ecs.TaskDefinition {
		return msg
	}
	e := c.event(ledger.KindRolledBack, ledger.OutcomePutBack, fmt.Sprintf("ECS service %s back on %s", c.ecs.Name, previousTD), cause.Error())
	if perr := ecsOps.PutBack(ctx, c.ecs.Cluster, c.ecs.Name, previousTD); perr != nil {
		msg += "; " + perr.Error()
		e.Outcome, e.Detail = ledger.OutcomePutBackFailed, perr.Error()
	} else {
		msg += fmt.Sprintf("; ECS service %s put back on %s", c.ecs.Name, previousTD)
	}
	if err := sess.Record(ctx, e); err != nil {
		diags.AddWarning("recording a ledger event", err.Error())
	}
	return msg
}

// recordVerified records the version verified and in its slot.
func (r *deploymentResource) recordVerified(ctx context.Context, c deployConfig, actor, previousVersion string, now time.Time) error {
	if err := r.data.ledger.PutVerification(ctx, ledger.Verification{Environment: c.env, Service: c.service, Version: c.version,
		Status: ledger.StatusVerified, VerifiedAt: now, Actor: actor}); err != nil {
		return err
	}
	slot := ledger.Slot{Version: c.version, Status: ledger.StatusVerified, DeployedAt: now, Destination: c.destination(), Previous: previousVersion, Function: c.lambdaFn}
	if c.ecs != nil {
		slot.Cluster, slot.ECSService = c.ecs.Cluster, c.ecs.Name
	}
	_, err := r.data.ledger.SetSlot(ctx, c.env, c.service, c.slot, slot)
	return err
}

// event is an event of this deployment's version.
func (c deployConfig) event(kind, outcome, detail, reason string) ledger.Event {
	return ledger.Event{Kind: kind, Outcome: outcome, Version: c.version, Detail: detail, Reason: reason}
}

func orNone(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}

// deadlineOf is the context's deadline, or now+fallback.
func deadlineOf(ctx context.Context, fallback time.Duration) time.Time {
	if d, ok := ctx.Deadline(); ok {
		return d
	}
	return time.Now().Add(fallback)
}

func (r *deploymentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state deploymentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := state.Timeouts.Read(ctx, defaultTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	env, service, slot := state.Environment.ValueString(), state.Service.ValueString(), state.slotName()
	rel, err := r.data.reads.Release(ctx, env, service)
	if errors.Is(err, ledger.ErrNotFound) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("reading golive deployment (%s)", state.ID.ValueString()), err.Error())
		return
	}
	s, ok := rel.Slots[slot]
	if !ok {
		resp.State.RemoveResource(ctx)
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
		state.ECS = withLiveECS(ctx, state.ECS, live, &resp.Diagnostics)
	}
	state.Version = types.StringValue(s.Version)
	state.Status = types.StringValue(s.Status)
	state.DeployedAt = types.StringValue(s.DeployedAt.UTC().Format(time.RFC3339))
	state.PreviousVersion = optionalString(s.Previous)
	state.Destination = types.StringValue(s.Destination)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *deploymentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	defer r.data.reads.forget()
	var state deploymentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, defaultDeployTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c := r.decode(ctx, state, &resp.Diagnostics)
	summary := fmt.Sprintf("deleting golive deployment (%s)", c.id())
	if c.ecs != nil {
		if err := (&deploy.ECS{Client: r.data.aws.ECS()}).Delete(ctx, c.ecs.Cluster, c.ecs.Name); err != nil {
			resp.Diagnostics.AddError(summary, err.Error())
			return
		}
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
