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

func (s ledgerStore) OpenChange(ctx context.Context, o ledger.Opening) (Lock, []ledger.Event, error) {
	lk, events, err := s.Ledger.OpenChange(ctx, o)
	if err != nil {
		return nil, nil, err
	}
	return heldLock{lk}, events, nil
}

type heldLock struct{ lock *ledger.Lock }

func (h heldLock) TakenOver() *ledger.LockHeldError { return h.lock.TakenOver }

func (h heldLock) KeepAlive(ctx context.Context, onError func(error)) func() {
	return h.lock.KeepAlive(ctx, onError)
}

func (h heldLock) ReleaseWith(ctx context.Context, w ledger.Writes) ledger.Recorded {
	return h.lock.ReleaseWith(ctx, w)
}
