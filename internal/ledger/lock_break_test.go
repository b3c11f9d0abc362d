package ledger_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

func TestReadLockNamesHolderOperationAndLease(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := &clock{now: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	l, _ := newLedger(t, ledger.WithClock(c.Now))
	if _, err := l.ReadLock(ctx, "shop/prod", "api"); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("no lock held: want ErrNotFound, got %v", err)
	}
	if _, err := l.AcquireLock(ctx, lockReq("arn:alice")); err != nil {
		t.Fatal(err)
	}
	info, err := l.ReadLock(ctx, "shop/prod", "api")
	if err != nil {
		t.Fatal(err)
	}
	if info.Holder != "arn:alice" || info.Operation != "traffic shift to green" || info.Target() != "shop/prod/api" ||
		!info.Since.Equal(c.Now()) || !info.Expires.Equal(c.Now().Add(time.Minute)) {
		t.Fatalf("lock read as %+v", info)
	}
	if !info.Live(c.Now().Add(59*time.Second)) || info.Live(c.Now().Add(time.Minute)) {
		t.Fatalf("a one-minute lease must be live for 59s and not at 60s: %+v", info)
	}
}

func brokenEvent(reason string) ledger.Event {
	return ledger.Event{Environment: "shop/prod", Service: "api", Kind: ledger.KindLockBroken, Actor: "arn:oncall", Reason: reason}
}

func TestBreakLockRefusesALiveLeaseWithoutForce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := &clock{now: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	l, _ := newLedger(t, ledger.WithClock(c.Now))
	if _, err := l.AcquireLock(ctx, lockReq("arn:alice")); err != nil {
		t.Fatal(err)
	}
	info, err := l.ReadLock(ctx, "shop/prod", "api")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.BreakLock(ctx, info, false, brokenEvent("stuck")); !errors.Is(err, ledger.ErrLockChanged) {
		t.Fatalf("breaking a live lease without force: want ErrLockChanged, got %v", err)
	}
	if _, err := l.ReadLock(ctx, "shop/prod", "api"); err != nil {
		t.Fatalf("the refused break deleted the lock: %v", err)
	}
	if ev, _, _ := l.Events(ctx, ledger.EventQuery{Environment: "shop/prod"}); len(ev) != 0 {
		t.Fatalf("the refused break recorded %+v", ev)
	}

	e, err := l.BreakLock(ctx, info, true, brokenEvent("stuck; INC-1"))
	if err != nil {
		t.Fatalf("forced break: %v", err)
	}
	if _, err := l.ReadLock(ctx, "shop/prod", "api"); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("after a forced break the lock is still there: %v", err)
	}
	ev, _, err := l.Events(ctx, ledger.EventQuery{Environment: "shop/prod", Service: "api"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ev) != 1 || ev[0].ID != e.ID || ev[0].Kind != ledger.KindLockBroken || ev[0].Reason != "stuck; INC-1" || ev[0].Actor != "arn:oncall" {
		t.Fatalf("history after the break: %+v", ev)
	}
}

func TestBreakLockReleasesAnExpiredLease(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := &clock{now: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	l, _ := newLedger(t, ledger.WithClock(c.Now))
	if _, err := l.AcquireLock(ctx, lockReq("arn:crashed")); err != nil {
		t.Fatal(err)
	}
	info, err := l.ReadLock(ctx, "shop/prod", "api")
	if err != nil {
		t.Fatal(err)
	}
	c.Advance(61 * time.Second)
	if _, err := l.BreakLock(ctx, info, false, brokenEvent("runner gone")); err != nil {
		t.Fatalf("breaking an expired lease: %v", err)
	}
	if _, err := l.ReadLock(ctx, "shop/prod", "api"); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("the expired lock is still there: %v", err)
	}
}

// A lock taken over (or renewed) between the read and the break is not the
// one the operator saw: it is left alone and nothing is recorded.
func TestBreakLockLeavesALockTakenOverSinceItWasRead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := &clock{now: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	l, _ := newLedger(t, ledger.WithClock(c.Now))
	if _, err := l.AcquireLock(ctx, lockReq("arn:crashed")); err != nil {
		t.Fatal(err)
	}
	stale, err := l.ReadLock(ctx, "shop/prod", "api")
	if err != nil {
		t.Fatal(err)
	}
	c.Advance(61 * time.Second)
	if _, err := l.AcquireLock(ctx, lockReq("arn:bob")); err != nil {
		t.Fatal(err)
	}
	for _, force := range []bool{false, true} {
		if _, err := l.BreakLock(ctx, stale, force, brokenEvent("x")); !errors.Is(err, ledger.ErrLockChanged) {
			t.Fatalf("force=%v: breaking a lock taken over since: want ErrLockChanged, got %v", force, err)
		}
	}
	now, err := l.ReadLock(ctx, "shop/prod", "api")
	if err != nil || now.Holder != "arn:bob" {
		t.Fatalf("bob's lock must stand: %+v, %v", now, err)
	}
	if ev, _, _ := l.Events(ctx, ledger.EventQuery{Environment: "shop/prod"}); len(ev) != 0 {
		t.Fatalf("a refused break recorded %+v", ev)
	}
}

func TestEnvironmentsListsOneApplication(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, _ := newLedger(t)
	for _, e := range []ledger.Environment{
		{Application: "shop", Name: "prod", Tier: "production"},
		{Application: "shop", Name: "dev", Tier: "development"},
		{Application: "shopping", Name: "dev", Tier: "development"},
		{Application: "blog", Name: "prod", Tier: "production"},
	} {
		if err := l.PutEnvironment(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := l.RecordEvent(ctx, ledger.Event{Environment: "shop/prod", Kind: ledger.KindEnvironmentCreated, Actor: "a"}); err != nil {
		t.Fatal(err)
	}
	envs, err := l.Environments(ctx, "shop")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range envs {
		ids = append(ids, e.ID())
	}
	if len(ids) != 2 || ids[0] != "shop/dev" || ids[1] != "shop/prod" {
		t.Fatalf("environments of shop: %v", ids)
	}
	if none, err := l.Environments(ctx, "nothing"); err != nil || len(none) != 0 {
		t.Fatalf("an application without environments: %v, %v", none, err)
	}
}

func TestPartitionSplitsListsEveryService(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, _ := newLedger(t)
	for _, svc := range []string{"api", "web"} {
		if err := l.PutSplit(ctx, ledger.Split{Environment: "shop/prod", Service: svc, Router: "lambda_alias", FunctionName: svc, Alias: "live"}); err != nil {
			t.Fatal(err)
		}
	}
	p, err := l.ReadPartition(ctx, "shop/prod")
	if err != nil {
		t.Fatal(err)
	}
	got := p.Splits()
	if len(got) != 2 || got["api"].FunctionName != "api" || got["web"].Router != "lambda_alias" {
		t.Fatalf("splits: %+v", got)
	}
}
