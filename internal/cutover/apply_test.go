package cutover

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

func wantJournal(t *testing.T, j *journal, want ...string) {
	t.Helper()
	if got := j.String(); got != strings.Join(want, "\n") {
		t.Fatalf("calls:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want an error with %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error lacks %q: %v", p, err)
		}
	}
}

const (
	begin = "begin shop/prod/api: traffic shift to blue=0 green=100 by terraform apply"
	split = "start split(by arn:aws:sts::123456789012:assumed-role/deployer/ci, rule \"\", alias created false)"
)

func TestApplyWalksTheStepsAndRecordsEachMoveAfterIt(t *testing.T) {
	f := newFixture()
	res, err := f.runner.Apply(context.Background(), f.split())
	if err != nil {
		t.Fatal(err)
	}
	// The last step is followed by the outcome at once: it is written with
	// it, in the write that ends the transaction.
	wantJournal(t, f.j, begin,
		split+" cutover_started/started",
		"set blue=90 green=10", "record traffic_step/reached",
		"set blue=50 green=50", "record traffic_step/reached",
		"set blue=0 green=100",
		"end traffic_step/reached cutover_completed/succeeded live=green")
	if !rollout.Equal(res.Live, green) || res.Created {
		t.Errorf("result %+v, want live green, nothing created", res)
	}
	if len(res.Warnings) != 1 || res.Warnings[0].Summary != "from end" {
		t.Errorf("warnings %v, want End's", res.Warnings)
	}
	started := f.ledger.starts[0].Events[0]
	if started.Detail != "green 0 → 100: 10% for 1m0s, 50% for 1m0s, then 100% (canary, from blue=100 green=0)" {
		t.Errorf("started detail %q", started.Detail)
	}
	if got := f.ledger.records[1].Detail; got != "step 2 of 3: blue=50 green=50" {
		t.Errorf("step detail %q", got)
	}
	if got := f.ledger.ending.Events[0].Detail; got != "step 3 of 3: blue=0 green=100" {
		t.Errorf("last step detail %q", got)
	}
	if got := f.ledger.ending.Events[1].Detail; got != "blue=0 green=100" {
		t.Errorf("completed detail %q", got)
	}
}

func TestApplyIsRefusedWhenTheLockIsHeld(t *testing.T) {
	f := newFixture()
	f.ledger.startErr = &ledger.LockHeldError{Target: "shop/prod/api", Holder: "arn:aws:sts::123456789012:assumed-role/other/ci", Operation: "deployment of api@2 to slot green"}
	_, err := f.runner.Apply(context.Background(), f.split())
	var held *ledger.LockHeldError
	if !errors.As(err, &held) {
		t.Fatalf("err = %v, want the LockHeldError", err)
	}
	wantErr(t, err, "locked by arn:aws:sts::123456789012:assumed-role/other/ci (deployment of api@2 to slot green)")
	wantJournal(t, f.j, begin, "start failed", "end")
	if f.router.sets != 0 {
		t.Error("traffic moved without the lock")
	}
}

func TestApplyEndsNothingWhenItNeverBegan(t *testing.T) {
	f := newFixture()
	f.ledger.beginErr = errors.New("waiting for another change of shop/prod/api in this run: context canceled")
	_, err := f.runner.Apply(context.Background(), f.split())
	wantErr(t, err, "waiting for another change")
	wantJournal(t, f.j, begin)
	if f.ledger.ended != 0 {
		t.Error("ended a transaction that never began")
	}
}

