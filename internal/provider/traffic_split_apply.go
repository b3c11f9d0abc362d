package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
	"github.com/golive-dev/terraform-provider-golive/internal/router"
)

// applied is the outcome of apply: the live weights afterwards (nil if
// unknown), whether the split created its Lambda alias, and the ARN of the
// listener rule it created.
type applied struct {
	live         rollout.Weights
	aliasCreated bool
	ruleARN      string
}

// apply carries out the cutover to the planned weights under the lock and
// says whether it succeeded.
func (r *trafficSplitResource) apply(ctx context.Context, plan trafficSplitModel, verb string, diags *diagnostics) (applied, bool) {
	ctx, stop := interruptible(ctx)
	defer stop()
	c := plan.decode(ctx, diags)
	summary := fmt.Sprintf("%s golive traffic split (%s)", verb, c.id())
	if diags.HasError() {
		return applied{}, false
	}
	actor, err := r.data.aws.CallerIdentity(ctx)
	if err != nil {
		diags.AddError(summary, err.Error())
		return applied{}, false
	}
	env, err := r.data.ledger.GetEnvironment(ctx, c.env)
	if err != nil {
		diags.AddError(summary, environmentLookupError(c.env, err))
		return applied{}, false
	}
	dests, err := r.resolveDestinations(ctx, c)
	if err != nil {
		diags.AddError(summary, err.Error())
		return applied{}, false
	}
	rt := r.router(c, dests)
	unlock, err := r.data.lockService(ctx, ledger.LockRequest{
		Environment: c.env, Service: c.service, Holder: actor.ARN,
		// What this run is doing, for whoever finds the lock held.
		Operation: fmt.Sprintf("traffic shift to %s by terraform apply", c.declared()),
	}, diags)
	if err != nil {
		diags.AddError(summary, err.Error())
		return applied{}, false
	}
	defer unlock()

	if c.rule != nil {
		if verb == "creating" {
			return r.createRule(ctx, c, dests, env, actor.ARN, summary, diags)
		}
		// Priority and conditions decide which requests reach the split,
		// not how they are divided: set in place, before any cutover.
		if _, err := r.albRouter(c, dests).UpdateRule(ctx, *c.rule); err != nil {
			diags.AddError(summary, err.Error())
			return applied{}, false
		}
	}
	before, err := rt.Read(ctx)
	if errors.Is(err, router.ErrNotFound) && c.router == "lambda_alias" && verb == "creating" {
		return r.createAlias(ctx, c, dests, env, actor.ARN, summary, diags)
	}
	if err != nil {
		diags.AddError(summary, err.Error())
		return applied{}, false
	}
	res := applied{live: before, aliasCreated: c.aliasCreated()}
	to := c.declared()
	steps := rollout.PlanSteps(before, to, c.strategy)
	description := rollout.Describe(before, to, steps, c.strategy)
	// Checked again at apply: a saved plan must not slip past a freeze that
	// began after it was made.
	override := ""
	if len(steps) > 0 {
		override = checkReleaseSchedule(r.data.now(), *env, c.override, "shifting traffic of "+c.id()+" ("+description+")",
			"golive_traffic_split", path.Root("destination"), diags)
		if diags.HasError() {
			return res, false
		}
	}
	if err := r.data.ledger.PutSplit(ctx, withActor(c.record(dests, res.aliasCreated), actor.ARN)); err != nil {
		diags.AddError(summary, err.Error())
		return res, false
	}
	if len(steps) == 0 {
		r.markLiveSlot(ctx, c, diags)
		if verb == "creating" {
			// Same weights, but put them in golive's form: a simple Route 53
			// record becomes weighted records, a plain ALB forward a
			// weighted one.
			if err := rt.Set(ctx, to); err != nil {
				diags.AddError(summary, err.Error())
				return res, false
			}
		}
		return res, true
	}
	rec := r.data.newEventSink(env, c.service, actor.ARN)
	defer rec.finish(ctx, diags)
	if override != "" {
		_ = rec.event(ctx, ledger.KindOverride, ledger.OutcomeAllowed, "", "traffic shift: "+description, override)
	}
	_ = rec.event(ctx, ledger.KindCutoverStarted, ledger.OutcomeStarted, "", fmt.Sprintf("%s (%s, from %s)", description, c.strategy.Kind(), before), override)
	tflog.Info(ctx, "golive cutover starting", map[string]any{"split": c.id(), "cutover": description, "router": rt.String()})
	x := &rollout.Executor{
		Router: rt, Gates: r.gates(c), Recorder: rec, Bake: c.strategy.Bake, PollInterval: c.poll, Target: c.id(),
		Logf: func(format string, args ...any) { tflog.Info(ctx, fmt.Sprintf(format, args...)) },
	}
	defer r.markLiveSlot(ctx, c, diags)
	if err := x.Run(ctx, before, steps); err != nil {
		diags.AddError(summary, err.Error())
		rctx, cancel := detached(ctx, 30*time.Second)
		defer cancel()
		res.live, err = rt.Read(rctx)
		if err != nil {
			res.live = nil
		}
		return res, false
	}
	res.live = to
	return res, true
}

