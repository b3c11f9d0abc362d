package deploy

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/change"
	"github.com/golive-dev/terraform-provider-golive/internal/detached"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
	"github.com/golive-dev/terraform-provider-golive/internal/verify"
)

// Ledger is what a deployment reads and writes in the golive ledger besides
// its events; *ledger.Ledger provides it.
type Ledger interface {
	GetRelease(ctx context.Context, env, service string) (*ledger.Release, error)
	PutVerification(ctx context.Context, v ledger.Verification) error
	SetSlot(ctx context.Context, env, service, slot string, s ledger.Slot) (*ledger.Release, error)
}

// Session is the change a deployment runs in (a *change.Session, begun by
// the caller): it holds the environment+service lock, and records the
// deployment's events in the ledger and announces them. Start records the
// opening events, Record one event as it happens, End the closing events
// before it releases the lock. Their failures never undo anything.
type Session interface {
	Start(ctx context.Context, o change.Opening) error
	Record(ctx context.Context, e ledger.Event) error
	End(ctx context.Context, e change.Ending) []change.Warning
}

// Hook is a step run before or after verification (HTTPHook, ECSTaskHook);
// an error fails the deployment.
type Hook interface {
	RunRelease(ctx context.Context, r Release) error
}

// HookStep is a hook and the phase it runs in.
type HookStep struct {
	Phase string // PhaseBeforeVerify | PhaseAfterVerify
	Hook  Hook
}

// Check is a verification gate and how it is polled.
type Check struct {
	Gate rollout.Gate
	// Timeout > 0 polls the gate every Interval until it passes Successes
	// times in a row or Timeout passes (verify.Until); 0 checks it once.
	Interval  time.Duration
	Successes int
	Timeout   time.Duration
}

// Pipeline carries out one deployment: it applies the target (creates or
// updates the slot's ECS service, or checks a Lambda version), waits for
// the rollout, runs the before_verify hooks, the gates and the after_verify
// hooks in order, and records the outcome in the ledger. When a step fails
// it undoes the change (the ECS service is put back on its previous task
// definition and settings, or deleted when this deployment created it),
// records why, and returns an error saying what failed and what was
// undone. It knows AWS and the ledger only through its fields' interfaces.
type Pipeline struct {
	Release Release // what is deployed; Run fills PreviousVersion and Phase
	Target  Target
	Hooks   []HookStep
	Checks  []Check
	// Slot is the ledger record of the slot once verified (destination,
	// where it runs); Run fills its version, status, time and previous
	// version.
	Slot   ledger.Slot
	Ledger Ledger
	// Session is the change the deployment runs in; Run starts and ends it.
	Session Session
	// Opening are events recorded with deployment_started before anything
	// moves, e.g. the overrides that let the deployment through a gate.
	Opening []ledger.Event
	Now     func() time.Time // default time.Now
	// Logf reports progress (tflog in the provider). May be nil.
	Logf func(format string, args ...any)
}

// Outcome is how a deployment ended.
type Outcome struct {
	Status          string    // ledger.StatusVerified or ledger.StatusFailed
	PreviousVersion string    // what the slot ran before, "" if nothing
	DeployedAt      time.Time // when it was verified
	// Leftover: the deployment created an ECS service and could not
	// delete it after failing. Keep the deployment in Terraform state, so
	// that destroy, or the replacement the next apply plans, removes it.
	Leftover bool
	// Warnings are what went wrong without failing the deployment (an
	// event not recorded, a notification not delivered, the lock not
	// released), from the session's End.
	Warnings []change.Warning
}

// Run carries out the deployment in its session, which it starts and
// ends. It returns the outcome, and an error when the version did not
// become verified.
func (p *Pipeline) Run(ctx context.Context) (out *Outcome, err error) {
	r := p.Release
	p.Release.PreviousVersion = p.previousVersion(ctx)
	out = &Outcome{PreviousVersion: p.Release.PreviousVersion}
	var closing change.Ending
	defer func() { out.Warnings = p.Session.End(ctx, closing) }()
	started := p.now()
	opening := append(append([]ledger.Event(nil), p.Opening...),
		p.event(ledger.KindDeploymentStarted, ledger.OutcomeStarted, fmt.Sprintf("slot %s, from %s", r.Slot, orNone(out.PreviousVersion)), ""))
	if err := p.Session.Start(ctx, change.Opening{Events: opening}); err != nil {
		p.logf("golive deployment %s: recording its start: %v", r.DeploymentID, err)
	}
	p.logf("golive deployment %s: deploying %s@%s to slot %s", r.DeploymentID, r.Service, r.Version, r.Slot)
	applied, err := p.Target.Apply(ctx)
	if err == nil && applied != nil {
		if what := applied.Adopted(); what != "" {
			p.record(ctx, ledger.KindAdopted, ledger.OutcomeSucceeded, what+" taken over by deployment "+r.DeploymentID, "adopt = true")
		}
		err = applied.Wait(ctx)
	}
	if err == nil {
		err = p.verify(ctx)
	}
	if err != nil {
		closing.Events, err = p.fail(ctx, out, applied, err)
		return out, err
	}
	closing.Events, err = p.succeed(ctx, out, applied, started)
	return out, err
}

// verify runs the before_verify hooks, the gates and the after_verify hooks.
func (p *Pipeline) verify(ctx context.Context) error {
	if err := p.runHooks(ctx, PhaseBeforeVerify); err != nil {
		return err
	}
	for _, c := range p.Checks {
		var err error
		if c.Timeout > 0 {
			err = verify.Until(ctx, c.Gate, c.Interval, c.Successes, c.Timeout, func(s string) { p.logf("%s", s) })
		} else {
			err = c.Gate.Check(ctx)
		}
		if err != nil {
			return fmt.Errorf("verifying %s@%s: %w", p.Release.Service, p.Release.Version, err)
		}
	}
	return p.runHooks(ctx, PhaseAfterVerify)
}

