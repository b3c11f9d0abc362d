package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/golive-dev/terraform-provider-golive/internal/change"
	"github.com/golive-dev/terraform-provider-golive/internal/deploy"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/policy"
)

// release runs the deployment (deploy.Pipeline) in a change session of its
// environment+service. tracked says Terraform state already holds the
// deployment. It fills the computed attributes of plan and reports whether
// plan is to be saved: when the version is verified, and when it failed
// leaving behind a service it created, which state keeps (the resource is
// then tainted) so that destroy or the next apply removes it.
func (r *deploymentResource) release(ctx context.Context, plan *deploymentModel, tracked bool, verb string, diags *diagnostics) bool {
	ctx, stop := interruptible(ctx)
	defer stop()
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
	env, overrides := r.checkDeploymentGates(ctx, policy.AtApply, c, diags)
	if diags.HasError() {
		return false
	}
	sess, err := r.data.changes.Begin(ctx, change.Request{Environment: env, Service: c.service, Actor: actor.ARN,
		Operation: fmt.Sprintf("deployment of %s@%s to slot %s", c.service, c.version, c.slot)})
	if err != nil {
		diags.AddError(summary, err.Error())
		return false
	}
	p := r.pipeline(ctx, c, actor.ARN, tracked)
	p.Session = sess
	for _, o := range overrides {
		p.Opening = append(p.Opening, ledger.Event{Kind: ledger.KindOverride, Outcome: ledger.OutcomeAllowed, Version: c.version,
			Detail: o.gate + " gate of deployment " + c.id(), Reason: o.reason})
	}
	tflog.Info(ctx, "golive deployment starting", map[string]any{"deployment": c.id(), "version": c.version})
	out, err := p.Run(ctx)
	addWarnings(diags, out.Warnings)
	if err != nil {
		diags.AddError(summary, err.Error())
		if !out.Leftover {
			return false
		}
	}
	plan.ID = types.StringValue(c.id())
	plan.Status = types.StringValue(out.Status)
	plan.DeployedAt = types.StringNull()
	if !out.DeployedAt.IsZero() {
		plan.DeployedAt = types.StringValue(out.DeployedAt.Format(time.RFC3339))
	}
	plan.PreviousVersion = optionalString(out.PreviousVersion)
	plan.Destination = types.StringValue(c.destination())
	return true
}

// pipeline is the deployment of c by actor, without its session: the slot's
// ECS service or the Lambda version as its target, its hooks and checks.
func (r *deploymentResource) pipeline(ctx context.Context, c deployConfig, actor string, tracked bool) *deploy.Pipeline {
	logf := func(f string, a ...any) { tflog.Info(ctx, fmt.Sprintf(f, a...)) }
	p := &deploy.Pipeline{
		Release: deploy.Release{Environment: c.env, Service: c.service, Version: c.version, Slot: c.slot, DeploymentID: c.id(), Actor: actor},
		Hooks:   c.hooks, Checks: r.checks(c), Ledger: r.data.ledger, Now: r.data.now, Logf: logf,
		Slot: ledger.Slot{Destination: c.destination(), Function: c.lambdaFn},
	}
	if c.ecs == nil {
		p.Target = &deploy.LambdaTarget{Client: r.data.aws.Lambda(), Function: c.lambdaFn, Version: c.lambdaVer}
		return p
	}
	svc := *c.ecs
	svc.Tags = r.data.defaultTags
	claim := deploy.ClaimTag
	switch {
	case c.adopt:
		claim = deploy.ClaimAdopt
	case tracked:
		claim = deploy.ClaimTracked
	}
	p.Target = &deploy.ECSTarget{ECS: &deploy.ECS{Client: r.data.aws.ECS(), ELB: r.data.aws.ELBv2(), Logf: logf},
		Service: svc, ID: c.id(), Claim: claim, Wait: c.wait}
	p.Slot.Cluster, p.Slot.ECSService = svc.Cluster, svc.Name
	return p
}

// deleteService deletes the slot's ECS service and waits until it is gone,
// unless another golive deployment owns it now (it adopted it): that one is
// left running, with a warning. It reports whether Delete may go on.
func (r *deploymentResource) deleteService(ctx context.Context, c deployConfig, summary string, diags *diagnostics) bool {
	e := &deploy.ECS{Client: r.data.aws.ECS(), Logf: func(f string, a ...any) { tflog.Info(ctx, fmt.Sprintf(f, a...)) }}
	live, err := e.Describe(ctx, c.ecs.Cluster, c.ecs.Name)
	if errors.Is(err, deploy.ErrServiceNotFound) {
		return true
	}
	if err != nil {
		diags.AddError(summary, err.Error())
		return false
	}
	if live.Owner != "" && live.Owner != c.id() {
		diags.AddWarning("ECS service left running", fmt.Sprintf("ECS service %s belongs to golive deployment %s now (tag %s): destroying %s leaves it running.",
			c.ecs.Name, live.Owner, deploy.OwnerTag, c.id()))
		return true
	}
	if err := e.Delete(ctx, c.ecs.Cluster, c.ecs.Name); err != nil {
		diags.AddError(summary, err.Error())
		return false
	}
	return true
}