// The environment record the apply was given (the plan's) changed before
// the lock was taken: the schedule judges the cutover again on the record
// as it is now, here refusing it for a freeze added since the plan.
func TestApplyJudgesAgainWhenTheEnvironmentChanged(t *testing.T) {
	f := newFixture()
	f.ledger.changed = &ledger.Environment{Application: "shop", Name: "prod", Revision: "r2"}
	if _, err := f.runner.Apply(context.Background(), f.split()); err != nil {
		t.Fatal(err)
	}
	if len(f.sched.by) != 2 || f.sched.by[0] != env || f.sched.by[1].Revision != "r2" {
		t.Fatalf("schedule judged by %+v, want the read record, then the current one", f.sched.by)
	}
	if l := f.j.lines; l[1] != "start refused: environment changed" || l[2] != split+" cutover_started/started" {
		t.Errorf("calls:\n%s\nwant the start refused, then made", f.j)
	}

	f = newFixture()
	f.ledger.changed = &ledger.Environment{Application: "shop", Name: "prod", Revision: "r2",
		Freezes: []ledger.FreezeRecord{{Start: "2026-12-24T00:00:00Z", End: "2026-12-27T00:00:00Z"}}}
	_, err := f.runner.Apply(context.Background(), f.split())
	wantErr(t, err, "refused: inside freeze holiday")
	wantJournal(t, f.j, begin, "start refused: environment changed", "end")
}

func TestApplyMovesNothingWhenAGateFailsBeforeStep1(t *testing.T) {
	f := newFixture()
	f.gate.failAt = 1
	res, err := f.runner.Apply(context.Background(), f.split())
	wantErr(t, err, "shop/prod/api", "before step 1 of 3", `alarm "api-5xx" is ALARM`)
	wantJournal(t, f.j, begin, split+" cutover_started/started", "end")
	if f.router.sets != 0 || !rollout.Equal(res.Live, blue) {
		t.Errorf("%d weight changes, live %v; want none, blue", f.router.sets, res.Live)
	}
}

func TestApplyRollsBackInOneCallWhenAGateFailsMidBake(t *testing.T) {
	f := newFixture()
	f.gate.failAt = 9 // 1 before step 1, 6 in bake 1, the 2nd poll of bake 2
	res, err := f.runner.Apply(context.Background(), f.split())
	wantErr(t, err, "shop/prod/api", "at step 2 of 3", `alarm "api-5xx" is ALARM`, "rolled back to blue=100 green=0")
	wantJournal(t, f.j, begin, split+" cutover_started/started",
		"set blue=90 green=10", "record traffic_step/reached",
		"set blue=50 green=50", "record traffic_step/reached",
		"set blue=100 green=0", `record rolled_back/rolled_back(at step 2 of 3: alarm "api-5xx" is ALARM)`,
		"end")
	rb := f.ledger.records[2]
	if rb.Detail != "at step 2 of 3, back to blue=100 green=0" || !strings.Contains(rb.Reason, `alarm "api-5xx" is ALARM`) {
		t.Errorf("rollback recorded as %+v", rb)
	}
	if !rollout.Equal(res.Live, blue) {
		t.Errorf("live %v, want the weights read back after the rollback", res.Live)
	}
}

func TestApplyRecordsAFailedRollback(t *testing.T) {
	f := newFixture()
	f.gate.failAt = 9
	f.router.failSet = 3 // the rollback
	_, err := f.runner.Apply(context.Background(), f.split())
	wantErr(t, err, "FAILED", "traffic may be at step 2")
	if rb := f.ledger.records[2]; rb.Outcome != ledger.OutcomeRollbackFailed || rb.Detail != "at step 2 of 3, rollback failed" {
		t.Errorf("rollback recorded as %+v", rb)
	}
}

func TestApplyRollsBackOnAFreshBoundedContextWhenInterrupted(t *testing.T) {
	f := newFixture()
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	stopped := errors.New("terraform stopped the provider")
	f.router.onSet = func(n int) {
		if n == 1 {
			cancel(stopped)
		}
	}
	_, err := f.runner.Apply(ctx, f.split())
	wantErr(t, err, "at step 1 of 3: interrupted: terraform stopped the provider", "rolled back to blue=100 green=0")
	wantJournal(t, f.j, begin, split+" cutover_started/started",
		"set blue=90 green=10", "record traffic_step/reached",
		"set blue=100 green=0", "record rolled_back/rolled_back(at step 1 of 3: interrupted: terraform stopped the provider)",
		"end")
	if len(f.router.setCtxOK) != 2 || !f.router.setCtxOK[1] {
		t.Errorf("rollback context live and bounded: %v, want true", f.router.setCtxOK)
	}
}

