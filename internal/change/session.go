package change

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/detached"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// notifyWait is how long End waits for notifications still being delivered.
const notifyWait = 20 * time.Second

// Session is one change between Begin (or Queue) and End: it holds the
// lock and records the change's events.
type Session struct {
	c           *Coordinator
	req         Request
	lock        Lock // nil until the lock is taken
	turn        chan struct{}
	stopRenewal func()
	notifier    Notifier

	mu       sync.Mutex
	warnings []Warning
	failures []string // notifications not delivered
	ended    bool
}

// hold keeps lock for the session: its lease renewed until End, and the
// environment's notify targets ready.
func (s *Session) hold(ctx context.Context, lock Lock) {
	s.lock = lock
	s.stopRenewal = lock.KeepAlive(ctx, func(err error) {
		s.c.log(ctx, "renewing the golive lock failed", map[string]any{"error": err.Error()})
	})
	if s.c.notifiers != nil {
		s.notifier = s.c.notifiers(s.req.Environment, s.notificationFailed)
	}
}

// Start records what comes before anything moves, in one write: the split
// record and the opening events. A change begun with Queue takes its lock
// in that write: an error then means the lock is not held and nothing is
// recorded (a *ledger.LockHeldError names the holder; after a
// *ledger.EnvironmentChangedError, judge the change again on its Current
// record and call Start again). A change begun with Begin gets an error
// only when the split could not be recorded, and nothing should move; an
// opening event it could not record is a warning returned by End.
func (s *Session) Start(ctx context.Context, o Opening) error {
	w := ledger.Writes{Split: o.Split, Events: s.complete(o.Events)}
	if s.lock == nil {
		lock, events, err := s.c.ledger.OpenChange(ctx, ledger.Opening{Lock: s.lockRequest(), Seen: s.req.Environment, Writes: w,
			TakenOver: func(to *ledger.LockHeldError) []ledger.Event {
				s.logTakeover(ctx, to)
				return []ledger.Event{s.takeoverEvent(to)}
			}})
		var changed *ledger.EnvironmentChangedError
		if errors.As(err, &changed) {
			current := *changed.Current
			s.req.Environment = &current
		}
		if err != nil {
			return err
		}
		s.hold(ctx, lock)
		s.announce(ctx, events)
		return nil
	}
	rec := s.c.ledger.Write(ctx, w)
	if rec.Err != nil && o.Split != nil {
		return rec.Err
	}
	if rec.Err != nil {
		s.warn("recording a ledger event", rec.Err.Error())
	}
	s.announce(ctx, rec.Events)
	return nil
}

// Record records one event of the change and announces it. The event's
// environment, service and actor default to the change's. It runs on a
// fresh, bounded context, so a cancelled change still records its rollback.
// Its error never undoes the change the event describes.
func (s *Session) Record(ctx context.Context, e ledger.Event) error {
	rctx, cancel := detached.WithTimeout(ctx, detached.CallTimeout)
	defer cancel()
	recorded, err := s.c.ledger.RecordEvent(rctx, s.complete([]ledger.Event{e})[0])
	if err != nil {
		return err
	}
	s.announce(ctx, []ledger.Event{recorded})
	return nil
}

// RecordSplit writes the split record now, for a change that learns what
// it routes with only as it goes (a listener rule it creates). An error
// means it is not recorded.
func (s *Session) RecordSplit(ctx context.Context, split ledger.Split) error {
	rctx, cancel := detached.WithTimeout(ctx, detached.CallTimeout)
	defer cancel()
	return s.c.ledger.Write(rctx, ledger.Writes{Split: &split}).Err
}

// End records the closing events and the live slot and releases the lock,
// in one write; then it waits briefly for notifications (recording those
// that failed) and lets the next change of the service in this process
// begin. It never fails the change: what went wrong is returned as
// warnings. Calls after the first do nothing.
func (s *Session) End(ctx context.Context, e Ending) []Warning {
	s.mu.Lock()
	if s.ended {
		s.mu.Unlock()
		return nil
	}
	s.ended = true
	s.mu.Unlock()
	defer func() { <-s.turn }()
	w := ledger.Writes{Events: s.complete(e.Events), LiveSlot: e.LiveSlot, Environment: s.req.Environment.ID(), Service: s.req.Service}
	rctx, cancel := detached.WithTimeout(ctx, detached.CallTimeout)
	defer cancel()
	var rec ledger.Recorded
	if s.lock == nil {
		rec = s.c.ledger.Write(rctx, w)
	} else {
		s.stopRenewal()
		rec = s.lock.ReleaseWith(rctx, w)
	}
	s.reportEnding(ctx, rec)
	s.finishNotifications(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Warning(nil), s.warnings...)
}

