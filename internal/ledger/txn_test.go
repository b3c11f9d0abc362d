package ledger_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

func opening(holder string, seen *ledger.Environment, kinds ...string) ledger.Opening {
	o := ledger.Opening{Lock: lockReq(holder), Seen: seen,
		Writes: ledger.Writes{Split: &ledger.Split{Environment: "shop/prod", Service: "api", Router: "alb", UpdatedBy: holder}}}
	for _, k := range kinds {
		o.Events = append(o.Events, ledger.Event{Environment: "shop/prod", Service: "api", Kind: k, Actor: holder})
	}
	return o
}

// kinds are the event kinds of shop/prod/api, oldest first.
func kinds(t *testing.T, l *ledger.Ledger) []string {
	t.Helper()
	events, _, err := l.Events(context.Background(), ledger.EventQuery{Environment: "shop/prod", Service: "api", Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for i := len(events) - 1; i >= 0; i-- {
		out = append(out, events[i].Kind)
	}
	return out
}

func wantKinds(t *testing.T, l *ledger.Ledger, want ...string) {
	t.Helper()
	if got := kinds(t, l); !reflect.DeepEqual(got, append([]string{}, want...)) {
		t.Fatalf("events %v, want %v", got, want)
	}
}

// The lock, the split record and the opening events are one write; a run
// that finds the lock held writes nothing and is told who holds it.
func TestOpenChangeLocksAndRecordsInOneWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, direct, proxy := newFaultyLedger(t)
	lk, events, err := l.OpenChange(ctx, opening("arn:alice", nil, ledger.KindOverride, ledger.KindCutoverStarted))
	if err != nil {
		t.Fatal(err)
	}
	if proxy.Requests() != 1 {
		t.Fatalf("%d requests, want one", proxy.Requests())
	}
	if lk.TakenOver != nil || len(events) != 2 || events[0].ID == "" || events[0].ID >= events[1].ID {
		t.Fatalf("events %+v (taken over %v), want two, with IDs in order", events, lk.TakenOver)
	}
	wantKinds(t, direct, ledger.KindOverride, ledger.KindCutoverStarted)
	if s, err := direct.GetSplit(ctx, "shop/prod", "api"); err != nil || s.UpdatedBy != "arn:alice" {
		t.Fatalf("split %+v, %v", s, err)
	}

	_, _, err = direct.OpenChange(ctx, opening("arn:bob", nil, ledger.KindCutoverStarted))
	var held *ledger.LockHeldError
	if !errors.As(err, &held) || held.Holder != "arn:alice" || held.Operation != "traffic shift to green" || held.Since.IsZero() {
		t.Fatalf("bob while alice holds the lock: %v, want alice named", err)
	}
	wantKinds(t, direct, ledger.KindOverride, ledger.KindCutoverStarted)
	if s, _ := direct.GetSplit(ctx, "shop/prod", "api"); s.UpdatedBy != "arn:alice" {
		t.Fatalf("bob's refused opening wrote the split: %+v", s)
	}
}

// A lock whose holder let the lease run out is taken over in the write
// that records the takeover; the old holder's ending is still recorded,
// without releasing the new holder's lock.
func TestOpenChangeTakesOverAnExpiredLock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := &clock{now: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	l, _ := newLedger(t, ledger.WithClock(c.Now))
	alice, _, err := l.OpenChange(ctx, opening("arn:alice", nil, ledger.KindCutoverStarted))
	if err != nil {
		t.Fatal(err)
	}
	c.Advance(2 * time.Minute)
	o := opening("arn:bob", nil, ledger.KindCutoverStarted)
	var told *ledger.LockHeldError
	o.TakenOver = func(old *ledger.LockHeldError) []ledger.Event {
		told = old
		return []ledger.Event{{Environment: "shop/prod", Service: "api", Kind: ledger.KindLockTakenOver, Actor: "arn:bob", Reason: "alice's lease expired"}}
	}
	bob, events, err := l.OpenChange(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if told == nil || bob.TakenOver == nil || bob.TakenOver.Holder != "arn:alice" || len(events) != 1 || events[0].Kind != ledger.KindCutoverStarted {
		t.Fatalf("takeover: told %v, lock's %v, events %+v", told, bob.TakenOver, events)
	}
	wantKinds(t, l, ledger.KindCutoverStarted, ledger.KindLockTakenOver, ledger.KindCutoverStarted)
	c.Advance(time.Second)
	rec := alice.ReleaseWith(ctx, ledger.Writes{Events: []ledger.Event{{Environment: "shop/prod", Service: "api", Kind: ledger.KindCutoverCompleted, Actor: "arn:alice"}}})
	if !errors.Is(rec.Lock, ledger.ErrLockLost) || rec.Err != nil || len(rec.Events) != 1 {
		t.Fatalf("alice's ending: %+v, want recorded, her lock lost", rec)
	}
	if _, _, err := l.OpenChange(ctx, opening("arn:carol", nil)); !errors.As(err, new(*ledger.LockHeldError)) {
		t.Fatalf("alice's ending released bob's lock: %v", err)
	}
	wantKinds(t, l, ledger.KindCutoverStarted, ledger.KindLockTakenOver, ledger.KindCutoverStarted, ledger.KindCutoverCompleted)
}

// The lock is taken only while the environment record is the one read; the
// refusal carries the record as it is now, or says it is gone. Records
// written before records had revisions are judged by their update time.
func TestOpenChangeChecksTheEnvironmentItRead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, db := newLedger(t)
	if err := l.CreateEnvironment(ctx, ledger.Environment{Application: "shop", Name: "prod", Tier: "production"}); err != nil {
		t.Fatal(err)
	}
	read, err := l.GetEnvironment(ctx, "shop/prod")
	if err != nil || read.Revision == "" {
		t.Fatalf("read %+v, %v: want a revision", read, err)
	}
	changed := *read
	changed.Freezes = []ledger.FreezeRecord{{Start: "2026-12-24T00:00:00Z", End: "2026-12-27T00:00:00Z", Reason: "holiday"}}
	changed.UpdatedAt = time.Time{}
	if err := l.PutEnvironment(ctx, changed); err != nil {
		t.Fatal(err)
	}
	_, _, err = l.OpenChange(ctx, opening("arn:alice", read, ledger.KindCutoverStarted))
	var ch *ledger.EnvironmentChangedError
	if !errors.As(err, &ch) || len(ch.Current.Freezes) != 1 || ch.Current.Revision == read.Revision {
		t.Fatalf("opening on the old record: %v, want the record as it is now", err)
	}
	if want := "environment shop/prod changed in the ledger since it was read"; !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "plan and apply again") {
		t.Errorf("refusal %q: want it to say %q and what to do", err, want)
	}
	wantKinds(t, l)
	lk, _, err := l.OpenChange(ctx, opening("arn:alice", ch.Current, ledger.KindCutoverStarted))
	if err != nil {
		t.Fatalf("opening on the current record: %v", err)
	}
	if rec := lk.ReleaseWith(ctx, ledger.Writes{}); rec.Lock != nil {
		t.Fatal(rec.Lock)
	}

	// A record without a revision, as older versions wrote it.
	if _, err := db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(ledger.DefaultTable),
		Key:              map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "ENV#shop/prod"}, "sk": &types.AttributeValueMemberS{Value: "ENV"}},
		UpdateExpression: aws.String("REMOVE revision")}); err != nil {
		t.Fatal(err)
	}
	old, err := l.GetEnvironment(ctx, "shop/prod")
	if err != nil || old.Revision != "" {
		t.Fatalf("old record %+v, %v", old, err)
	}
	lk, _, err = l.OpenChange(ctx, opening("arn:alice", old))
	if err != nil {
		t.Fatalf("opening on an old record as read: %v", err)
	}
	lk.ReleaseWith(ctx, ledger.Writes{})
	stale := *old
	stale.UpdatedAt = old.UpdatedAt.Add(-time.Second)
	if _, _, err := l.OpenChange(ctx, opening("arn:alice", &stale)); !errors.As(err, &ch) {
		t.Fatalf("opening on an old record updated since: %v, want it changed", err)
	}

	if err := l.DeleteEnvironment(ctx, "shop/prod"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := l.OpenChange(ctx, opening("arn:alice", read)); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("opening on a deleted environment: %v, want ErrNotFound", err)
	}
}

