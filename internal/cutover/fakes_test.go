package cutover

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/change"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
	"github.com/golive-dev/terraform-provider-golive/internal/router"
)

// journal is what the fakes saw, in order, one line per call.
type journal struct {
	mu    sync.Mutex
	lines []string
}

func (j *journal) add(format string, args ...any) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.lines = append(j.lines, fmt.Sprintf(format, args...))
}

func (j *journal) String() string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return strings.Join(j.lines, "\n")
}

// fakeLedger is a Ledger whose transactions write to a journal.
type fakeLedger struct {
	j        *journal
	beginErr error
	startErr error
	splitErr error               // RecordSplit fails
	changed  *ledger.Environment // the first Start finds the environment changed to this
	begun    *change.Request
	ended    int
	starts   []change.Opening
	records  []ledger.Event
	ending   change.Ending
}

func (l *fakeLedger) Begin(_ context.Context, req change.Request) (Txn, error) {
	l.j.add("begin %s: %s", req.Target(), req.Operation)
	if l.beginErr != nil {
		return nil, l.beginErr
	}
	l.begun = &req
	return &fakeTxn{l: l}, nil
}

type fakeTxn struct{ l *fakeLedger }

func (t *fakeTxn) Start(_ context.Context, o change.Opening) error {
	if t.l.startErr != nil {
		t.l.j.add("start failed")
		return t.l.startErr
	}
	if c := t.l.changed; c != nil {
		t.l.changed = nil
		t.l.j.add("start refused: environment changed")
		return &ledger.EnvironmentChangedError{Current: c}
	}
	t.l.starts = append(t.l.starts, o)
	line := "start"
	if o.Split != nil {
		line += fmt.Sprintf(" split(by %s, rule %q, alias created %t)", o.Split.UpdatedBy, o.Split.RuleARN, o.Split.AliasCreated)
	}
	for _, e := range o.Events {
		line += " " + eventLine(e)
	}
	t.l.j.add("%s", line)
	return nil
}

func (t *fakeTxn) Record(ctx context.Context, e ledger.Event) error {
	if ctx.Err() != nil {
		return fmt.Errorf("recording on an ended context: %w", ctx.Err())
	}
	t.l.records = append(t.l.records, e)
	t.l.j.add("record %s", eventLine(e))
	return nil
}

func (t *fakeTxn) RecordSplit(_ context.Context, s ledger.Split) error {
	if t.l.splitErr != nil {
		t.l.j.add("record split failed")
		return t.l.splitErr
	}
	t.l.j.add("record split(by %s, rule %q, alias created %t)", s.UpdatedBy, s.RuleARN, s.AliasCreated)
	return nil
}

func (t *fakeTxn) End(_ context.Context, e change.Ending) []change.Warning {
	t.l.ended++
	t.l.ending = e
	line := "end"
	for _, ev := range e.Events {
		line += " " + eventLine(ev)
	}
	if e.LiveSlot != "" {
		line += " live=" + e.LiveSlot
	}
	t.l.j.add("%s", line)
	return []change.Warning{{Summary: "from end", Detail: "a warning End returned"}}
}

func eventLine(e ledger.Event) string {
	s := e.Kind + "/" + e.Outcome
	if e.Reason != "" {
		s += "(" + e.Reason + ")"
	}
	return s
}

// fakeRouter holds weights; Set calls can fail and see their context.
type fakeRouter struct {
	j        *journal
	live     rollout.Weights
	readErr  error
	failSet  int // 1-based Set call that fails; 0 never
	sets     int
	setCtxOK []bool // whether each Set's context was live and bounded
	onSet    func(n int)
}

func (r *fakeRouter) String() string { return "fake router" }

func (r *fakeRouter) Read(context.Context) (rollout.Weights, error) {
	if r.readErr != nil {
		err := r.readErr
		r.readErr = nil // found missing once: created next
		return nil, err
	}
	return r.live, nil
}

func (r *fakeRouter) Set(ctx context.Context, w rollout.Weights) error {
	r.sets++
	_, bounded := ctx.Deadline()
	r.setCtxOK = append(r.setCtxOK, ctx.Err() == nil && bounded)
	r.j.add("set %s", w)
	if r.onSet != nil {
		r.onSet(r.sets)
	}
	if r.sets == r.failSet {
		return errors.New("throttled")
	}
	r.live = w
	return nil
}

// fakeGate fails from its failAt-th check on (0: never).
type fakeGate struct {
	checks, failAt int
}

func (g *fakeGate) Name() string { return `alarm "api-5xx"` }

func (g *fakeGate) Check(context.Context) error {
	g.checks++
	if g.failAt > 0 && g.checks >= g.failAt {
		return errors.New(`alarm "api-5xx" is ALARM`)
	}
	return nil
}

// fakeClock jumps forward by whatever is waited for.
type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time { return c.now }

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.now = c.now.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

// fakeSchedule refuses (or refuses by environments with a freeze), or lets
// through with an override.
type fakeSchedule struct {
	override string
	refuse   bool
	asked    []string
	by       []*ledger.Environment
}

func (s *fakeSchedule) Check(env *ledger.Environment, what string) (string, error) {
	s.asked = append(s.asked, what)
	s.by = append(s.by, env)
	if s.refuse || len(env.Freezes) > 0 {
		return "", errors.New("refused: inside freeze holiday")
	}
	return s.override, nil
}

// fakeOwned is a routing object to create.
type fakeOwned struct {
	j         *journal
	removeErr error
	created   bool
}

func (o *fakeOwned) owned(ifMissing bool) *Owned {
	return &Owned{
		Kind: "Lambda alias", Description: "create Lambda alias api:live at blue=100", IfMissing: ifMissing,
		Create: func(_ context.Context, to rollout.Weights) error {
			o.created = true
			o.j.add("create at %s", to)
			return nil
		},
		Remove: func(ctx context.Context) error {
			o.j.add("remove (context live: %t)", ctx.Err() == nil)
			return o.removeErr
		},
		Mark: func(s *ledger.Split) { s.AliasCreated = true },
	}
}

var (
	blue  = rollout.Weights{"blue": 100, "green": 0}
	green = rollout.Weights{"blue": 0, "green": 100}
	env   = &ledger.Environment{Application: "shop", Name: "prod"}
)

// fixture is a canary from blue to green over fakes.
type fixture struct {
	j      *journal
	ledger *fakeLedger
	router *fakeRouter
	gate   *fakeGate
	sched  *fakeSchedule
	runner *Runner
}

func newFixture() *fixture {
	j := &journal{}
	f := &fixture{j: j, ledger: &fakeLedger{j: j}, router: &fakeRouter{j: j, live: blue}, gate: &fakeGate{}, sched: &fakeSchedule{}}
	f.runner = &Runner{Ledger: f.ledger, Clock: &fakeClock{now: time.Unix(0, 0)}}
	return f
}

func (f *fixture) split() Split {
	return Split{
		Operation: Update, Environment: env, Service: "api", Actor: "arn:aws:sts::123456789012:assumed-role/deployer/ci",
		Router: f.router, Gates: []rollout.Gate{f.gate}, Declared: green,
		Strategy:     rollout.Strategy{CanarySteps: []int{10, 50}, Bake: time.Minute},
		PollInterval: 10 * time.Second, Schedule: f.sched,
		Record:   ledger.Split{Environment: "shop/prod", Service: "api", Router: "lambda_alias"},
		LiveSlot: "green",
	}
}

var errMissing = fmt.Errorf("alias api:live: %w", router.ErrNotFound)
