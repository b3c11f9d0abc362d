package deploy

import (
	"context"
	"errors"
	"fmt"
	"time"

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

// Recorder records the deployment's events as they happen, in the ledger
// and to the environment's notify targets (the change session that holds
// the lock). Its errors are logged and never undo anything.
type Recorder interface {
	Record(ctx context.Context, e ledger.Event) error
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
	Slot     ledger.Slot
	Ledger   Ledger
	Recorder Recorder
	Now      func() time.Time // default time.Now
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
}

// ledgerTimeout bounds each ledger write made after a failure, on a
// context of its own: the run's may have ended.
const ledgerTimeout = 30 * time.Second

// Run carries out the deployment. It returns the outcome, and an error
// when the version did not become verified.
func (p *Pipeline) Run(ctx context.Context) (*Outcome, error) {
	r := p.Release
	p.Release.PreviousVersion = p.previousVersion(ctx)
	out := &Outcome{PreviousVersion: p.Release.PreviousVersion}
	started := p.now()
	p.record(ctx, ledger.KindDeploymentStarted, ledger.OutcomeStarted, fmt.Sprintf("slot %s, from %s", r.Slot, orNone(out.PreviousVersion)), "")
	p.logf("golive deployment %s: deploying %s@%s to slot %s", r.DeploymentID, r.Service, r.Version, r.Slot)
	change, err := p.Target.Apply(ctx)
	if err == nil && change != nil {
		if what := change.Adopted(); what != "" {
			p.record(ctx, ledger.KindAdopted, ledger.OutcomeSucceeded, what+" taken over by deployment "+r.DeploymentID, "adopt = true")
		}
		err = change.Wait(ctx)
	}
	if err == nil {
		err = p.verify(ctx)
	}
	if err != nil {
		return p.fail(ctx, out, change, err)
	}
	return p.succeed(ctx, out, change, started)
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

// fail undoes the change, records why and returns the deployment's error.
func (p *Pipeline) fail(ctx context.Context, out *Outcome, change Change, cause error) (*Outcome, error) {
	out.Status = ledger.StatusFailed
	err := cause
	if change != nil {
		what, uerr := change.Undo(ctx)
		switch {
		case uerr != nil && change.Created():
			out.Leftover = true
			err = fmt.Errorf("%w; %v: the service stays in Terraform state, and terraform destroy or the next apply deletes it", cause, uerr)
			p.record(ctx, ledger.KindRolledBack, ledger.OutcomePutBackFailed, uerr.Error(), cause.Error())
		case uerr != nil:
			err = fmt.Errorf("%w; %v", cause, uerr)
			p.record(ctx, ledger.KindRolledBack, ledger.OutcomePutBackFailed, uerr.Error(), cause.Error())
		default:
			outcome := ledger.OutcomePutBack
			if change.Created() {
				outcome = ledger.OutcomeDeleted
			}
			err = fmt.Errorf("%w; %s", cause, what)
			p.record(ctx, ledger.KindRolledBack, outcome, what, cause.Error())
		}
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ledgerTimeout)
	defer cancel()
	r := p.Release
	if verr := p.Ledger.PutVerification(wctx, ledger.Verification{Environment: r.Environment, Service: r.Service, Version: r.Version,
		Status: ledger.StatusFailed, Actor: r.Actor}); verr != nil {
		p.logf("golive deployment %s: recording the failed verification: %v", r.DeploymentID, verr)
	}
	p.record(ctx, ledger.KindDeploymentFailed, ledger.OutcomeFailed, clip(err.Error(), 4000), "")
	return out, err
}

// succeed records the verified version and the slot.
func (p *Pipeline) succeed(ctx context.Context, out *Outcome, change Change, started time.Time) (*Outcome, error) {
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
		out.Status, out.Leftover = ledger.StatusFailed, change != nil && change.Created()
		return out, fmt.Errorf("%s@%s runs in slot %s and passed its gates, but recording it in the golive ledger failed (apply again to record it): %w",
			r.Service, r.Version, r.Slot, err)
	}
	p.record(ctx, ledger.KindDeploymentVerified, ledger.OutcomeSucceeded, fmt.Sprintf("slot %s in %s", r.Slot, now.Sub(started).Round(time.Second)), "")
	out.Status, out.DeployedAt = ledger.StatusVerified, now
	return out, nil
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

func (p *Pipeline) record(ctx context.Context, kind, outcome, detail, reason string) {
	r := p.Release
	if err := p.Recorder.Record(ctx, ledger.Event{Environment: r.Environment, Service: r.Service, Kind: kind, Version: r.Version,
		Outcome: outcome, Actor: r.Actor, Detail: detail, Reason: reason}); err != nil {
		p.logf("golive deployment %s: recording %s: %v", r.DeploymentID, kind, err)
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