func TestApplyWithoutStepsRecordsNoCutover(t *testing.T) {
	for _, op := range []Operation{Update, Create} {
		t.Run(op.Verb(), func(t *testing.T) {
			f := newFixture()
			f.router.live = green
			res, err := f.runner.Apply(context.Background(), func() Split { s := f.split(); s.Operation = op; return s }())
			if err != nil {
				t.Fatal(err)
			}
			want := []string{begin, split}
			if op == Create {
				want = append(want, "set blue=0 green=100") // golive's form of the same weights
			}
			wantJournal(t, f.j, append(want, "end live=green")...)
			if len(f.sched.asked) != 0 || !rollout.Equal(res.Live, green) {
				t.Errorf("schedule asked %v, live %v; want not asked, green", f.sched.asked, res.Live)
			}
		})
	}
}

func TestApplyRecordsTheOverrideThatLetItThrough(t *testing.T) {
	f := newFixture()
	f.sched.override = "hotfix INC-1234"
	if _, err := f.runner.Apply(context.Background(), f.split()); err != nil {
		t.Fatal(err)
	}
	if len(f.sched.asked) != 1 || f.sched.asked[0] != "shifting traffic of shop/prod/api (green 0 → 100: 10% for 1m0s, 50% for 1m0s, then 100%)" {
		t.Errorf("schedule asked %q", f.sched.asked)
	}
	if got := f.j.lines[1]; got != split+" override/allowed(hotfix INC-1234) cutover_started/started(hotfix INC-1234)" {
		t.Errorf("start recorded %q", got)
	}
	if d := f.ledger.starts[0].Events[0].Detail; !strings.HasPrefix(d, "traffic shift: green 0 → 100") {
		t.Errorf("override detail %q", d)
	}
}

func TestApplyRefusedByTheScheduleMovesNothing(t *testing.T) {
	f := newFixture()
	f.sched.refuse = true
	_, err := f.runner.Apply(context.Background(), f.split())
	wantErr(t, err, "inside freeze holiday")
	wantJournal(t, f.j, begin, "end")
}

