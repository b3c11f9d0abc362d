package rollout

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/detached"
)

// Recorder writes what the executor does to the ledger. Its errors are
// reported through Logf but never stop or undo a cutover.
type Recorder interface {
	StepReached(ctx context.Context, step, total int, w Weights) error
	RolledBack(ctx context.Context, step, total int, to Weights, reason string) error
	Completed(ctx context.Context, w Weights) error
}

// Clock is time as the executor sees it; tests replace it.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// RealClock is the wall clock.
var RealClock Clock = realClock{}

// Executor carries out a cutover.
type Executor struct {
	Router       Router
	Gates        []Gate
	Recorder     Recorder
	Bake         time.Duration
	PollInterval time.Duration
	// RollbackTimeout bounds the rollback, which runs on a fresh context
	// because the apply's own may already be cancelled. Default
	// detached.RollbackTimeout.
	RollbackTimeout time.Duration
	Clock           Clock
	// Logf reports progress (tflog in the provider). May be nil.
	Logf func(format string, args ...any)
	// Target names what is being shifted in errors, e.g. "shop/prod/api".
	Target string
}

// GateError says which gate failed at which step.
type GateError struct {
	Step, Total int
	Gate        string
	Err         error
}

func (e *GateError) Error() string {
	if e.Step == 0 {
		return fmt.Sprintf("before step 1 of %d: %v", e.Total, e.Err)
	}
	return fmt.Sprintf("at step %d of %d: %v", e.Step, e.Total, e.Err)
}

func (e *GateError) Unwrap() error { return e.Err }

// Run walks steps from `before` (the live weights when the apply started).
// Before the first step and throughout each bake it checks the gates; on a
// failure, or when ctx ends, it sets `before` again in one call and returns
// an error that names the gate and the step. The returned error also says
// whether the rollback itself succeeded.
func (x *Executor) Run(ctx context.Context, before Weights, steps []Weights) error {
	clock := x.Clock
	if clock == nil {
		clock = RealClock
	}
	total := len(steps)
	if total == 0 {
		return nil
	}
	if err := x.checkGates(ctx); err != nil {
		// Nothing changed yet: no rollback needed.
		return fmt.Errorf("shifting traffic for %s: %w", x.Target, &GateError{Step: 0, Total: total, Err: err})
	}
	for i, w := range steps {
		n := i + 1
		x.logf("%s: step %d of %d: setting %s", x.Target, n, total, w)
		if err := x.Router.Set(ctx, w); err != nil {
			return x.rollback(ctx, n, total, before, fmt.Errorf("at step %d of %d: setting %s on %s: %w", n, total, w, x.Router, err))
		}
		x.record(ctx, func(rctx context.Context) error { return x.Recorder.StepReached(rctx, n, total, w) })
		if n == total {
			break
		}
		if err := x.bake(ctx, clock, n, total); err != nil {
			return x.rollback(ctx, n, total, before, err)
		}
	}
	x.record(ctx, func(rctx context.Context) error { return x.Recorder.Completed(rctx, steps[total-1]) })
	x.logf("%s: cutover complete: %s", x.Target, steps[total-1])
	return nil
}

// bake holds the step for Bake, checking gates every PollInterval and once
// more at its end.
func (x *Executor) bake(ctx context.Context, clock Clock, n, total int) error {
	poll := x.PollInterval
	if poll <= 0 || poll > x.Bake {
		poll = x.Bake
	}
	deadline := clock.Now().Add(x.Bake)
	x.logf("%s: step %d of %d: baking for %s, checking %d gate(s) every %s", x.Target, n, total, x.Bake, len(x.Gates), poll)
	for {
		left := deadline.Sub(clock.Now())
		if left <= 0 {
			break
		}
		wait := min(poll, left)
		select {
		case <-ctx.Done():
			return fmt.Errorf("at step %d of %d: interrupted: %w", n, total, context.Cause(ctx))
		case <-clock.After(wait):
		}
		if err := x.checkGates(ctx); err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("at step %d of %d: interrupted: %w", n, total, context.Cause(ctx))
			}
			return &GateError{Step: n, Total: total, Err: err}
		}
		x.logf("%s: step %d of %d: gates healthy, %s of bake left", x.Target, n, total, max(0, deadline.Sub(clock.Now())).Round(time.Second))
	}
	return nil
}

func (x *Executor) checkGates(ctx context.Context) error {
	var errs []error
	for _, g := range x.Gates {
		if err := g.Check(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// rollback restores `before` with a fresh, bounded context: the apply's own
// context may be the reason we are here.
func (x *Executor) rollback(ctx context.Context, n, total int, before Weights, cause error) error {
	timeout := x.RollbackTimeout
	if timeout <= 0 {
		timeout = detached.RollbackTimeout
	}
	rctx, cancel := detached.WithTimeout(ctx, timeout)
	defer cancel()
	x.logf("%s: rolling back to %s: %v", x.Target, before, cause)
	if err := x.Router.Set(rctx, before); err != nil {
		x.record(rctx, func(c context.Context) error {
			return x.Recorder.RolledBack(c, n, total, nil, fmt.Sprintf("%v; rollback FAILED: %v", cause, err))
		})
		return fmt.Errorf("shifting traffic for %s %w; rolling back to %s on %s FAILED, traffic may be at step %d: %w",
			x.Target, cause, before, x.Router, n, err)
	}
	x.record(rctx, func(c context.Context) error { return x.Recorder.RolledBack(c, n, total, before, cause.Error()) })
	return fmt.Errorf("shifting traffic for %s %w; traffic rolled back to %s", x.Target, cause, before)
}

func (x *Executor) record(ctx context.Context, f func(context.Context) error) {
	if x.Recorder == nil {
		return
	}
	rctx, cancel := detached.WithTimeout(ctx, detached.CallTimeout)
	defer cancel()
	if err := f(rctx); err != nil {
		x.logf("%s: recording in the ledger failed: %v", x.Target, err)
	}
}

func (x *Executor) logf(format string, args ...any) {
	if x.Logf != nil {
		x.Logf(format, args...)
	}
}