// The outcome, the live slot and the release are one write. A service
// without a release record gets no live slot (and no stub record); the
// rest is recorded all the same.
func TestReleaseWithRecordsTheEndInOneWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, direct, proxy := newFaultyLedger(t)
	if err := direct.PutRelease(ctx, ledger.Release{Environment: "shop/prod", Service: "api", LiveSlot: "blue",
		Slots: map[string]ledger.Slot{"blue": {Version: "1"}, "green": {Version: "2"}}}); err != nil {
		t.Fatal(err)
	}
	lk, _, err := l.OpenChange(ctx, opening("arn:alice", nil, ledger.KindCutoverStarted))
	if err != nil {
		t.Fatal(err)
	}
	before := proxy.Requests()
	rec := lk.ReleaseWith(ctx, ledger.Writes{Environment: "shop/prod", Service: "api", LiveSlot: "green",
		Events: []ledger.Event{{Environment: "shop/prod", Service: "api", Kind: ledger.KindTrafficStep, Actor: "arn:alice"},
			{Environment: "shop/prod", Service: "api", Kind: ledger.KindCutoverCompleted, Actor: "arn:alice"}}})
	if rec.Err != nil || rec.Lock != nil || rec.LiveSlot != nil || len(rec.Events) != 2 || proxy.Requests()-before != 1 {
		t.Fatalf("ending: %+v in %d requests, want all recorded in one", rec, proxy.Requests()-before)
	}
	wantKinds(t, direct, ledger.KindCutoverStarted, ledger.KindTrafficStep, ledger.KindCutoverCompleted)
	if r, _ := direct.GetRelease(ctx, "shop/prod", "api"); r.LiveSlot != "green" || len(r.Slots) != 2 {
		t.Fatalf("release %+v, want green live and the slots kept", r)
	}
	bob, err := direct.AcquireLock(ctx, lockReq("arn:bob"))
	if err != nil {
		t.Fatalf("the lock was not released: %v", err)
	}
	if err := bob.Release(ctx); err != nil {
		t.Fatal(err)
	}

	lk, _, err = l.OpenChange(ctx, opening("arn:alice", nil))
	if err != nil {
		t.Fatal(err)
	}
	rec = lk.ReleaseWith(ctx, ledger.Writes{Environment: "shop/prod", Service: "web", LiveSlot: "green",
		Events: []ledger.Event{{Environment: "shop/prod", Service: "api", Kind: ledger.KindCutoverCompleted, Actor: "arn:alice"}}})
	if !errors.Is(rec.LiveSlot, ledger.ErrNotFound) || rec.Err != nil || rec.Lock != nil || len(rec.Events) != 1 {
		t.Fatalf("ending for a service without a release record: %+v", rec)
	}
	if _, err := direct.GetRelease(ctx, "shop/prod", "web"); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("a stub release record was made: %v", err)
	}
	wantKinds(t, direct, ledger.KindCutoverStarted, ledger.KindTrafficStep, ledger.KindCutoverCompleted, ledger.KindCutoverCompleted)
}

