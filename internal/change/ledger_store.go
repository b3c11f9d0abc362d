package change

import (
	"context"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// LedgerStore is the Ledger of changes over golive's ledger table.
func LedgerStore(l *ledger.Ledger) Ledger { return ledgerStore{l} }

type ledgerStore struct{ *ledger.Ledger }

func (s ledgerStore) AcquireLock(ctx context.Context, req ledger.LockRequest) (Lock, error) {
	lk, err := s.Ledger.AcquireLock(ctx, req)
	if err != nil {
		return nil, err
	}
	return heldLock{lk}, nil
}

type heldLock struct{ lock *ledger.Lock }

func (h heldLock) TakenOver() *ledger.LockHeldError { return h.lock.TakenOver }

func (h heldLock) KeepAlive(ctx context.Context, onError func(error)) func() {
	return h.lock.KeepAlive(ctx, onError)
}

func (h heldLock) Release(ctx context.Context) error { return h.lock.Release(ctx) }
