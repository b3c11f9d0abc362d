package rollout

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

type fakeRouter struct {
	mu      sync.Mutex
	live    Weights
	sets    []Weights
	failOn  int // 1-based Set call that fails; 0 never
	onSet   func(n int)
	ctxErrs []error // ctx.Err() seen by each Set
}

func (r *fakeRouter) Read(context.Context) (Weights, error) { return r.live, nil }
func (r *fakeRouter) String() string                        { return "fake router" }
func (r *fakeRouter) Set(ctx context.Context, w Weights) error {
	r.mu.Lock()
	r.sets = append(r.sets, w)
	r.ctxErrs = append(r.ctxErrs, ctx.Err())
	n := len(r.sets)
	r.mu.Unlock()
	if r.onSet != nil {
		r.onSet(n)
	}
	if n == r.failOn {
		return errThrottled
	}
	r.live = w
	return nil
}

var errThrottled = errors.New("throttled")

type fakeGate struct {
	checks int
	failAt int // 1-based check that starts failing; 0 never
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

type fakeRecorder struct{ events []string }

func (r *fakeRecorder) StepReached(_ context.Context, step, total int, w Weights) error {
	r.events = append(r.events, fmt.Sprintf("step %d/%d %s", step, total, w))
	return nil
}
func (r *fakeRecorder) RolledBack(_ context.Context, step, total int, to Weights, reason string) error {
	r.events = append(r.events, fmt.Sprintf("rollback at %d/%d to %s: %s", step, total, to, reason))
	return nil
}
func (r *fakeRecorder) Completed(_ context.Context, w Weights) error {
	r.events = append(r.events, "completed "+w.String())
	return nil
}

var (
	before = Weights{"blue": 100, "green": 0}
	after  = Weights{"blue": 0, "green": 100}
	canary = Strategy{CanarySteps: []int{10, 50}, Bake: time.Minute}
)

func newExec(r *fakeRouter, g *fakeGate, rec *fakeRecorder) *Executor {
	return &Executor{Router: r, Gates: []Gate{g}, Recorder: rec, Bake: time.Minute, PollInterval: 10 * time.Second,
		Clock: &fakeClock{now: time.Unix(0, 0)}, Target: "shop/prod/api"}
}

func TestRunWalksEveryStepAndChecksGatesThroughEachBake(t *testing.T) {
	r, g, rec := &fakeRouter{live: before}, &fakeGate{}, &fakeRecorder{}
	steps := PlanSteps(before, after, canary)
	if err := newExec(r, g, rec).Run(context.Background(), before, steps); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(r.sets) != fmt.Sprint(steps) {
		t.Fatalf("sets %v, want %v", r.sets, steps)
	}
	// 1 before starting + 6 polls in each of the two bakes.
	if g.checks != 13 {
		t.Fatalf("gate checked %d times, want 13", g.checks)
	}
	want := []string{"step 1/3 blue=90 green=10", "step 2/3 blue=50 green=50", "step 3/3 blue=0 green=100", "completed blue=0 green=100"}
	if fmt.Sprint(rec.events) != fmt.Sprint(want) {
		t.Fatalf("recorded %v", rec.events)
	}
}

func TestRunRollsBackInOneCallWhenAGateFailsMidBake(t *testing.T) {
	r, rec := &fakeRouter{live: before}, &fakeRecorder{}
	g := &fakeGate{failAt: 9} // 1 pre-check + 6 in bake 1 + 2nd poll of bake 2
	err := newExec(r, g, rec).Run(context.Background(), before, PlanSteps(before, after, canary))
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{"shop/prod/api", "at step 2 of 3", `alarm "api-5xx" is ALARM`, "rolled back to blue=100 green=0"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	var ge *GateError
	if !errors.As(err, &ge) || ge.Step != 2 {
		t.Fatalf("want GateError at step 2, got %v", err)
	}
	if len(r.sets) != 3 || !Equal(r.sets[2], before) || !Equal(r.live, before) {
		t.Fatalf("sets %v: want two steps then exactly one rollback to %v", r.sets, before)
	}
	if last := rec.events[len(rec.events)-1]; !strings.HasPrefix(last, "rollback at 2/3 to blue=100 green=0") {
		t.Fatalf("last recorded %q", last)
	}
}

func TestRunDoesNotStartWhenAGateAlreadyFails(t *testing.T) {
	r, rec := &fakeRouter{live: before}, &fakeRecorder{}
	err := newExec(r, &fakeGate{failAt: 1}, rec).Run(context.Background(), before, PlanSteps(before, after, canary))
	if err == nil || !strings.Contains(err.Error(), "before step 1 of 3") {
		t.Fatalf("got %v", err)
	}
	if len(r.sets) != 0 || len(rec.events) != 0 {
		t.Fatalf("changed something: sets %v events %v", r.sets, rec.events)
	}
}

func TestRunRollsBackWithAFreshContextWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r := &fakeRouter{live: before}
	r.onSet = func(n int) {
		if n == 1 {
			cancel() // Ctrl-C right after the first step
		}
	}
	x := newExec(r, &fakeGate{}, &fakeRecorder{})
	x.Clock = RealClock // the cancellation, not the clock, must end the bake
	x.Bake = time.Hour
	err := x.Run(ctx, before, PlanSteps(before, after, canary))
	if err == nil || !strings.Contains(err.Error(), "interrupted") || !strings.Contains(err.Error(), "rolled back") {
		t.Fatalf("got %v", err)
	}
	if len(r.sets) != 2 || !Equal(r.sets[1], before) {
		t.Fatalf("sets %v", r.sets)
	}
	if r.ctxErrs[1] != nil {
		t.Fatalf("rollback ran on a cancelled context: %v", r.ctxErrs[1])
	}
}

func TestRunRollsBackWhenSettingAStepFails(t *testing.T) {
	r := &fakeRouter{live: before, failOn: 2}
	err := newExec(r, &fakeGate{}, &fakeRecorder{}).Run(context.Background(), before, PlanSteps(before, after, canary))
	if err == nil || !strings.Contains(err.Error(), "at step 2 of 3: setting blue=50 green=50 on fake router: throttled") {
		t.Fatalf("got %v", err)
	}
	if len(r.sets) != 3 || !Equal(r.sets[2], before) {
		t.Fatalf("sets %v", r.sets)
	}
}

func TestRunReportsAFailedRollback(t *testing.T) {
	r := &fakeRouter{live: before, failOn: 3}
	rec := &fakeRecorder{}
	err := newExec(r, &fakeGate{failAt: 9}, rec).Run(context.Background(), before, PlanSteps(before, after, canary))
	if err == nil || !strings.Contains(err.Error(), "FAILED, traffic may be at step 2") {
		t.Fatalf("got %v", err)
	}
	if !errors.Is(err, errThrottled) {
		t.Fatalf("the rollback's own error is not wrapped: %v", err)
	}
	if last := rec.events[len(rec.events)-1]; !strings.Contains(last, "rollback FAILED") {
		t.Fatalf("last recorded %q", last)
	}
}

func TestRunWithNoStepsDoesNothing(t *testing.T) {
	r, g := &fakeRouter{live: before}, &fakeGate{}
	if err := newExec(r, g, nil).Run(context.Background(), before, nil); err != nil || len(r.sets) != 0 || g.checks != 0 {
		t.Fatalf("err %v sets %v checks %d", err, r.sets, g.checks)
	}
}
