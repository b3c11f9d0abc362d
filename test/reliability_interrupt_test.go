package test

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/acctest/soak"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// Interruption (issue 6 item 2): `terraform apply` of a canary is sent
// SIGINT at a seeded random point of the cutover, or its provider plugin is
// SIGKILLed mid-bake. Afterwards, read through the SDK: the weights are the
// pre-apply ones or a step the ledger recorded, the lock is released (or, after
// a kill, held until its lease expires and then taken over), and the next
// apply converges.
//
// Terraform forwards SIGINT to providers as StopProvider, which cancels the
// contexts of the RPCs in flight; golive's executor then rolls back to the
// pre-apply weights on a fresh context and records the rollback.

const interruptBake = 3 * time.Second

func TestReliabilityInterruptSIGINT(t *testing.T) {
	t.Parallel()
	seed, runs := soak.Seed(), soak.Runs(2)
	t.Logf("seed %d (GOLIVE_SOAK_SEED=%d replays it), %d run(s)", seed, seed, runs)
	report := soak.NewReport("interrupt", fmt.Sprintf("SIGINT to terraform apply at a random point of a canary (steps 10, 50; %s bake)", interruptBake))
	t.Cleanup(func() {
		if err := report.Write("interrupt-sigint"); err != nil {
			t.Error(err)
		}
	})

	// No Destroy: the stack lives in an account of its own, which goes with
	// the emulator at the end of the test binary.
	account := emulator.NewAccountID()
	s := cutoverStack(t, account, "interrupt")
	s.CreateLedger()
	f := cutoverALB(t, s, "interrupt")
	const env = "shop/prod"
	green := 0
	s.Apply(cutoverVars(f, "api", green, interruptBake.String()))
	if live := liveWeights(t, s, f); !sameWeights(live, cutoverWeights(green)) {
		t.Fatalf("after the first apply the listener is at %s, want %s", live, cutoverWeights(green))
	}
	actor := cutoverActor(account, "interrupt")

	for i := 0; i < runs; i++ {
		runSeed := seed + int64(i)
		rng := rand.New(rand.NewSource(runSeed))
		target := 100 - green
		before, want := cutoverWeights(green), cutoverWeights(target)
		// Any point from the cutover's start to just past its last step:
		// before step 1, in either bake, or after it completed.
		delay := time.Duration(rng.Int63n(int64(2*interruptBake + time.Second)))
		group := rng.Intn(2) == 0
		how := "SIGINT to terraform (a CI runner)"
		if group {
			how = "SIGINT to terraform's process group (Ctrl-C)"
		}
		started := time.Now()

		mark := eventMark(t, s, env)
		s.with(map[string]any{"green_weight": target})
		apply := startTerraform(t, s, "apply", "-input=false", "-auto-approve")
		if !waitUntil(3*time.Minute, func() bool {
			return apply.Exited() || hasEvent(eventsSince(t, s, env, mark), ledger.KindCutoverStarted)
		}) {
			t.Fatalf("run %d: the cutover did not start within 3m", i)
		}
		if apply.Exited() {
			t.Fatalf("run %d: terraform apply ended before the cutover started:\n%s", i, apply.Wait(t, 0))
		}
		time.Sleep(delay) // the seeded point of interruption, not a wait for an outcome
		sentWhileRunning := !apply.Exited()
		if err := apply.Interrupt(group); err != nil && sentWhileRunning {
			t.Fatalf("run %d: sending SIGINT: %v", i, err)
		}
		out := apply.Wait(t, 3*time.Minute)
		if sentWhileRunning && !strings.Contains(out, "Interrupt received") {
			t.Errorf("run %d: terraform did not acknowledge the interrupt:\n%s", i, out)
		}

		live := liveWeights(t, s, f)
		events := eventsSince(t, s, env, mark)
		outcome, lost := cutoverOutcome(live, before, want, events)
		run := soak.Run{Seed: runSeed, Outcome: outcome, Detail: fmt.Sprintf("%s %s after the cutover started; %s -> %s; terraform exit %d; live %s",
			how, delay.Round(time.Millisecond), before, want, apply.ExitCode(), live)}
		if lost != "" {
			run.Lost = append(run.Lost, lost)
		}
		switch outcome {
		case "rolled-back":
			// The rollback says why: the interruption, at which step.
			rb := lastEvent(events, ledger.KindRolledBack)
			if rb.Outcome != "rolled_back" || !strings.Contains(rb.Reason, "interrupted: terraform stopped the provider (SIGINT") || rb.Actor != actor {
				run.Lost = append(run.Lost, fmt.Sprintf("rollback event %+v does not record the interruption by %s", rb, actor))
			}
			if apply.ExitCode() == 0 || !strings.Contains(flatOutput(out), "traffic rolled back to "+before.String()) {
				run.Lost = append(run.Lost, "terraform apply did not fail saying traffic was rolled back")
			}
		case "completed", "unchanged":
		default:
			// A SIGINT is graceful: golive always has the time to roll back.
			if outcome != "" {
				run.Lost = append(run.Lost, fmt.Sprintf("interrupted cutover left at a step (%s) instead of rolling back", live))
			}
		}
		if lk := readLock(t, s, env, "api"); lk != nil {
			run.Lost = append(run.Lost, fmt.Sprintf("lock still held after the interrupted apply ended: %+v", *lk))
		}

		// The next apply converges, and a plan after it wants nothing.
		s.Apply(nil)
		if live := liveWeights(t, s, f); !sameWeights(live, want) {
			run.Lost = append(run.Lost, fmt.Sprintf("the apply after the interruption left %s, want %s", live, want))
		}
		if code := s.PlanExitCode(nil); code != 0 {
			run.Lost = append(run.Lost, fmt.Sprintf("a plan after the converging apply wants changes (exit code %d)", code))
		}
		if lk := readLock(t, s, env, "api"); lk != nil {
			run.Lost = append(run.Lost, fmt.Sprintf("lock held after the converging apply: %+v", *lk))
		}
		run.Millis = time.Since(started).Milliseconds()
		report.Add(run)
		t.Logf("run %d (seed %d): %s: %s\n  terraform: %s", i, runSeed, outcome, run.Detail, tail(flatOutput(out), 700))
		for _, l := range run.Lost {
			t.Errorf("run %d (seed %d): %s\nevents:%s\nterraform output:\n%s", i, runSeed, l, describeEvents(events), out)
		}
		green = target
	}
}

