package cutover

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/change"
	"github.com/golive-dev/terraform-provider-golive/internal/detached"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
	"github.com/golive-dev/terraform-provider-golive/internal/router"
)

// Runner carries out cutovers.
type Runner struct {
	Ledger Ledger
	// Clock and RollbackTimeout go to the rollout.Executor; zero values are
	// the wall clock and its default.
	Clock           rollout.Clock
	RollbackTimeout time.Duration
	// Log reports progress (tflog.Info in the provider). May be nil.
	Log func(msg string, fields map[string]any)
}

// Apply carries out s under the service's lock: the split ends on the
// declared weights, or on the weights it had before when a gate fails or ctx
// ends (rolled back on a fresh, bounded context), and the error says which
// gate failed at which step. The lock is released whatever happens once it
// was taken.
//
// The live weights the cutover starts from are read before the lock is
// taken, so that the lock and the start are one write: they are the plan's
// own read when the router carries it, else a read made just before. The
// lock keeps other golive runs out from then on.
func (r *Runner) Apply(ctx context.Context, s Split) (res Result, err error) {
	txn, err := r.Ledger.Begin(ctx, change.Request{
		Environment: s.Environment, Service: s.Service, Actor: s.Actor,
		// What this run is doing, for whoever finds the lock held.
		Operation: fmt.Sprintf("traffic shift to %s by terraform apply", s.Declared),
	})
	if err != nil {
		return Result{}, err
	}
	var end change.Ending
	defer func() { res.Warnings = append(res.Warnings, txn.End(ctx, end)...) }()

	owned := s.Owned
	if s.Operation != Create {
		owned = nil
	}
	if owned != nil && !owned.IfMissing {
		return r.createOwned(ctx, txn, s, &end)
	}
	before, err := s.Router.Read(ctx)
	if errors.Is(err, router.ErrNotFound) && owned != nil {
		return r.createOwned(ctx, txn, s, &end)
	}
	if err != nil {
		return Result{}, err
	}
	return r.shift(ctx, txn, s, before, &end)
}

// shift walks from the live weights to the declared ones.
func (r *Runner) shift(ctx context.Context, txn Txn, s Split, before rollout.Weights, end *change.Ending) (Result, error) {
	res := Result{Live: before}
	steps := rollout.PlanSteps(before, s.Declared, s.Strategy)
	description := rollout.Describe(before, s.Declared, steps, s.Strategy)
	err := r.start(ctx, txn, &s, func(env *ledger.Environment) (change.Opening, error) {
		opening := change.Opening{Split: s.record()}
		if len(steps) == 0 {
			return opening, nil
		}
		override, err := s.checkSchedule(env, description)
		if err != nil {
			return opening, err
		}
		if override != "" {
			opening.Events = append(opening.Events, overrideEvent("traffic shift: "+description, override))
		}
		opening.Events = append(opening.Events, ledger.Event{Kind: ledger.KindCutoverStarted, Outcome: ledger.OutcomeStarted,
			Detail: fmt.Sprintf("%s (%s, from %s)", description, s.Strategy.Kind(), before), Reason: override})
		return opening, nil
	})
	if err != nil {
		return res, err
	}
	if s.Prepare != nil {
		if err := s.Prepare(ctx); err != nil {
			return res, err
		}
	}
	if len(steps) == 0 {
		end.LiveSlot = s.LiveSlot
		if s.Operation == Create {
			// Same weights, but put them in golive's form: a simple Route 53
			// record becomes weighted records, a plain ALB forward a
			// weighted one.
			if err := s.Router.Set(ctx, s.Declared); err != nil {
				return res, err
			}
		}
		return res, nil
	}
	r.log("golive cutover starting", map[string]any{"split": s.ID(), "cutover": description, "router": s.Router.String()})
	x := &rollout.Executor{
		Router: s.Router, Gates: s.Gates, Recorder: &recorder{txn: txn, end: end}, Bake: s.Strategy.Bake, PollInterval: s.PollInterval,
		Target: s.ID(), Clock: r.Clock, RollbackTimeout: r.RollbackTimeout,
		Logf: func(format string, args ...any) { r.log(fmt.Sprintf(format, args...), nil) },
	}
	if err := x.Run(ctx, before, steps); err != nil {
		rctx, cancel := detached.WithTimeout(ctx, detached.CallTimeout)
		defer cancel()
		live, rerr := s.Router.Read(rctx)
		if rerr != nil {
			live = nil
		}
		res.Live = live
		return res, err
	}
	end.LiveSlot = s.LiveSlot
	res.Live = s.Declared
	return res, nil
}

