package change

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// fakeLedger keeps what a change wrote, in order.
type fakeLedger struct {
	mu       sync.Mutex
	writes   []string
	events   []ledger.Event
	lockErr  error
	failKind map[string]bool // RecordEvent of these kinds fails
	splitErr error
	slotErr  error
	lock     *fakeLock
}

func (l *fakeLedger) write(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes = append(l.writes, fmt.Sprintf(format, args...))
}

func (l *fakeLedger) log() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.writes, "\n")
}

func (l *fakeLedger) AcquireLock(_ context.Context, req ledger.LockRequest) (Lock, error) {
	l.write("lock %s/%s by %s: %s", req.Environment, req.Service, req.Holder, req.Operation)
	if l.lockErr != nil {
		return nil, l.lockErr
	}
	l.lock = &fakeLock{l: l, takenOver: l.lock.takenOverOrNil()}
	return l.lock, nil
}

func (l *fakeLedger) RecordEvent(ctx context.Context, e ledger.Event) (ledger.Event, error) {
	if ctx.Err() != nil {
		return e, ctx.Err()
	}
	if l.failKind[e.Kind] {
		l.write("event %s failed", e.Kind)
		return e, errors.New("throttled")
	}
	e.ID = fmt.Sprintf("EVT#%d", len(l.events)+1)
	l.mu.Lock()
	l.events = append(l.events, e)
	l.mu.Unlock()
	l.write("event %s/%s %s/%s by %s", e.Kind, e.Outcome, e.Environment, e.Service, e.Actor)
	return e, nil
}

func (l *fakeLedger) PutSplit(_ context.Context, s ledger.Split) error {
	if l.splitErr != nil {
		return l.splitErr
	}
	l.write("split %s/%s", s.Environment, s.Service)
	return nil
}

func (l *fakeLedger) SetLiveSlot(ctx context.Context, env, service, slot string) error {
	if _, ok := ctx.Deadline(); !ok || ctx.Err() != nil {
		return errors.New("live slot set on an unbounded or ended context")
	}
	if l.slotErr != nil {
		return l.slotErr
	}
	l.write("live slot %s/%s = %s", env, service, slot)
	return nil
}

type fakeLock struct {
	l          *fakeLedger
	takenOver  *ledger.LockHeldError
	renewing   bool
	releaseErr error
}

func (k *fakeLock) takenOverOrNil() *ledger.LockHeldError {
	if k == nil {
		return nil
	}
	return k.takenOver
}

func (k *fakeLock) TakenOver() *ledger.LockHeldError { return k.takenOver }

func (k *fakeLock) KeepAlive(context.Context, func(error)) func() {
	k.renewing = true
	return func() { k.renewing = false }
}

