package ledger_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// newFaultyLedger is newLedger whose DynamoDB calls go through a fault
// proxy (no faults unless a test injects them) with the SDK's standard
// retryer, and a second ledger on the same table that sees the truth.
func newFaultyLedger(t *testing.T, opts ...ledger.Option) (faulty, direct *ledger.Ledger, proxy *emulator.FaultProxy) {
	t.Helper()
	ctx := context.Background()
	s := emulator.Shared(t)
	cfg, err := s.AccountConfig(ctx, emulator.NewAccountID())
	if err != nil {
		t.Fatal(err)
	}
	db := dynamodb.NewFromConfig(cfg)
	if err := ledger.CreateTable(ctx, db, ledger.DefaultTable); err != nil {
		t.Fatal(err)
	}
	proxy, err = emulator.StartFaultProxy(s.URL, emulator.FaultOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	viaProxy := cfg.Copy()
	viaProxy.BaseEndpoint = aws.String(proxy.URL)
	viaProxy.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 10 * time.Millisecond, nil })
		})
	}
	return ledger.New(dynamodb.NewFromConfig(viaProxy), ledger.DefaultTable, emulator.Region, opts...),
		ledger.New(db, ledger.DefaultTable, emulator.Region, opts...), proxy
}

// The lock's put and delete are applied, their answers lost and the SDK
// retries them: the retry finds our own lock (acquired) or no lock
// (released), not "held by another run" or "lock lost".
func TestLockAcquireAndReleaseSurviveALostAnswer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, direct, proxy := newFaultyLedger(t)

	proxy.Inject(emulator.FaultResetAfter)
	lk, err := l.AcquireLock(ctx, lockReq("arn:alice"))
	if err != nil {
		t.Fatalf("acquiring with a lost answer: %v", err)
	}
	if proxy.Counts()["reset-after"] != 1 || proxy.Requests() != 2 {
		t.Fatalf("the answer was not lost and retried: %s", proxy)
	}
	var held *ledger.LockHeldError
	if _, err := direct.AcquireLock(ctx, lockReq("arn:bob")); !errors.As(err, &held) || held.Holder != "arn:alice" {
		t.Fatalf("bob while alice holds it: got %v", err)
	}

	proxy.Inject(emulator.FaultResetAfter)
	if err := lk.Release(ctx); err != nil {
		t.Fatalf("releasing with a lost answer: %v", err)
	}
	if proxy.Counts()["reset-after"] != 2 || proxy.Requests() != 4 {
		t.Fatalf("the answer was not lost and retried: %s", proxy)
	}
	bob, err := direct.AcquireLock(ctx, lockReq("arn:bob"))
	if err != nil {
		t.Fatalf("after alice's release: %v", err)
	}

	// Someone else's lock is still someone else's, and releasing a lock
	// taken over still says so.
	if _, err := l.AcquireLock(ctx, lockReq("arn:alice")); !errors.As(err, &held) || held.Holder != "arn:bob" {
		t.Fatalf("alice while bob holds it: got %v", err)
	}
	if err := lk.Release(ctx); !errors.Is(err, ledger.ErrLockLost) {
		t.Fatalf("releasing a lock bob holds: want ErrLockLost, got %v", err)
	}
	if err := bob.Release(ctx); err != nil {
		t.Fatal(err)
	}
}

// A renewal whose answer is lost is retried and still renews.
func TestLockRenewSurvivesALostAnswer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := &clock{now: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	l, direct, proxy := newFaultyLedger(t, ledger.WithClock(c.Now))
	lk, err := l.AcquireLock(ctx, lockReq("arn:alice"))
	if err != nil {
		t.Fatal(err)
	}
	c.Advance(50 * time.Second)
	proxy.Inject(emulator.FaultResetAfter)
	if err := lk.Renew(ctx); err != nil {
		t.Fatalf("renewing with a lost answer: %v", err)
	}
	c.Advance(50 * time.Second) // past the first lease, inside the renewed one
	if _, err := direct.AcquireLock(ctx, lockReq("arn:bob")); err == nil {
		t.Fatal("the renewed lock was taken over")
	}
}