// ownedRouting is a routing object a new split creates and owns (its
// Lambda alias or listener rule), for createOwned.
type ownedRouting struct {
	kind        string // for the log: "Lambda alias", "ALB listener rule"
	description string // the cutover in words
	create      func(context.Context, rollout.Weights) error
	remove      func(context.Context) error
	// mark fills what the ledger's split record says about the object.
	mark func(*ledger.Split)
}

// createOwned creates the routing object of a new split straight on the
// declared weights: nothing is live on it, so there is nothing to canary or
// roll back to. If recording the split fails, the object goes again, so a
// failed create leaves nothing behind.
func (r *trafficSplitResource) createOwned(ctx context.Context, c splitConfig, dests []rollout.Destination, env *ledger.Environment, actor, summary string, o ownedRouting, diags *diagnostics) (rollout.Weights, bool) {
	to := c.declared()
	override := checkReleaseSchedule(r.data.now(), *env, c.override, "shifting traffic of "+c.id()+" ("+o.description+")",
		"golive_traffic_split", path.Root("destination"), diags)
	if diags.HasError() {
		return nil, false
	}
	if err := o.create(ctx, to); err != nil {
		diags.AddError(summary, err.Error())
		return nil, false
	}
	rec := withActor(c.record(dests, false), actor)
	o.mark(&rec)
	if err := r.data.ledger.PutSplit(ctx, rec); err != nil {
		undo, cancel := detached(ctx, 30*time.Second)
		defer cancel()
		if derr := o.remove(undo); derr != nil {
			err = fmt.Errorf("%w\n\ndeleting the %s this apply created also failed, delete it by hand: %v", err, o.kind, derr)
		}
		diags.AddError(summary, err.Error())
		return nil, false
	}
	sink := r.data.newEventSink(env, c.service, actor)
	defer sink.finish(ctx, diags)
	if override != "" {
		_ = sink.event(ctx, ledger.KindOverride, ledger.OutcomeAllowed, "", "traffic shift: "+o.description, override)
	}
	_ = sink.event(ctx, ledger.KindCutoverCompleted, ledger.OutcomeSucceeded, "", o.description, override)
	tflog.Info(ctx, "golive created the "+o.kind+" of a traffic split", map[string]any{"split": c.id(), "cutover": o.description})
	r.markLiveSlot(ctx, c, diags)
	return to, true
}

// createAlias creates the Lambda alias a new split found missing.
func (r *trafficSplitResource) createAlias(ctx context.Context, c splitConfig, dests []rollout.Destination, env *ledger.Environment, actor, summary string, diags *diagnostics) (applied, bool) {
	alias := r.lambdaAlias(c, dests)
	live, ok := r.createOwned(ctx, c, dests, env, actor, summary, ownedRouting{
		kind: "Lambda alias", description: aliasCreationCutover(alias, c.declared()),
		create: alias.Create, remove: alias.Delete,
		mark: func(s *ledger.Split) { s.AliasCreated = true },
	}, diags)
	return applied{live: live, aliasCreated: ok}, ok
}

// aliasCreationCutover is the cutover of a split that creates its alias, in
// words: "create Lambda alias api:live at blue=100 green=0 (no live traffic to canary)".
func aliasCreationCutover(alias fmt.Stringer, to rollout.Weights) string {
	return fmt.Sprintf("create %s at %s (no live traffic to canary)", alias, to)
}

func withActor(s ledger.Split, actor string) ledger.Split {
	s.UpdatedBy = actor
	return s
}

func environmentLookupError(env string, err error) string {
	if errors.Is(err, ledger.ErrNotFound) {
		return fmt.Sprintf("environment %s is not in the golive ledger: declare it with golive_environment (and check the provider's region and ledger_table)", env)
	}
	return err.Error()
}

// addEnvironmentLookupError reports a failed read of an environment's
// record: "unknown environment" only when the ledger has no such record, so
// a throttled or failed read is not mistaken for a missing environment.
func addEnvironmentLookupError(diags *diagnostics, env string, err error) {
	summary := "unknown environment"
	if !errors.Is(err, ledger.ErrNotFound) {
		summary = "reading environment " + env + " from the ledger failed"
	}
	diags.AddAttributeError(path.Root("environment"), summary, environmentLookupError(env, err))
}

// markLiveSlot records, for a split over golive deployments, which slot now
// has most traffic, so golive_release reports the live and idle slots.
func (r *trafficSplitResource) markLiveSlot(ctx context.Context, c splitConfig, diags *diagnostics) {
	best, weight := "", -1
	for _, d := range c.destinations {
		if w := int(d.Weight.ValueInt64()); d.Deployment.ValueString() != "" && w > weight {
			best, weight = d.Deployment.ValueString(), w
		}
	}
	if best == "" || diags.HasError() {
		return
	}
	env, service, slot, ok := parseDeploymentID(best)
	if !ok {
		return
	}
	rctx, cancel := detached(ctx, 30*time.Second)
	defer cancel()
	if err := r.data.ledger.SetLiveSlot(rctx, env, service, slot); err != nil {
		diags.AddWarning("recording the live slot", err.Error())
	}
}