// runHooks runs the hooks of one phase, numbered as declared.
func (p *Pipeline) runHooks(ctx context.Context, phase string) error {
	r := p.Release
	r.Phase = phase
	for i, h := range p.Hooks {
		if h.Phase != phase {
			continue
		}
		p.logf("golive deployment %s: hook %d (%s)", r.DeploymentID, i+1, phase)
		if err := h.Hook.RunRelease(ctx, r); err != nil {
			return fmt.Errorf("hook %d (%s): %w", i+1, phase, err)
		}
	}
	return nil
}

// fail undoes the change, records why, and returns the closing event and
// the deployment's error.
func (p *Pipeline) fail(ctx context.Context, out *Outcome, applied Change, cause error) ([]ledger.Event, error) {
	out.Status = ledger.StatusFailed
	err := cause
	if applied != nil {
		what, uerr := applied.Undo(ctx)
		switch {
		case uerr != nil && applied.Created():
			out.Leftover = true
			err = fmt.Errorf("%w; %w: the service stays in Terraform state, and terraform destroy or the next apply deletes it", cause, uerr)
			p.record(ctx, ledger.KindRolledBack, ledger.OutcomePutBackFailed, uerr.Error(), cause.Error())
		case uerr != nil:
			err = fmt.Errorf("%w; %w", cause, uerr)
			p.record(ctx, ledger.KindRolledBack, ledger.OutcomePutBackFailed, uerr.Error(), cause.Error())
		default:
			outcome := ledger.OutcomePutBack
			if applied.Created() {
				outcome = ledger.OutcomeDeleted
			}
			err = fmt.Errorf("%w; %s", cause, what)
			p.record(ctx, ledger.KindRolledBack, outcome, what, cause.Error())
		}
	}
	wctx, cancel := detached.WithTimeout(ctx, detached.CallTimeout)
	defer cancel()
	r := p.Release
	if verr := p.Ledger.PutVerification(wctx, ledger.Verification{Environment: r.Environment, Service: r.Service, Version: r.Version,
		Status: ledger.StatusFailed, Actor: r.Actor}); verr != nil {
		p.logf("golive deployment %s: recording the failed verification: %v", r.DeploymentID, verr)
	}
	return []ledger.Event{p.event(ledger.KindDeploymentFailed, ledger.OutcomeFailed, clip(err.Error(), 4000), "")}, err
}

// succeed records the verified version and the slot, and returns the
// closing event.
func (p *Pipeline) succeed(ctx context.Context, out *Outcome, applied Change, started time.Time) ([]ledger.Event, error) {
	r := p.Release
	now := p.now().UTC()
	err := p.Ledger.PutVerification(ctx, ledger.Verification{Environment: r.Environment, Service: r.Service, Version: r.Version,
		Status: ledger.StatusVerified, VerifiedAt: now, Actor: r.Actor})
	if err == nil {
		slot := p.Slot
		slot.Version, slot.Status, slot.DeployedAt, slot.Previous = r.Version, ledger.StatusVerified, now, out.PreviousVersion
		_, err = p.Ledger.SetSlot(ctx, r.Environment, r.Service, r.Slot, slot)
	}
	if err != nil {
		// The version runs and passed its gates; only the record is missing.
		out.Status, out.Leftover = ledger.StatusFailed, applied != nil && applied.Created()
		return nil, fmt.Errorf("%s@%s runs in slot %s and passed its gates, but recording it in the golive ledger failed (apply again to record it): %w",
			r.Service, r.Version, r.Slot, err)
	}
	out.Status, out.DeployedAt = ledger.StatusVerified, now
	return []ledger.Event{p.event(ledger.KindDeploymentVerified, ledger.OutcomeSucceeded, fmt.Sprintf("slot %s in %s", r.Slot, now.Sub(started).Round(time.Second)), "")}, nil
}

// previousVersion is what the slot ran before, "" for its first
// deployment. It is informational: a failed read is logged, not fatal.
func (p *Pipeline) previousVersion(ctx context.Context) string {
	rel, err := p.Ledger.GetRelease(ctx, p.Release.Environment, p.Release.Service)
	if errors.Is(err, ledger.ErrNotFound) {
		return ""
	}
	if err != nil {
		p.logf("golive deployment %s: reading the previous version: %v", p.Release.DeploymentID, err)
		return ""
	}
	return rel.Slots[p.Release.Slot].Version
}

// event is one event of the deployment.
func (p *Pipeline) event(kind, outcome, detail, reason string) ledger.Event {
	r := p.Release
	return ledger.Event{Environment: r.Environment, Service: r.Service, Kind: kind, Version: r.Version, Outcome: outcome, Actor: r.Actor,
		Detail: detail, Reason: reason}
}

// record records one event as it happens.
func (p *Pipeline) record(ctx context.Context, kind, outcome, detail, reason string) {
	if err := p.Session.Record(ctx, p.event(kind, outcome, detail, reason)); err != nil {
		p.logf("golive deployment %s: recording %s: %v", p.Release.DeploymentID, kind, err)
	}
}

func (p *Pipeline) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

func (p *Pipeline) logf(format string, args ...any) {
	if p.Logf != nil {
		p.Logf(format, args...)
	}
}

func orNone(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}
