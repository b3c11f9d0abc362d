package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/golive-dev/terraform-provider-golive/internal/cutover"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/policy"
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

// apply maps the planned split onto a cutover and carries it out, with
// what the plan carried; it says whether the split now routes as planned.
func (r *trafficSplitResource) apply(ctx context.Context, plan trafficSplitModel, op cutover.Operation, from carried, diags *diagnostics) (applied, bool) {
	ctx, stop := interruptible(ctx)
	defer stop()
	c := plan.decode(ctx, diags)
	summary := fmt.Sprintf("%s golive traffic split (%s)", op.Verb(), c.id())
	if diags.HasError() {
		return applied{}, false
	}
	actor, err := r.data.aws.CallerIdentity(ctx)
	if err != nil {
		diags.AddError(summary, err.Error())
		return applied{}, false
	}
	// The environment as the plan judged it; the lock's transaction checks
	// the ledger still has it.
	env := from.environment(c.env)
	if env == nil {
		if env, err = r.data.ledger.GetEnvironment(ctx, c.env); err != nil {
			diags.AddError(summary, environmentLookupError(c.env, err))
			return applied{}, false
		}
	}
	dests, err := r.resolveDestinations(ctx, c)
	if err != nil {
		diags.AddError(summary, err.Error())
		return applied{}, false
	}
	rt := r.router(c, dests)
	from.seed(rt)
	s := cutover.Split{
		Operation: op, Environment: env, Service: c.service, Actor: actor.ARN,
		Router: rt, Gates: append(r.gates(c), routerGates(rt)...), Declared: c.declared(), Strategy: c.strategy, PollInterval: c.poll,
		Schedule: releaseSchedule{now: r.data.now(), override: c.override, diags: diags},
		Record:   c.record(dests, c.aliasCreated()), LiveSlot: c.liveSlot(),
	}
	var rule *router.ALB // the rule the split created
	switch {
	case c.rule != nil && op == cutover.Create:
		s.Owned = r.ownedRule(c, dests, &rule)
	case c.rule != nil:
		// Priority and conditions decide which requests reach the split,
		// not how they are divided: set in place, before any cutover.
		s.Prepare = func(ctx context.Context) error {
			_, err := rt.(*router.ALB).UpdateRule(ctx, *c.rule)
			return err
		}
	case c.router == "lambda_alias":
		s.Owned = r.ownedAlias(c, dests)
	}
	runner := cutover.Runner{Ledger: cutoverLedger{r.data.changes}, Log: func(msg string, fields map[string]any) { tflog.Info(ctx, msg, fields) }}
	res, err := runner.Apply(ctx, s)
	addWarnings(diags, res.Warnings)
	if err != nil && !errors.Is(err, errReported) {
		diags.AddError(summary, err.Error())
	}
	out := applied{live: res.Live, aliasCreated: c.aliasCreated()}
	switch {
	case res.Created && c.rule != nil:
		out.ruleARN = rule.RuleARN()
	case res.Created:
		out.aliasCreated = true
	}
	return out, err == nil
}

// ownedAlias creates the Lambda alias of a new split that finds it missing.
func (r *trafficSplitResource) ownedAlias(c splitConfig, dests []rollout.Destination) *cutover.Owned {
	alias := r.lambdaAlias(c, dests)
	return &cutover.Owned{
		Kind: "Lambda alias", Description: aliasCreationCutover(alias, c.declared()), IfMissing: true,
		Create: alias.Create, Remove: alias.Delete,
		Mark: func(s *ledger.Split) { s.AliasCreated = true },
	}
}

// releaseSchedule is a split's cutover.Schedule: the plan's check of the
// environment's freezes and deploy window, run again at apply with its
// diagnostics (a refusal names the destination attribute).
type releaseSchedule struct {
	now      time.Time
	override string
	diags    *diagnostics
}

func (s releaseSchedule) Check(env *ledger.Environment, what string) (string, error) {
	errs := s.diags.ErrorsCount()
	override := checkReleaseSchedule(s.now, policy.AtApply, *env, s.override, what, "golive_traffic_split", path.Root("destination"), s.diags)
	if s.diags.ErrorsCount() > errs {
		return "", errReported
	}
	return override, nil
}

// aliasCreationCutover is the cutover of a split that creates its alias, in
// words: "create Lambda alias api:live at blue=100 green=0 (no live traffic to canary)".
func aliasCreationCutover(alias fmt.Stringer, to rollout.Weights) string {
	return fmt.Sprintf("create %s at %s (no live traffic to canary)", alias, to)
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

// liveSlot is the slot of the deployment that gets most traffic, which
// golive_release reports as live; "" when no destination is a deployment.
func (c splitConfig) liveSlot() string {
	best, weight := "", -1
	for _, d := range c.destinations {
		if w := int(d.Weight.ValueInt64()); d.Deployment.ValueString() != "" && w > weight {
			best, weight = d.Deployment.ValueString(), w
		}
	}
	_, _, slot, ok := parseDeploymentID(best)
	if !ok {
		return ""
	}
	return slot
}