func TestReliabilityInterruptSIGKILL(t *testing.T) {
	t.Parallel()
	// Each run waits out a lock lease (ledger.DefaultLease, 60s): a quarter
	// as many runs as the other suites make.
	seed, runs := soak.Seed(), (soak.Runs(2)+3)/4
	t.Logf("seed %d (GOLIVE_SOAK_SEED=%d replays it), %d run(s)", seed, seed, runs)
	report := soak.NewReport("interrupt", fmt.Sprintf("provider plugin SIGKILLed mid-bake of a canary (steps 10, 50; %s bake)", interruptBake))
	t.Cleanup(func() {
		if err := report.Write("interrupt-sigkill"); err != nil {
			t.Error(err)
		}
	})

	account := emulator.NewAccountID()
	s := cutoverStack(t, account, "crashing")
	s.CreateLedger()
	f := cutoverALB(t, s, "crashing")
	const env = "shop/prod"
	green := 0
	s.Apply(cutoverVars(f, "api", green, interruptBake.String()))
	actor := cutoverActor(account, "crashing")

	for i := 0; i < runs; i++ {
		runSeed := seed + int64(i)
		rng := rand.New(rand.NewSource(runSeed))
		target := 100 - green
		before, want := cutoverWeights(green), cutoverWeights(target)
		started := time.Now()
		run := soak.Run{Seed: runSeed}
		lost := func(format string, args ...any) {
			run.Lost = append(run.Lost, fmt.Sprintf(format, args...))
			t.Errorf("run %d (seed %d): %s", i, runSeed, fmt.Sprintf(format, args...))
		}

		mark := eventMark(t, s, env)
		s.with(map[string]any{"green_weight": target})
		apply := startTerraform(t, s, "apply", "-input=false", "-auto-approve")
		// Mid-bake: a seeded moment within the first half of step 1's bake.
		if !waitUntil(3*time.Minute, func() bool { return apply.Exited() || hasEvent(eventsSince(t, s, env, mark), ledger.KindTrafficStep) }) {
			t.Fatalf("run %d: step 1 was not reached within 3m", i)
		}
		if apply.Exited() {
			t.Fatalf("run %d: terraform apply ended before step 1 was reached:\n%s", i, apply.Wait(t, 0))
		}
		delay := time.Duration(rng.Int63n(int64(interruptBake / 2)))
		time.Sleep(delay) // the seeded point of the kill, not a wait for an outcome
		pid, err := apply.KillProvider()
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		out := apply.Wait(t, 2*time.Minute)
		if apply.ExitCode() == 0 {
			t.Fatalf("run %d: terraform apply succeeded although its provider (pid %d) was killed:\n%s", i, pid, out)
		}

		// The kill left traffic at step 1, which the ledger recorded; no
		// rollback or completion could be.
		live := liveWeights(t, s, f)
		events := eventsSince(t, s, env, mark)
		outcome, why := cutoverOutcome(live, before, want, events)
		run.Outcome = outcome
		run.Detail = fmt.Sprintf("provider pid %d SIGKILLed %s into step 1's bake; %s -> %s; left at %s",
			pid, delay.Round(time.Millisecond), before, want, live)
		if why != "" {
			lost("%s", why)
		}
		if outcome != "at-recorded-step" || hasEvent(events, ledger.KindRolledBack) || hasEvent(events, ledger.KindCutoverCompleted) {
			lost("after the kill: outcome %q, live %s, events:%s", outcome, live, describeEvents(events))
		}

		// The lock outlives the process until its lease runs out.
		lk := readLock(t, s, env, "api")
		if lk == nil || lk.Holder != actor || !lk.Expires.After(time.Now()) {
			t.Fatalf("run %d: after the kill the lock is %+v, want one held by %s with an unexpired lease", i, lk, actor)
		}
		operation := "traffic shift to " + want.String() + " by terraform apply"
		if lk.Operation != operation {
			lost("lock operation %q, want %q", lk.Operation, operation)
		}

		// The next plan reads the real weights (the state still holds the
		// pre-apply ones) and plans the rest of the cutover from them.
		planOut, err := s.PlanE(nil)
		if err != nil {
			t.Fatalf("run %d: plan after the kill: %v", i, err)
		}
		flat := flatOutput(planOut)
		for _, w := range []string{
			fmt.Sprintf(`"blue" = %d -> %d`, live["blue"], want["blue"]),
			fmt.Sprintf(`"green" = %d -> %d`, live["green"], want["green"]),
		} {
			if !strings.Contains(flat, w) {
				lost("the plan after the kill does not show the live weights %s (lacks %q):\n%s", live, w, planOut)
				break
			}
		}

		// Before the lease expires, another apply is refused, naming the
		// holder and what it was doing, and changes nothing.
		refusedOut, err := s.ApplyE(nil)
		if err == nil {
			t.Fatalf("run %d: an apply went ahead while the killed run's lock was held:\n%s", i, refusedOut)
		}
		if still := readLock(t, s, env, "api"); still == nil || !still.Expires.Equal(lk.Expires) {
			lost("the lock changed while the refused apply ran: %+v, was %+v", still, lk)
		}
		if msg := fmt.Sprintf("shop/prod/api is locked by %s (%s) since", actor, operation); !strings.Contains(flatOutput(refusedOut), msg) {
			lost("the refused apply does not say %q:\n%s", msg, refusedOut)
		}
		if now := liveWeights(t, s, f); !sameWeights(now, live) {
			lost("the refused apply moved traffic from %s to %s", live, now)
		}

		// Once the lease has expired, the next apply takes the lock over and
		// converges from where the kill left traffic.
		if !waitUntil(ledger.DefaultLease+30*time.Second, func() bool {
			l := readLock(t, s, env, "api")
			return l == nil || l.Expires.Before(time.Now())
		}) {
			t.Fatalf("run %d: the lock's lease did not expire within %s of the kill", i, ledger.DefaultLease+30*time.Second)
		}
		waited := time.Since(apply.Ended)
		convergeMark := eventMark(t, s, env)
		s.Apply(nil)
		if now := liveWeights(t, s, f); !sameWeights(now, want) {
			lost("the apply after the lease expired left %s, want %s", now, want)
		}
		resumed := eventsSince(t, s, env, convergeMark)
		if st := firstEvent(resumed, ledger.KindCutoverStarted); !strings.Contains(st.Detail, "from "+live.String()) {
			lost("the converging cutover did not start from the live weights %s: %+v", live, st)
		}
		if code := s.PlanExitCode(nil); code != 0 {
			lost("a plan after the converging apply wants changes (exit code %d)", code)
		}
		if l := readLock(t, s, env, "api"); l != nil {
			lost("lock held after the converging apply: %+v", *l)
		}
		run.Detail += fmt.Sprintf("; refused while the lease ran, converged %s after the kill", waited.Round(time.Second))
		run.Millis = time.Since(started).Milliseconds()
		report.Add(run)
		t.Logf("run %d (seed %d): %s: %s\n  killed terraform: %s", i, runSeed, outcome, run.Detail, tail(flatOutput(out), 500))
		green = target
	}
}

func hasEvent(events []ledger.Event, kind string) bool {
	return firstEvent(events, kind).Kind == kind
}

func firstEvent(events []ledger.Event, kind string) ledger.Event {
	for _, e := range events {
		if e.Kind == kind {
			return e
		}
	}
	return ledger.Event{}
}

func lastEvent(events []ledger.Event, kind string) ledger.Event {
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].Kind == kind {
			return events[i]
		}
	}
	return ledger.Event{}
}

// tail is the end of s, at most n bytes.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
