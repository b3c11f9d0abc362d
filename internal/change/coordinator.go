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
	turn := c.queue.turn(req.Target())
	select {
	case turn <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for another change of %s in this run: %w", req.Target(), context.Cause(ctx))
	}
	lock, err := c.ledger.AcquireLock(ctx, ledger.LockRequest{
		Environment: req.Environment.ID(), Service: req.Service, Holder: req.Actor, Operation: req.Operation,
	})
	if err != nil {
		<-turn
		return nil, err
	}
	s := &Session{c: c, req: req, lock: lock, turn: turn}
	if to := lock.TakenOver(); to != nil {
		s.recordTakeover(ctx, to)
	}
	s.stopRenewal = lock.KeepAlive(ctx, func(err error) {
		c.log(ctx, "renewing the golive lock failed", map[string]any{"error": err.Error()})
	})
	if c.notifiers != nil {
		s.notifier = c.notifiers(req.Environment, s.notificationFailed)
	}
	return s, nil
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