// start takes the lock with the opening that open builds from the
// environment's record. When the record changed since it was read (a
// freeze added since the plan), the opening is built again, and the
// schedule judged again, on the record as it is now.
func (r *Runner) start(ctx context.Context, txn Txn, s *Split, open func(env *ledger.Environment) (change.Opening, error)) error {
	for again := false; ; again = true {
		opening, err := open(s.Environment)
		if err != nil {
			return err
		}
		err = txn.Start(ctx, opening)
		var changed *ledger.EnvironmentChangedError
		if !again && errors.As(err, &changed) {
			r.log("golive environment changed since it was read; judging the cutover again", map[string]any{"split": s.ID()})
			s.Environment = changed.Current
			continue
		}
		return err
	}
}

// createOwned creates the routing object of a new split straight on the
// declared weights: nothing is live on it, so there is nothing to canary or
// roll back to. If recording the split fails, the object goes again, so a
// failed create leaves nothing behind.
func (r *Runner) createOwned(ctx context.Context, txn Txn, s Split, end *change.Ending) (Result, error) {
	o := s.Owned
	var override string
	err := r.start(ctx, txn, &s, func(env *ledger.Environment) (opening change.Opening, err error) {
		if override, err = s.checkSchedule(env, o.Description); override != "" {
			opening.Events = append(opening.Events, overrideEvent("traffic shift: "+o.Description, override))
		}
		return opening, err
	})
	if err != nil {
		return Result{}, err
	}
	if err := o.Create(ctx, s.Declared); err != nil {
		return Result{}, err
	}
	rec := s.record()
	if o.Mark != nil {
		o.Mark(rec)
	}
	if err := txn.RecordSplit(ctx, *rec); err != nil {
		undo, cancel := detached.WithTimeout(ctx, detached.CallTimeout)
		defer cancel()
		if derr := o.Remove(undo); derr != nil {
			err = fmt.Errorf("%w\n\ndeleting the %s this apply created also failed, delete it by hand: %w", err, o.Kind, derr)
		}
		return Result{}, err
	}
	end.Events = append(end.Events, ledger.Event{Kind: ledger.KindCutoverCompleted, Outcome: ledger.OutcomeSucceeded, Detail: o.Description, Reason: override})
	r.log("golive created the "+o.Kind+" of a traffic split", map[string]any{"split": s.ID(), "cutover": o.Description})
	end.LiveSlot = s.LiveSlot
	return Result{Live: s.Declared, Created: true}, nil
}

// checkSchedule runs env's schedule on the cutover described.
func (s Split) checkSchedule(env *ledger.Environment, description string) (string, error) {
	if s.Schedule == nil {
		return "", nil
	}
	return s.Schedule.Check(env, "shifting traffic of "+s.ID()+" ("+description+")")
}

// record is the split record to write, by the actor.
func (s Split) record() *ledger.Split {
	rec := s.Record
	rec.UpdatedBy = s.Actor
	return &rec
}

func overrideEvent(detail, reason string) ledger.Event {
	return ledger.Event{Kind: ledger.KindOverride, Outcome: ledger.OutcomeAllowed, Detail: detail, Reason: reason}
}

func (r *Runner) log(msg string, fields map[string]any) {
	if r.Log != nil {
		r.Log(msg, fields)
	}
}
