package provider

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// serviceGates serialises, inside one provider process (one terraform run),
// the resources that take the same environment+service lock: Terraform
// applies a blue and a green deployment in parallel, and they must queue,
// not fail each other. Other runs still fail at once on the ledger lock.
type serviceGates struct {
	mu    sync.Mutex
	gates map[string]chan struct{}
}

func (s *serviceGates) gate(key string) chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gates == nil {
		s.gates = map[string]chan struct{}{}
	}
	g, ok := s.gates[key]
	if !ok {
		g = make(chan struct{}, 1)
		s.gates[key] = g
	}
	return g
}

// lockService waits for the other resources of this run on the same
// service, then takes the ledger lock and keeps its lease renewed. The
// returned func releases both; call it once.
func (d *providerData) lockService(ctx context.Context, req ledger.LockRequest, diags *diagnostics) (func(), error) {
	g := d.serial.gate(req.Environment + "/" + req.Service)
	select {
	case g <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for another change of %s/%s in this run: %w", req.Environment, req.Service, context.Cause(ctx))
	}
	lock, err := d.ledger.AcquireLock(ctx, req)
	if err != nil {
		<-g
		return nil, err
	}
	if to := lock.TakenOver; to != nil {
		recordTakeover(ctx, d.ledger, req, to)
	}
	stop := lock.KeepAlive(ctx, func(err error) {
		tflog.Warn(ctx, "renewing the golive lock failed", map[string]any{"error": err.Error()})
	})
	return func() {
		stop()
		rctx, cancel := detached(ctx, 30*time.Second)
		defer cancel()
		if err := lock.Release(rctx); err != nil {
			diags.AddWarning("releasing the golive lock", err.Error()+"; it expires by itself when its lease runs out")
		}
		<-g
	}, nil
}

// recordTakeover writes to the ledger that this run took over a lock whose
// holder never released it, so the history shows where an interrupted run
// ended and who carried on. A failed write is logged, not fatal: the lock is
// held and the change can go on.
func recordTakeover(ctx context.Context, l *ledger.Ledger, req ledger.LockRequest, to *ledger.LockHeldError) {
	reason := fmt.Sprintf("the lock held by %s (%s) since %s was not released and its lease expired at %s: that run crashed or was killed; this run carries on from the state it left",
		to.Holder, to.Operation, to.Since.UTC().Format(time.RFC3339), to.Expires.UTC().Format(time.RFC3339))
	tflog.Warn(ctx, "took over an expired golive lock", map[string]any{"target": to.Target, "previous_holder": to.Holder})
	if _, err := l.RecordEvent(ctx, ledger.Event{
		Environment: req.Environment, Service: req.Service, Kind: ledger.KindLockTakenOver,
		Actor: req.Holder, Outcome: ledger.OutcomeTakenOver, Reason: reason, Detail: req.Operation,
	}); err != nil {
		tflog.Warn(ctx, "recording the lock takeover failed", map[string]any{"error": err.Error()})
	}
}