func TestApplyCreatesTheOwnedObjectOnTheDeclaredWeights(t *testing.T) {
	for _, ifMissing := range []bool{false, true} {
		f := newFixture()
		o := &fakeOwned{j: f.j}
		s := f.split()
		s.Operation, s.Owned = Create, o.owned(ifMissing)
		f.router.readErr = errMissing
		res, err := f.runner.Apply(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		wantJournal(t, f.j, begin, "start", "create at blue=0 green=100",
			"record split(by arn:aws:sts::123456789012:assumed-role/deployer/ci, rule \"\", alias created true)",
			"end cutover_completed/succeeded live=green")
		if !res.Created || !rollout.Equal(res.Live, green) || f.router.sets != 0 {
			t.Errorf("result %+v, %d sets; want created on green without a cutover", res, f.router.sets)
		}
	}
}

func TestApplyAdoptsAnOwnedObjectThatExists(t *testing.T) {
	f := newFixture()
	o := &fakeOwned{j: f.j}
	s := f.split()
	s.Operation, s.Owned = Create, o.owned(true)
	res, err := f.runner.Apply(context.Background(), s)
	if err != nil || o.created || res.Created {
		t.Fatalf("err %v, created %t; want the existing alias adopted", err, o.created)
	}
}

func TestApplyUpdateNeverCreates(t *testing.T) {
	f := newFixture()
	o := &fakeOwned{j: f.j}
	s := f.split()
	s.Owned = o.owned(true)
	f.router.readErr = errMissing
	_, err := f.runner.Apply(context.Background(), s)
	if !errors.Is(err, errMissing) || o.created {
		t.Fatalf("err %v, created %t; want the missing alias reported", err, o.created)
	}
}

func TestApplyRemovesTheOwnedObjectWhenRecordingFails(t *testing.T) {
	for _, removeErr := range []error{nil, errors.New("AccessDenied")} {
		f := newFixture()
		f.ledger.splitErr = errors.New("writing traffic split shop/prod/api to the ledger: throttled")
		o := &fakeOwned{j: f.j, removeErr: removeErr}
		s := f.split()
		s.Operation, s.Owned = Create, o.owned(false)
		ctx, cancel := context.WithCancel(context.Background())
		f.ledger.j.add("(apply cancelled)")
		cancel()
		res, err := f.runner.Apply(ctx, s)
		wantErr(t, err, "writing traffic split shop/prod/api to the ledger: throttled")
		if removeErr != nil {
			wantErr(t, err, "deleting the Lambda alias this apply created also failed, delete it by hand: AccessDenied")
		}
		wantJournal(t, f.j, "(apply cancelled)", begin, "start", "create at blue=0 green=100", "record split failed", "remove (context live: true)", "end")
		if res.Created {
			t.Error("reported created")
		}
	}
}

func TestApplyAlwaysEndsWhatItBegan(t *testing.T) {
	failures := map[string]func(*fixture, *Split){
		"prepare fails": func(_ *fixture, s *Split) {
			s.Prepare = func(context.Context) error { return errors.New("priority in use") }
		},
		"read fails":  func(f *fixture, _ *Split) { f.router.readErr = errors.New("throttled") },
		"start fails": func(f *fixture, _ *Split) { f.ledger.startErr = errors.New("throttled") },
		"schedule":    func(f *fixture, _ *Split) { f.sched.refuse = true },
		"first step":  func(f *fixture, _ *Split) { f.router.failSet = 1 },
		"gate":        func(f *fixture, _ *Split) { f.gate.failAt = 3 },
		"no steps":    func(f *fixture, _ *Split) { f.router.live = green },
		"create fails": func(f *fixture, s *Split) {
			s.Operation, s.Owned = Create, (&fakeOwned{j: f.j}).owned(false)
			s.Owned.Create = func(context.Context, rollout.Weights) error { return errors.New("limit exceeded") }
		},
	}
	for name, fail := range failures {
		t.Run(name, func(t *testing.T) {
			f := newFixture()
			s := f.split()
			fail(f, &s)
			_, _ = f.runner.Apply(context.Background(), s)
			if f.ledger.ended != 1 {
				t.Fatalf("ended %d times, want once:\n%s", f.ledger.ended, f.j)
			}
		})
	}
}

// The lock comes before the object: a split whose lock another run holds
// creates nothing.
func TestApplyCreatesNothingWithoutTheLock(t *testing.T) {
	f := newFixture()
	f.ledger.startErr = &ledger.LockHeldError{Target: "shop/prod/api", Holder: "arn:aws:sts::123456789012:assumed-role/other/ci", Operation: "traffic shift to blue"}
	o := &fakeOwned{j: f.j}
	s := f.split()
	s.Operation, s.Owned = Create, o.owned(false)
	_, err := f.runner.Apply(context.Background(), s)
	if !errors.As(err, new(*ledger.LockHeldError)) || o.created {
		t.Fatalf("err %v, created %t; want the holder named and nothing created", err, o.created)
	}
	wantJournal(t, f.j, begin, "start failed", "end")
}

// All at once is one step: one weight change, recorded with the outcome.
func TestApplyAllAtOnceRecordsTheStepWithTheOutcome(t *testing.T) {
	f := newFixture()
	s := f.split()
	s.Strategy = rollout.Strategy{}
	if _, err := f.runner.Apply(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	wantJournal(t, f.j, begin, split+" cutover_started/started", "set blue=0 green=100",
		"end traffic_step/reached cutover_completed/succeeded live=green")
}