// Both transactions are applied, their answers lost and the SDK sends them
// again: the opening finds its own lock, the ending finds its lock gone and
// its events in the ledger. Nothing is written twice, nothing is refused.
// (DynamoDB answers a repeated ClientRequestToken with the first outcome;
// moto does not, which is the harder case this test makes.)
func TestTransactionsSurviveALostAnswer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, direct, proxy := newFaultyLedger(t)
	proxy.Inject(emulator.FaultResetAfter)
	lk, _, err := l.OpenChange(ctx, opening("arn:alice", nil, ledger.KindCutoverStarted))
	if err != nil {
		t.Fatalf("opening with a lost answer: %v", err)
	}
	if proxy.Counts()["reset-after"] != 1 {
		t.Fatalf("the answer was not lost: %s", proxy)
	}
	wantKinds(t, direct, ledger.KindCutoverStarted)

	proxy.Inject(emulator.FaultResetAfter)
	rec := lk.ReleaseWith(ctx, ledger.Writes{Events: []ledger.Event{{Environment: "shop/prod", Service: "api", Kind: ledger.KindCutoverCompleted, Actor: "arn:alice"}}})
	if rec.Err != nil || rec.Lock != nil || len(rec.Events) != 1 {
		t.Fatalf("ending with a lost answer: %+v", rec)
	}
	if proxy.Counts()["reset-after"] != 2 {
		t.Fatalf("the answer was not lost: %s", proxy)
	}
	wantKinds(t, direct, ledger.KindCutoverStarted, ledger.KindCutoverCompleted)
	if _, err := direct.AcquireLock(ctx, lockReq("arn:bob")); err != nil {
		t.Fatalf("the lock was not released: %v", err)
	}
}

// A lock broken by hand (golive unlock) while its holder worked: the
// holder's ending is recorded all the same, and nothing complains.
func TestReleaseWithAfterTheLockWasBroken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, _ := newLedger(t)
	lk, _, err := l.OpenChange(ctx, opening("arn:alice", nil, ledger.KindCutoverStarted))
	if err != nil {
		t.Fatal(err)
	}
	info, err := l.ReadLock(ctx, "shop/prod", "api")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.BreakLock(ctx, info, true, ledger.Event{Environment: "shop/prod", Service: "api", Kind: ledger.KindLockBroken, Actor: "arn:oncall"}); err != nil {
		t.Fatal(err)
	}
	rec := lk.ReleaseWith(ctx, ledger.Writes{Events: []ledger.Event{{Environment: "shop/prod", Service: "api", Kind: ledger.KindCutoverCompleted, Actor: "arn:alice"}}})
	if rec.Err != nil || rec.Lock != nil || len(rec.Events) != 1 {
		t.Fatalf("ending after the lock was broken: %+v", rec)
	}
	wantKinds(t, l, ledger.KindCutoverStarted, ledger.KindLockBroken, ledger.KindCutoverCompleted)
}