func (k *fakeLock) Release(ctx context.Context) error {
	if k.renewing {
		return errors.New("released while still renewing")
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	k.l.write("release")
	return k.releaseErr
}

// fakeNotifier announces synchronously; failing targets report to failed.
type fakeNotifier struct {
	mu        sync.Mutex
	announced []ledger.Event
	fail      bool
	failed    func(string, ledger.Event, error)
}

func (n *fakeNotifier) Notify(_ context.Context, e ledger.Event) {
	n.mu.Lock()
	n.announced = append(n.announced, e)
	n.mu.Unlock()
	if n.fail {
		n.failed("webhook https://hooks.example.com/deploys", e, errors.New("HTTP 500"))
	}
}

func (n *fakeNotifier) Wait(time.Duration) bool { return true }

var prod = &ledger.Environment{Application: "shop", Name: "prod"}

func request(service string) Request {
	return Request{Environment: prod, Service: service, Actor: "arn:aws:sts::123456789012:assumed-role/deployer/ci", Operation: "traffic shift to green"}
}

func wantLog(t *testing.T, l *fakeLedger, want ...string) {
	t.Helper()
	if got := l.log(); got != strings.Join(want, "\n") {
		t.Fatalf("writes:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

const (
	lockLine = "lock shop/prod/api by arn:aws:sts::123456789012:assumed-role/deployer/ci: traffic shift to green"
	by       = " by arn:aws:sts::123456789012:assumed-role/deployer/ci"
)

func TestAChangeRecordsItsMomentsInOrder(t *testing.T) {
	l := &fakeLedger{}
	n := &fakeNotifier{}
	c := New(l, func(*ledger.Environment, func(string, ledger.Event, error)) Notifier { return n }, nil)
	s, err := c.Begin(context.Background(), request("api"))
	if err != nil {
		t.Fatal(err)
	}
	if !l.lock.renewing {
		t.Error("lease not renewed while the change runs")
	}
	split := &ledger.Split{Environment: "shop/prod", Service: "api"}
	if err := s.Start(context.Background(), Opening{Split: split, Events: []ledger.Event{{Kind: ledger.KindCutoverStarted, Outcome: ledger.OutcomeStarted}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Record(context.Background(), ledger.Event{Kind: ledger.KindTrafficStep, Outcome: ledger.OutcomeReached}); err != nil {
		t.Fatal(err)
	}
	warnings := s.End(context.Background(), Ending{Events: []ledger.Event{{Kind: ledger.KindCutoverCompleted, Outcome: ledger.OutcomeSucceeded}}, LiveSlot: "green"})
	if len(warnings) != 0 {
		t.Errorf("warnings %v", warnings)
	}
	wantLog(t, l, lockLine, "split shop/prod/api",
		"event cutover_started/started shop/prod/api"+by,
		"event traffic_step/reached shop/prod/api"+by,
		"event cutover_completed/succeeded shop/prod/api"+by,
		"live slot shop/prod/api = green", "release")
	if len(n.announced) != 3 || n.announced[0].ID != "EVT#1" || n.announced[2].Kind != ledger.KindCutoverCompleted {
		t.Errorf("announced %+v, want the three recorded events", n.announced)
	}
	if s.End(context.Background(), Ending{LiveSlot: "blue"}) != nil || strings.Count(l.log(), "release") != 1 {
		t.Error("a second End did something")
	}
}

func TestChangesOfOneServiceQueueInOneProcess(t *testing.T) {
	l := &fakeLedger{}
	c := New(l, nil, nil)
	first, err := c.Begin(context.Background(), request("api"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := c.Begin(context.Background(), request("web"))
	if err != nil {
		t.Fatalf("another service waited: %v", err)
	}
	other.End(context.Background(), Ending{})
	began := make(chan *Session)
	go func() {
		s, err := c.Begin(context.Background(), request("api"))
		if err != nil {
			t.Error(err)
		}
		began <- s
	}()
	// (TestWaitingForATurnEndsWithTheContext shows the second one waits.)
	first.End(context.Background(), Ending{})
	second := <-began
	second.End(context.Background(), Ending{})
}

func TestWaitingForATurnEndsWithTheContext(t *testing.T) {
	c := New(&fakeLedger{}, nil, nil)
	first, err := c.Begin(context.Background(), request("api"))
	if err != nil {
		t.Fatal(err)
	}
	defer first.End(context.Background(), Ending{})
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errors.New("terraform stopped the provider"))
	_, err = c.Begin(ctx, request("api"))
	if err == nil || err.Error() != "waiting for another change of shop/prod/api in this run: terraform stopped the provider" {
		t.Fatalf("err = %v", err)
	}
}

func TestAHeldLockIsRefusedAndFreesTheTurn(t *testing.T) {
	held := &ledger.LockHeldError{Target: "shop/prod/api", Holder: "arn:aws:sts::123456789012:assumed-role/other/ci", Operation: "deployment of api@2"}
	l := &fakeLedger{lockErr: held}
	c := New(l, nil, nil)
	_, err := c.Begin(context.Background(), request("api"))
	var got *ledger.LockHeldError
	if !errors.As(err, &got) || got.Holder != held.Holder {
		t.Fatalf("err = %v, want the holder named", err)
	}
	l.lockErr = nil
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	s, err := c.Begin(ctx, request("api"))
	if err != nil {
		t.Fatalf("the refused change kept its turn: %v", err)
	}
	s.End(context.Background(), Ending{})
}

func TestATakeoverIsRecorded(t *testing.T) {
	since := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	l := &fakeLedger{lock: &fakeLock{takenOver: &ledger.LockHeldError{Target: "shop/prod/api", Holder: "arn:aws:sts::123456789012:assumed-role/crashed/ci",
		Operation: "traffic shift to blue", Since: since, Expires: since.Add(time.Minute)}}}
	s, err := New(l, nil, nil).Begin(context.Background(), request("api"))
	if err != nil {
		t.Fatal(err)
	}
	s.End(context.Background(), Ending{})
	wantLog(t, l, lockLine, "event lock_taken_over/taken_over shop/prod/api"+by, "release")
	e := l.events[0]
	want := "the lock held by arn:aws:sts::123456789012:assumed-role/crashed/ci (traffic shift to blue) since 2026-05-01T10:00:00Z was not released and its lease expired at 2026-05-01T10:01:00Z: that run crashed or was killed; this run carries on from the state it left"
	if e.Reason != want || e.Detail != "traffic shift to green" {
		t.Errorf("takeover recorded as %+v", e)
	}
}

func TestRecordingOutlivesACancelledChange(t *testing.T) {
	l := &fakeLedger{}
	s, err := New(l, nil, nil).Begin(context.Background(), request("api"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Record(ctx, ledger.Event{Kind: ledger.KindRolledBack, Outcome: ledger.OutcomeRolledBack, Service: "api", Actor: "someone"}); err != nil {
		t.Fatalf("rollback not recorded after the cancel: %v", err)
	}
	if w := s.End(ctx, Ending{LiveSlot: "blue"}); len(w) != 0 {
		t.Fatalf("warnings %v", w)
	}
	wantLog(t, l, lockLine, "event rolled_back/rolled_back shop/prod/api by someone", "live slot shop/prod/api = blue", "release")
}

func TestAFailedSplitRecordStartsNothing(t *testing.T) {
	l := &fakeLedger{splitErr: errors.New("writing traffic split shop/prod/api to the ledger: throttled")}
	s, err := New(l, nil, nil).Begin(context.Background(), request("api"))
	if err != nil {
		t.Fatal(err)
	}
	err = s.Start(context.Background(), Opening{Split: &ledger.Split{}, Events: []ledger.Event{{Kind: ledger.KindCutoverStarted}}})
	if err == nil || !strings.Contains(err.Error(), "throttled") {
		t.Fatalf("err = %v", err)
	}
	s.End(context.Background(), Ending{})
	wantLog(t, l, lockLine, "release")
}

func TestWhatFailsAtTheEndIsAWarning(t *testing.T) {
	l := &fakeLedger{failKind: map[string]bool{ledger.KindDeploymentStarted: true}, slotErr: errors.New("release record missing")}
	s, err := New(l, nil, nil).Begin(context.Background(), request("api"))
	if err != nil {
		t.Fatal(err)
	}
	l.lock.releaseErr = ledger.ErrLockLost
	if err := s.Start(context.Background(), Opening{Events: []ledger.Event{{Kind: ledger.KindDeploymentStarted}}}); err != nil {
		t.Fatalf("an event that could not be recorded failed the start: %v", err)
	}
	got := fmt.Sprint(s.End(context.Background(), Ending{LiveSlot: "green"}))
	for _, want := range []string{"{recording a ledger event throttled}", "{recording the live slot release record missing}",
		"{releasing the golive lock lock lost: its lease expired and another run took it over; it expires by itself when its lease runs out}"} {
		if !strings.Contains(got, want) {
			t.Errorf("warnings %s lack %s", got, want)
		}
	}
}

func TestUndeliveredNotificationsAreRecordedAndWarned(t *testing.T) {
	l := &fakeLedger{}
	n := &fakeNotifier{fail: true}
	var envOf *ledger.Environment
	c := New(l, func(env *ledger.Environment, failed func(string, ledger.Event, error)) Notifier {
		envOf, n.failed = env, failed
		return n
	}, nil)
	s, err := c.Begin(context.Background(), request("api"))
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Record(context.Background(), ledger.Event{Kind: ledger.KindRolledBack, Outcome: ledger.OutcomeRolledBack})
	warnings := s.End(context.Background(), Ending{})
	if envOf != prod {
		t.Error("notifier not built for the change's environment")
	}
	wantLog(t, l, lockLine, "event rolled_back/rolled_back shop/prod/api"+by, "event notification_failed/failed shop/prod/api"+by, "release")
	if l.events[1].Detail != "rolled_back event to webhook https://hooks.example.com/deploys: HTTP 500" {
		t.Errorf("failure recorded as %q", l.events[1].Detail)
	}
	if len(warnings) != 1 || warnings[0].Summary != "notification not delivered" ||
		warnings[0].Detail != "rolled_back event to webhook https://hooks.example.com/deploys: HTTP 500. The release itself is unaffected; the failure is recorded in the ledger." {
		t.Errorf("warnings %+v", warnings)
	}
}
