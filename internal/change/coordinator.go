package change

import (
	"context"
	"fmt"
	"sync"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// Coordinator begins changes. One serves a configured provider: its queue
// is what makes the changes of one terraform run to the same service wait
// for each other.
type Coordinator struct {
	ledger    Ledger
	notifiers Notifiers
	log       Logger
	queue     queue
}

// New returns a Coordinator writing to l. notifiers and log may be nil (no
// announcements; no log).
func New(l Ledger, notifiers Notifiers, log Logger) *Coordinator {
	if log == nil {
		log = func(context.Context, string, map[string]any) {}
	}
	return &Coordinator{ledger: l, notifiers: notifiers, log: log}
}

// Begin waits for the other changes of the same service in this process
// (Terraform applies a blue and a green deployment in parallel: they queue,
// not fail each other), then takes the ledger lock. A lock another run holds
// fails the change at once with a *ledger.LockHeldError naming the holder; a
// lock whose holder let its lease expire is taken over and the takeover
// recorded. The lease is renewed until End, which must be called once
// Begin succeeded.
func (c *Coordinator) Begin(ctx context.Context, req Request) (*Session, error) {
	s, err := c.Queue(ctx, req)
	if err != nil {
		return nil, err
	}
	lock, err := c.ledger.AcquireLock(ctx, s.lockRequest())
	if err != nil {
		<-s.turn
		return nil, err
	}
	if to := lock.TakenOver(); to != nil {
		s.logTakeover(ctx, to)
		if _, err := c.ledger.RecordEvent(ctx, s.takeoverEvent(to)); err != nil {
			c.log(ctx, "recording the lock takeover failed", map[string]any{"error": err.Error()})
		}
	}
	s.hold(ctx, lock)
	return s, nil
}

// Queue waits for the other changes of the same service in this process,
// as Begin does, but leaves the ledger lock to Start, which takes it in
// the same write that records the opening (and fails with a
// *ledger.LockHeldError when another run holds it). End must be called
// once Queue succeeded.
func (c *Coordinator) Queue(ctx context.Context, req Request) (*Session, error) {
	turn := c.queue.turn(req.Target())
	select {
	case turn <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for another change of %s in this run: %w", req.Target(), context.Cause(ctx))
	}
	return &Session{c: c, req: req, turn: turn}, nil
}

// queue holds one turn per environment+service.
type queue struct {
	mu    sync.Mutex
	turns map[string]chan struct{}
}

func (q *queue) turn(target string) chan struct{} {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.turns == nil {
		q.turns = map[string]chan struct{}{}
	}
	t, ok := q.turns[target]
	if !ok {
		t = make(chan struct{}, 1)
		q.turns[target] = t
	}
	return t
}

// lockRequest is the ledger lock of the change.
func (s *Session) lockRequest() ledger.LockRequest {
	return ledger.LockRequest{Environment: s.req.Environment.ID(), Service: s.req.Service, Holder: s.req.Actor, Operation: s.req.Operation}
}