// reportEnding turns what the ending could not record into warnings and
// announces what it recorded.
func (s *Session) reportEnding(ctx context.Context, rec ledger.Recorded) {
	if rec.Err != nil {
		s.warn("recording a ledger event", rec.Err.Error())
		if s.lock != nil {
			s.warn("releasing the golive lock", "not released: "+rec.Err.Error()+"; it expires by itself when its lease runs out")
		}
	}
	if rec.LiveSlot != nil {
		s.warn("recording the live slot", rec.LiveSlot.Error())
	}
	if rec.Lock != nil {
		s.warn("releasing the golive lock", rec.Lock.Error()+"; it expires by itself when its lease runs out")
	}
	s.announce(ctx, rec.Events)
}

// complete fills in the change's environment, service and actor where an
// event leaves them out.
func (s *Session) complete(events []ledger.Event) []ledger.Event {
	out := make([]ledger.Event, len(events))
	for i, e := range events {
		if e.Environment == "" {
			e.Environment = s.req.Environment.ID()
		}
		if e.Service == "" {
			e.Service = s.req.Service
		}
		if e.Actor == "" {
			e.Actor = s.req.Actor
		}
		out[i] = e
	}
	return out
}

func (s *Session) announce(ctx context.Context, events []ledger.Event) {
	if s.notifier == nil {
		return
	}
	for _, e := range events {
		s.notifier.Notify(ctx, e)
	}
}

func (s *Session) warn(summary, detail string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.warnings = append(s.warnings, Warning{Summary: summary, Detail: detail})
}

// takeoverEvent records that this run took over a lock whose holder never
// released it, so the history shows where an interrupted run ended and who
// carried on.
func (s *Session) takeoverEvent(to *ledger.LockHeldError) ledger.Event {
	reason := fmt.Sprintf("the lock held by %s (%s) since %s was not released and its lease expired at %s: that run crashed or was killed; this run carries on from the state it left",
		to.Holder, to.Operation, to.Since.UTC().Format(time.RFC3339), to.Expires.UTC().Format(time.RFC3339))
	return ledger.Event{Environment: s.req.Environment.ID(), Service: s.req.Service, Kind: ledger.KindLockTakenOver,
		Actor: s.req.Actor, Outcome: ledger.OutcomeTakenOver, Reason: reason, Detail: s.req.Operation}
}

func (s *Session) logTakeover(ctx context.Context, to *ledger.LockHeldError) {
	s.c.log(ctx, "took over an expired golive lock", map[string]any{"target": to.Target, "previous_holder": to.Holder})
}

func (s *Session) notificationFailed(target string, e ledger.Event, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, fmt.Sprintf("%s event to %s: %v", e.Kind, target, err))
}

// finishNotifications waits briefly for notifications, then logs, records
// and warns about any that failed.
func (s *Session) finishNotifications(ctx context.Context) {
	if s.notifier == nil {
		return
	}
	if !s.notifier.Wait(notifyWait) {
		s.c.log(ctx, "golive notifications still being delivered; not waiting longer", nil)
	}
	s.mu.Lock()
	failures := append([]string(nil), s.failures...)
	s.mu.Unlock()
	for _, f := range failures {
		s.c.log(ctx, "golive notification failed", map[string]any{"failure": f})
		rctx, cancel := detached.WithTimeout(ctx, detached.CallTimeout)
		_, _ = s.c.ledger.RecordEvent(rctx, ledger.Event{Environment: s.req.Environment.ID(), Service: s.req.Service,
			Kind: ledger.KindNotificationFailed, Outcome: ledger.OutcomeFailed, Actor: s.req.Actor, Detail: f})
		cancel()
		s.warn("notification not delivered", f+". The release itself is unaffected; the failure is recorded in the ledger.")
	}
}
