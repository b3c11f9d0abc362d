package ledger_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

func lockReq(holder string) ledger.LockRequest {
	return ledger.LockRequest{Environment: "shop/prod", Service: "api", Holder: holder, Operation: "traffic shift to green", Lease: time.Minute}
}

func TestLockHeldNamesHolderOperationAndSince(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := &clock{now: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	l, _ := newLedger(t, ledger.WithClock(c.Now))
	first, err := l.AcquireLock(ctx, lockReq("arn:alice"))
	if err != nil {
		t.Fatal(err)
	}
	c.Advance(10 * time.Second)
	_, err = l.AcquireLock(ctx, lockReq("arn:bob"))
	var held *ledger.LockHeldError
	if !errors.As(err, &held) {
		t.Fatalf("want LockHeldError, got %v", err)
	}
	for _, want := range []string{"shop/prod/api", "arn:alice", "traffic shift to green", "2026-11-01T12:00:00Z"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if err := first.Release(ctx); err != nil {
		t.Fatal(err)
	}
	second, err := l.AcquireLock(ctx, lockReq("arn:bob"))
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	_ = second.Release(ctx)
}

func TestLockLeaseExpiryAllowsTakeoverAndOldHolderLosesIt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := &clock{now: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	l, _ := newLedger(t, ledger.WithClock(c.Now))
	stale, err := l.AcquireLock(ctx, lockReq("arn:crashed"))
	if err != nil {
		t.Fatal(err)
	}
	c.Advance(59 * time.Second)
	if _, err := l.AcquireLock(ctx, lockReq("arn:bob")); err == nil {
		t.Fatal("lock taken before its lease expired")
	}
	c.Advance(2 * time.Second)
	fresh, err := l.AcquireLock(ctx, lockReq("arn:bob"))
	if err != nil {
		t.Fatalf("stale lock not taken over: %v", err)
	}
	if to := fresh.TakenOver; to == nil || to.Holder != "arn:crashed" || !to.Since.Equal(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)) ||
		!to.Expires.Equal(time.Date(2026, 11, 1, 12, 1, 0, 0, time.UTC)) {
		t.Fatalf("takeover of the crashed holder's lock not reported: %+v", fresh.TakenOver)
	}
	if stale.TakenOver != nil {
		t.Fatalf("a lock taken while free reports a takeover: %+v", stale.TakenOver)
	}
	if err := stale.Renew(ctx); !errors.Is(err, ledger.ErrLockLost) {
		t.Fatalf("renew by old holder: want ErrLockLost, got %v", err)
	}
	if err := stale.Release(ctx); !errors.Is(err, ledger.ErrLockLost) {
		t.Fatalf("release by old holder: want ErrLockLost, got %v", err)
	}
	// The old holder's release must not have freed the new holder's lock.
	if _, err := l.AcquireLock(ctx, lockReq("arn:carol")); err == nil {
		t.Fatal("old holder's release freed the new holder's lock")
	}
	if err := fresh.Release(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestLockRenewExtendsLease(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := &clock{now: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	l, _ := newLedger(t, ledger.WithClock(c.Now))
	lk, err := l.AcquireLock(ctx, lockReq("arn:alice"))
	if err != nil {
		t.Fatal(err)
	}
	c.Advance(50 * time.Second)
	if err := lk.Renew(ctx); err != nil {
		t.Fatal(err)
	}
	c.Advance(50 * time.Second) // 100 s after acquiring, 50 s after renewing
	if _, err := l.AcquireLock(ctx, lockReq("arn:bob")); err == nil {
		t.Fatal("renewed lock was taken over")
	}
}

func TestLockKeepAliveRenewsInBackground(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, _ := newLedger(t)
	req := lockReq("arn:alice")
	req.Lease = 900 * time.Millisecond
	lk, err := l.AcquireLock(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	var renewErr error
	stop := lk.KeepAlive(ctx, func(err error) { renewErr = err })
	time.Sleep(2 * time.Second) // over two leases
	bob := lockReq("arn:bob")
	_, err = l.AcquireLock(ctx, bob)
	stop()
	if err == nil || renewErr != nil {
		t.Fatalf("kept-alive lock was taken over (renew error %v)", renewErr)
	}
	if err := lk.Release(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestLockConcurrentAcquirersExactlyOneWins(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, _ := newLedger(t)
	const n = 12
	var wg sync.WaitGroup
	var mu sync.Mutex
	winners, held := 0, 0
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			_, err := l.AcquireLock(ctx, lockReq("arn:runner-"+string(rune('a'+i))))
			var he *ledger.LockHeldError
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				winners++
			case errors.As(err, &he):
				held++
			default:
				t.Errorf("acquirer %d: unexpected error %v", i, err)
			}
		}(i)
	}
	close(start)
	wg.Wait()
	if winners != 1 || held != n-1 {
		t.Fatalf("winners=%d held=%d, want 1 and %d", winners, held, n-1)
	}
}
