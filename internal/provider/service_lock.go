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
