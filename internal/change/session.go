package change

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/detached"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// notifyWait is how long End waits for notifications still being delivered.
const notifyWait = 20 * time.Second

// Session is one change between Begin and End: it holds the lock and
// records the change's events.
type Session struct {
	c           *Coordinator
	req         Request
	lock        Lock
	turn        chan struct{}
	stopRenewal func()
	notifier    Notifier

	mu       sync.Mutex
	warnings []Warning
	failures []string // notifications not delivered
	ended    bool
}

// Start records what comes before anything moves: the split record, then
// the opening events. An error means the split could not be recorded and
// nothing should move; an opening event that could not be recorded is a
// warning returned by End.
func (s *Session) Start(ctx context.Context, o Opening) error {
	if o.Split != nil {
		if err := s.c.ledger.PutSplit(ctx, *o.Split); err != nil {
			return err
		}
	}
	s.recordAll(ctx, o.Events)
	return nil
}

// Record records one event of the change and announces it. The event's
// environment, service and actor default to the change's. It runs on a
// fresh, bounded context, so a cancelled change still records its rollback.
// Its error never undoes the change the event describes.
func (s *Session) Record(ctx context.Context, e ledger.Event) error {
	if e.Environment == "" {
		e.Environment = s.req.Environment.ID()
	}
	if e.Service == "" {
		e.Service = s.req.Service
	}
	if e.Actor == "" {
		e.Actor = s.req.Actor
	}
	rctx, cancel := detached.WithTimeout(ctx, detached.CallTimeout)
	defer cancel()
	recorded, err := s.c.ledger.RecordEvent(rctx, e)
	if err != nil {
		return err
	}
	if s.notifier != nil {
		s.notifier.Notify(ctx, recorded)
	}
	return nil
}

// End records the closing events and the live slot, waits briefly for
// notifications (recording those that failed), releases the lock and lets
// the next change of the service in this process begin. It never fails the
// change: what went wrong is returned as warnings. Calls after the first
// do nothing.
func (s *Session) End(ctx context.Context, e Ending) []Warning {
	s.mu.Lock()
	if s.ended {
		s.mu.Unlock()
		return nil
	}
	s.ended = true
	s.mu.Unlock()
	defer func() { <-s.turn }()
	s.recordAll(ctx, e.Events)
	if e.LiveSlot != "" {
		rctx, cancel := detached.WithTimeout(ctx, detached.CallTimeout)
		if err := s.c.ledger.SetLiveSlot(rctx, s.req.Environment.ID(), s.req.Service, e.LiveSlot); err != nil {
			s.warn("recording the live slot", err.Error())
		}
		cancel()
	}
	s.finishNotifications(ctx)
	s.stopRenewal()
	rctx, cancel := detached.WithTimeout(ctx, detached.CallTimeout)
	defer cancel()
	if err := s.lock.Release(rctx); err != nil {
		s.warn("releasing the golive lock", err.Error()+"; it expires by itself when its lease runs out")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Warning(nil), s.warnings...)
}

func (s *Session) recordAll(ctx context.Context, events []ledger.Event) {
	for _, e := range events {
		if err := s.Record(ctx, e); err != nil {
			s.warn("recording a ledger event", err.Error())
		}
	}
}

func (s *Session) warn(summary, detail string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.warnings = append(s.warnings, Warning{Summary: summary, Detail: detail})
}

// recordTakeover writes to the ledger that this run took over a lock whose
// holder never released it, so the history shows where an interrupted run
// ended and who carried on. A failed write is logged, not fatal: the lock is
// held and the change can go on.
func (s *Session) recordTakeover(ctx context.Context, to *ledger.LockHeldError) {
	reason := fmt.Sprintf("the lock held by %s (%s) since %s was not released and its lease expired at %s: that run crashed or was killed; this run carries on from the state it left",
		to.Holder, to.Operation, to.Since.UTC().Format(time.RFC3339), to.Expires.UTC().Format(time.RFC3339))
	s.c.log(ctx, "took over an expired golive lock", map[string]any{"target": to.Target, "previous_holder": to.Holder})
	if _, err := s.c.ledger.RecordEvent(ctx, ledger.Event{
		Environment: s.req.Environment.ID(), Service: s.req.Service, Kind: ledger.KindLockTakenOver,
		Actor: s.req.Actor, Outcome: ledger.OutcomeTakenOver, Reason: reason, Detail: s.req.Operation,
	}); err != nil {
		s.c.log(ctx, "recording the lock takeover failed", map[string]any{"error": err.Error()})
	}
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
