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

// fakeLedger keeps what a change wrote, one line per call to the ledger:
// what is written in one call is one line, its items joined by " + ".
type fakeLedger struct {
	mu        sync.Mutex
	writes    []string
	events    []ledger.Event
	lockErr   error
	writeErr  error           // Write fails
	failKind  map[string]bool // RecordEvent of these kinds fails
	env       *ledger.Environment
	takenOver *ledger.LockHeldError // the next lock replaces this expired one
	released  ledger.Recorded       // what ReleaseWith reports besides its events
	lock      *fakeLock
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

// items records w's events (IDs in order) and describes w.
func (l *fakeLedger) items(w ledger.Writes) ([]ledger.Event, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var parts []string
	if w.Split != nil {
		parts = append(parts, fmt.Sprintf("split %s/%s", w.Split.Environment, w.Split.Service))
	}
	var out []ledger.Event
	for _, e := range w.Events {
		e.ID = fmt.Sprintf("EVT#%d", len(l.events)+1)
		l.events = append(l.events, e)
		out = append(out, e)
		parts = append(parts, fmt.Sprintf("event %s/%s %s/%s by %s", e.Kind, e.Outcome, e.Environment, e.Service, e.Actor))
	}
	if w.LiveSlot != "" {
		parts = append(parts, fmt.Sprintf("live slot %s/%s = %s", w.Environment, w.Service, w.LiveSlot))
	}
	return out, strings.Join(parts, " + ")
}

func (l *fakeLedger) AcquireLock(_ context.Context, req ledger.LockRequest) (Lock, error) {
	l.write("lock %s/%s by %s: %s", req.Environment, req.Service, req.Holder, req.Operation)
	if l.lockErr != nil {
		return nil, l.lockErr
	}
	l.lock = &fakeLock{l: l, takenOver: l.takenOver}
	return l.lock, nil
}

func (l *fakeLedger) OpenChange(_ context.Context, o ledger.Opening) (Lock, []ledger.Event, error) {
	if l.lockErr != nil {
		l.write("open refused")
		return nil, nil, l.lockErr
	}
	if l.env != nil && o.Seen != nil && o.Seen.Revision != l.env.Revision {
		l.write("open refused: environment at revision %s, seen %s", l.env.Revision, o.Seen.Revision)
		return nil, nil, &ledger.EnvironmentChangedError{Current: l.env}
	}
	w := o.Writes
	if l.takenOver != nil {
		w.Events = append(o.TakenOver(l.takenOver), w.Events...)
	}
	events, what := l.items(w)
	l.write("open %s/%s by %s: %s + %s", o.Lock.Environment, o.Lock.Service, o.Lock.Holder, o.Lock.Operation, what)
	l.lock = &fakeLock{l: l, takenOver: l.takenOver}
	return l.lock, events[len(events)-len(o.Events):], nil
}

func (l *fakeLedger) Write(ctx context.Context, w ledger.Writes) ledger.Recorded {
	if l.writeErr != nil {
		l.write("write failed")
		return ledger.Recorded{Err: l.writeErr}
	}
	events, what := l.items(w)
	if what != "" {
		l.write("write %s", what)
	}
	return ledger.Recorded{Events: events}
}

func (l *fakeLedger) RecordEvent(ctx context.Context, e ledger.Event) (ledger.Event, error) {
	if ctx.Err() != nil {
		return e, ctx.Err()
	}
	if l.failKind[e.Kind] {
		l.write("event %s failed", e.Kind)
		return e, errors.New("throttled")
	}
	events, what := l.items(ledger.Writes{Events: []ledger.Event{e}})
	l.write("%s", what)
	return events[0], nil
}

type fakeLock struct {
	l         *fakeLedger
	takenOver *ledger.LockHeldError
	renewing  bool
}

func (k *fakeLock) TakenOver() *ledger.LockHeldError { return k.takenOver }

func (k *fakeLock) KeepAlive(context.Context, func(error)) func() {
	k.renewing = true
	return func() { k.renewing = false }
}

func (k *fakeLock) ReleaseWith(ctx context.Context, w ledger.Writes) ledger.Recorded {
	if k.renewing {
		return ledger.Recorded{Err: errors.New("released while still renewing")}
	}
	if _, ok := ctx.Deadline(); !ok || ctx.Err() != nil {
		return ledger.Recorded{Err: errors.New("released on an unbounded or ended context")}
	}
	events, what := k.l.items(w)
	if what != "" {
		what = " + " + what
	}
	k.l.write("release%s", what)
	rec := k.l.released
	rec.Events = events
	return rec
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

var prod = &ledger.Environment{Application: "shop", Name: "prod", Revision: "r1"}

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
	by       = " by arn:aws:sts::123456789012:assumed-role/deployer/ci"
	lockLine = "lock shop/prod/api" + by + ": traffic shift to green"
	openLine = "open shop/prod/api" + by + ": traffic shift to green"
)

var (
	started   = ledger.Event{Kind: ledger.KindCutoverStarted, Outcome: ledger.OutcomeStarted}
	stepped   = ledger.Event{Kind: ledger.KindTrafficStep, Outcome: ledger.OutcomeReached}
	completed = ledger.Event{Kind: ledger.KindCutoverCompleted, Outcome: ledger.OutcomeSucceeded}
	split     = &ledger.Split{Environment: "shop/prod", Service: "api"}
)

func TestAChangeRecordsEachMomentInOneWrite(t *testing.T) {
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
	if err := s.Start(context.Background(), Opening{Split: split, Events: []ledger.Event{started}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Record(context.Background(), stepped); err != nil {
		t.Fatal(err)
	}
	warnings := s.End(context.Background(), Ending{Events: []ledger.Event{completed}, LiveSlot: "green"})
	if len(warnings) != 0 {
		t.Errorf("warnings %v", warnings)
	}
	wantLog(t, l, lockLine,
		"write split shop/prod/api + event cutover_started/started shop/prod/api"+by,
		"event traffic_step/reached shop/prod/api"+by,
		"release + event cutover_completed/succeeded shop/prod/api"+by+" + live slot shop/prod/api = green")
	if len(n.announced) != 3 || n.announced[0].ID != "EVT#1" || n.announced[2].Kind != ledger.KindCutoverCompleted {
		t.Errorf("announced %+v, want the three recorded events", n.announced)
	}
	if s.End(context.Background(), Ending{LiveSlot: "blue"}) != nil || strings.Count(l.log(), "release") != 1 {
		t.Error("a second End did something")
	}
}

// A queued change takes its lock in the write of its opening: a cutover is
// three writes, the lock's and the opening's, a step's, the outcome's and
// the release's.
func TestAQueuedChangeTakesItsLockWithItsOpening(t *testing.T) {
	l := &fakeLedger{}
	n := &fakeNotifier{}
	var envOf *ledger.Environment
	c := New(l, func(env *ledger.Environment, _ func(string, ledger.Event, error)) Notifier { envOf = env; return n }, nil)
	s, err := c.Queue(context.Background(), request("api"))
	if err != nil {
		t.Fatal(err)
	}
	if l.log() != "" {
		t.Fatalf("queueing wrote: %s", l.log())
	}
	if err := s.Start(context.Background(), Opening{Split: split, Events: []ledger.Event{started}}); err != nil {
		t.Fatal(err)
	}
	if !l.lock.renewing || envOf != prod {
		t.Error("the lock taken at the start is not renewed, or the notify targets are not the environment's")
	}
	if err := s.Record(context.Background(), stepped); err != nil {
		t.Fatal(err)
	}
	s.End(context.Background(), Ending{Events: []ledger.Event{completed}})
	wantLog(t, l,
		openLine+" + split shop/prod/api + event cutover_started/started shop/prod/api"+by,
		"event traffic_step/reached shop/prod/api"+by,
		"release + event cutover_completed/succeeded shop/prod/api"+by)
	if len(n.announced) != 3 {
		t.Errorf("announced %+v, want the three recorded events", n.announced)
	}
}

// When the environment record changed since the change read it, the start
// fails saying so, and the session judges the next start on the record as
// it is now.
func TestAQueuedChangeSeesTheEnvironmentAsItIsNow(t *testing.T) {
	now := &ledger.Environment{Application: "shop", Name: "prod", Revision: "r2"}
	l := &fakeLedger{env: now}
	s, err := New(l, nil, nil).Queue(context.Background(), request("api"))
	if err != nil {
		t.Fatal(err)
	}
	err = s.Start(context.Background(), Opening{Events: []ledger.Event{started}})
	var changed *ledger.EnvironmentChangedError
	if !errors.As(err, &changed) || changed.Current.Revision != "r2" {
		t.Fatalf("err = %v, want the environment changed, with the record as it is now", err)
	}
	if err := s.Start(context.Background(), Opening{Events: []ledger.Event{started}}); err != nil {
		t.Fatalf("the second start, on the record as it is now: %v", err)
	}
	s.End(context.Background(), Ending{})
	wantLog(t, l, "open refused: environment at revision r2, seen r1",
		openLine+" + event cutover_started/started shop/prod/api"+by, "release")
}

func TestChangesOfOneServiceQueueInOneProcess(t *testing.T) {
	l := &fakeLedger{}
	c := New(l, nil, nil)
	first, err := c.Begin(context.Background(), request("api"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := c.Queue(context.Background(), request("web"))
	if err != nil {
		t.Fatalf("another service waited: %v", err)
	}
	other.End(context.Background(), Ending{})
	began := make(chan *Session)
	go func() {
		s, err := c.Queue(context.Background(), request("api"))
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
	first, err := c.Queue(context.Background(), request("api"))
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
	q, err := c.Queue(context.Background(), request("api"))
	if err != nil {
		t.Fatalf("the refused change kept its turn: %v", err)
	}
	if err := q.Start(context.Background(), Opening{Events: []ledger.Event{started}}); !errors.As(err, &got) {
		t.Fatalf("start of a queued change: %v, want the holder named", err)
	}
	q.End(context.Background(), Ending{Events: []ledger.Event{completed}})
	l.lockErr = nil
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	s, err := c.Begin(ctx, request("api"))
	if err != nil {
		t.Fatalf("the refused change kept its turn: %v", err)
	}
	s.End(context.Background(), Ending{})
	wantLog(t, l, lockLine, "open refused", "write event cutover_completed/succeeded shop/prod/api"+by, lockLine, "release")
}

const takeoverReason = "the lock held by arn:aws:sts::123456789012:assumed-role/crashed/ci (traffic shift to blue) since 2026-05-01T10:00:00Z " +
	"was not released and its lease expired at 2026-05-01T10:01:00Z: that run crashed or was killed; this run carries on from the state it left"

func crashed() *ledger.LockHeldError {
	since := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	return &ledger.LockHeldError{Target: "shop/prod/api", Holder: "arn:aws:sts::123456789012:assumed-role/crashed/ci",
		Operation: "traffic shift to blue", Since: since, Expires: since.Add(time.Minute)}
}

func TestATakeoverIsRecorded(t *testing.T) {
	l := &fakeLedger{takenOver: crashed()}
	s, err := New(l, nil, nil).Begin(context.Background(), request("api"))
	if err != nil {
		t.Fatal(err)
	}
	s.End(context.Background(), Ending{})
	wantLog(t, l, lockLine, "event lock_taken_over/taken_over shop/prod/api"+by, "release")
	if e := l.events[0]; e.Reason != takeoverReason || e.Detail != "traffic shift to green" {
		t.Errorf("takeover recorded as %+v", e)
	}

	// A queued change records the takeover in the write that takes over.
	l = &fakeLedger{takenOver: crashed()}
	n := &fakeNotifier{}
	q, err := New(l, func(*ledger.Environment, func(string, ledger.Event, error)) Notifier { return n }, nil).Queue(context.Background(), request("api"))
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(context.Background(), Opening{Events: []ledger.Event{started}}); err != nil {
		t.Fatal(err)
	}
	q.End(context.Background(), Ending{})
	wantLog(t, l, openLine+" + event lock_taken_over/taken_over shop/prod/api"+by+" + event cutover_started/started shop/prod/api"+by, "release")
	if e := l.events[0]; e.Reason != takeoverReason {
		t.Errorf("takeover recorded as %+v", e)
	}
	if len(n.announced) != 1 || n.announced[0].Kind != ledger.KindCutoverStarted {
		t.Errorf("announced %+v, want only the opening's event", n.announced)
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
	wantLog(t, l, lockLine, "event rolled_back/rolled_back shop/prod/api by someone", "release + live slot shop/prod/api = blue")
}

func TestAFailedSplitRecordStartsNothing(t *testing.T) {
	l := &fakeLedger{writeErr: errors.New("writing traffic split shop/prod/api to the ledger: throttled")}
	s, err := New(l, nil, nil).Begin(context.Background(), request("api"))
	if err != nil {
		t.Fatal(err)
	}
	err = s.Start(context.Background(), Opening{Split: split, Events: []ledger.Event{started}})
	if err == nil || !strings.Contains(err.Error(), "throttled") {
		t.Fatalf("err = %v", err)
	}
	s.End(context.Background(), Ending{})
	wantLog(t, l, lockLine, "write failed", "release")
	if len(l.events) != 0 {
		t.Errorf("recorded %+v after the split failed", l.events)
	}
}

func TestWhatFailsAtTheEndIsAWarning(t *testing.T) {
	l := &fakeLedger{writeErr: errors.New("throttled"), released: ledger.Recorded{
		LiveSlot: errors.New("release of shop/prod/api: not found in the ledger"), Lock: ledger.ErrLockLost}}
	s, err := New(l, nil, nil).Begin(context.Background(), request("api"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background(), Opening{Events: []ledger.Event{{Kind: ledger.KindDeploymentStarted}}}); err != nil {
		t.Fatalf("an event that could not be recorded failed the start: %v", err)
	}
	got := fmt.Sprint(s.End(context.Background(), Ending{LiveSlot: "green"}))
	for _, want := range []string{"{recording a ledger event throttled}", "{recording the live slot release of shop/prod/api: not found in the ledger}",
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
	wantLog(t, l, lockLine, "event rolled_back/rolled_back shop/prod/api"+by, "release", "event notification_failed/failed shop/prod/api"+by)
	if l.events[1].Detail != "rolled_back event to webhook https://hooks.example.com/deploys: HTTP 500" {
		t.Errorf("failure recorded as %q", l.events[1].Detail)
	}
	if len(warnings) != 1 || warnings[0].Summary != "notification not delivered" ||
		warnings[0].Detail != "rolled_back event to webhook https://hooks.example.com/deploys: HTTP 500. The release itself is unaffected; the failure is recorded in the ledger." {
		t.Errorf("warnings %+v", warnings)
	}
}
