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

// Concurrency (issue 6 item 3): two pipelines (two working directories,
// each with its own state, one account and ledger) apply at once.
//   - Same environment and service: both start a cutover of shop/prod/api.
//     Exactly one proceeds; the other fails at once, naming the holder's
//     caller ARN and what it is doing, and changes nothing.
//   - Different services (api and web of shop/prod): both proceed.

const concurrencyBake = 5 * time.Second

func TestReliabilityConcurrency(t *testing.T) {
	t.Parallel()
	seed, rounds := soak.Seed(), soak.Runs(1)
	t.Logf("seed %d (GOLIVE_SOAK_SEED=%d replays it), %d round(s)", seed, seed, rounds)
	report := soak.NewReport("concurrency", fmt.Sprintf("two applies at once on one environment: same service, then different services (canary steps 10, 50; %s bake)", concurrencyBake))
	t.Cleanup(func() {
		if err := report.Write("concurrency"); err != nil {
			t.Error(err)
		}
	})

	// Pipeline a owns the environment and the api split; b is a second
	// pipeline with its own state for the same split; c ships web. No
	// Destroy: the account goes with the emulator.
	account := emulator.NewAccountID()
	a := cutoverStack(t, account, "pipeline-a")
	b := cutoverStack(t, account, "pipeline-b")
	c := cutoverStack(t, account, "pipeline-c")
	a.CreateLedger()
	api, web := cutoverALB(t, a, "api"), cutoverALB(t, a, "web")
	bake := concurrencyBake.String()
	a.Apply(cutoverVars(api, "api", 0, bake))
	external := map[string]any{"manage_environment": false}
	b.with(external)
	c.with(external)
	b.Apply(cutoverVars(api, "api", 0, bake))
	c.Apply(cutoverVars(web, "web", 0, bake))
	const env = "shop/prod"
	actors := map[*stack]string{a: cutoverActor(account, "pipeline-a"), b: cutoverActor(account, "pipeline-b"), c: cutoverActor(account, "pipeline-c")}
	names := map[*stack]string{a: "pipeline-a", b: "pipeline-b", c: "pipeline-c"}

	apiGreen, webGreen := 0, 0
	for round := 0; round < rounds; round++ {
		roundSeed := seed + int64(round)
		rng := rand.New(rand.NewSource(roundSeed))

		// Same service: a and b both shift api to the other side.
		{
			started := time.Now()
			run := soak.Run{Seed: roundSeed}
			lost := func(format string, args ...any) {
				run.Lost = append(run.Lost, fmt.Sprintf(format, args...))
				t.Errorf("round %d (seed %d), same service: %s", round, roundSeed, fmt.Sprintf(format, args...))
			}
			target := 100 - apiGreen
			want := cutoverWeights(target)
			first, second := a, b
			if rng.Intn(2) == 0 {
				first, second = b, a
			}
			stagger := time.Duration(rng.Int63n(int64(500 * time.Millisecond)))
			a.with(map[string]any{"green_weight": target})
			b.with(map[string]any{"green_weight": target})
			mark := eventMark(t, a, env)
			runs := map[*stack]*tfRun{first: startTerraform(t, first, "apply", "-input=false", "-auto-approve")}
			time.Sleep(stagger) // the seeded head start, not a wait for an outcome
			runs[second] = startTerraform(t, second, "apply", "-input=false", "-auto-approve")
			outs := map[*stack]string{a: runs[a].Wait(t, 3*time.Minute), b: runs[b].Wait(t, 3*time.Minute)}

			var winner, loser *stack
			switch {
			case runs[a].ExitCode() == 0 && runs[b].ExitCode() != 0:
				winner, loser = a, b
			case runs[b].ExitCode() == 0 && runs[a].ExitCode() != 0:
				winner, loser = b, a
			default:
				t.Fatalf("round %d: want exactly one apply to succeed; pipeline-a exit %d, pipeline-b exit %d\npipeline-a:\n%s\npipeline-b:\n%s",
					round, runs[a].ExitCode(), runs[b].ExitCode(), outs[a], outs[b])
			}
			events := eventsSince(t, a, env, mark)
			operation := "traffic shift to " + want.String() + " by terraform apply"
			msg := fmt.Sprintf("shop/prod/api is locked by %s (%s) since", actors[winner], operation)
			if !strings.Contains(flatOutput(outs[loser]), msg) {
				lost("%s's failure does not name the holder: want %q in\n%s", names[loser], msg, outs[loser])
			}
			// The loser failed while the winner was still cutting over.
			done := firstEvent(events, ledger.KindCutoverCompleted)
			if done.Actor != actors[winner] {
				lost("no cutover completed by %s:%s", names[winner], describeEvents(events))
			} else if !runs[loser].Ended.Before(done.At) {
				lost("%s ended at %s, not before %s completed its cutover at %s", names[loser],
					runs[loser].Ended.Format("15:04:05.000"), names[winner], done.At.Format("15:04:05.000"))
			}
			// Only the winner acted; traffic is where it took it.
			for _, e := range events {
				if e.Actor != actors[winner] {
					lost("%s recorded %s (%s) although it did not hold the lock", names[loser], e.Kind, e.Detail)
				}
			}
			if n := countEvents(events, ledger.KindCutoverStarted); n != 1 {
				lost("%d cutovers started, want 1:%s", n, describeEvents(events))
			}
			if live := liveWeights(t, a, api); !sameWeights(live, want) {
				lost("api at %s after the race, want %s", live, want)
			}
			if lk := readLock(t, a, env, "api"); lk != nil {
				lost("lock still held after both applies ended: %+v", *lk)
			}
			// The loser's next plan sees the winner's weights: nothing to do.
			if code := loser.PlanExitCode(nil); code != 0 {
				lost("%s's plan after the race wants changes (exit code %d)", names[loser], code)
			}
			run.Outcome = "one-refused"
			run.Detail = fmt.Sprintf("%s started %s ahead; %s proceeded (%.1fs); %s was refused after %.1fs, %.1fs before the winner's cutover completed",
				names[first], stagger.Round(time.Millisecond), names[winner], runs[winner].Ended.Sub(runs[winner].Started).Seconds(),
				names[loser], runs[loser].Ended.Sub(runs[loser].Started).Seconds(), done.At.Sub(runs[loser].Ended).Seconds())
			run.Millis = time.Since(started).Milliseconds()
			report.Add(run)
			t.Logf("round %d (seed %d), same service: %s", round, roundSeed, run.Detail)
			apiGreen = target
		}

		// Different services: a shifts api while c shifts web.
		{
			started := time.Now()
			run := soak.Run{Seed: roundSeed}
			lost := func(format string, args ...any) {
				run.Lost = append(run.Lost, fmt.Sprintf(format, args...))
				t.Errorf("round %d (seed %d), different services: %s", round, roundSeed, fmt.Sprintf(format, args...))
			}
			apiTarget, webTarget := 100-apiGreen, 100-webGreen
			a.with(map[string]any{"green_weight": apiTarget})
			c.with(map[string]any{"green_weight": webTarget})
			mark := eventMark(t, a, env)
			ra := startTerraform(t, a, "apply", "-input=false", "-auto-approve")
			rc := startTerraform(t, c, "apply", "-input=false", "-auto-approve")
			outA, outC := ra.Wait(t, 3*time.Minute), rc.Wait(t, 3*time.Minute)
			if ra.ExitCode() != 0 || rc.ExitCode() != 0 {
				t.Fatalf("round %d: both applies must succeed on different services; api exit %d, web exit %d\napi:\n%s\nweb:\n%s",
					round, ra.ExitCode(), rc.ExitCode(), outA, outC)
			}
			events := eventsSince(t, a, env, mark)
			byService := map[string][]ledger.Event{}
			for _, e := range events {
				byService[e.Service] = append(byService[e.Service], e)
			}
			apiStart, apiDone := firstEvent(byService["api"], ledger.KindCutoverStarted), firstEvent(byService["api"], ledger.KindCutoverCompleted)
			webStart, webDone := firstEvent(byService["web"], ledger.KindCutoverStarted), firstEvent(byService["web"], ledger.KindCutoverCompleted)
			if apiStart.Actor != actors[a] || apiDone.Actor != actors[a] || webStart.Actor != actors[c] || webDone.Actor != actors[c] {
				lost("each pipeline must start and complete its own cutover:%s", describeEvents(events))
			}
			// Both held their locks at the same time: otherwise this proves
			// nothing about concurrency.
			overlap := apiStart.At.Before(webDone.At) && webStart.At.Before(apiDone.At)
			if !overlap {
				// Not a loss: the check could not test what it meant to.
				t.Errorf("the two cutovers did not overlap (api %s-%s, web %s-%s): the machine was too slow for this check",
					apiStart.At.Format("15:04:05.000"), apiDone.At.Format("15:04:05.000"), webStart.At.Format("15:04:05.000"), webDone.At.Format("15:04:05.000"))
			}
			if live := liveWeights(t, a, api); !sameWeights(live, cutoverWeights(apiTarget)) {
				lost("api at %s, want %s", live, cutoverWeights(apiTarget))
			}
			if live := liveWeights(t, a, web); !sameWeights(live, cutoverWeights(webTarget)) {
				lost("web at %s, want %s", live, cutoverWeights(webTarget))
			}
			for _, svc := range []string{"api", "web"} {
				if lk := readLock(t, a, env, svc); lk != nil {
					lost("lock of %s still held: %+v", svc, *lk)
				}
			}
			run.Outcome = "both-succeeded"
			run.Detail = fmt.Sprintf("api (pipeline-a) %.1fs and web (pipeline-c) %.1fs, cutovers overlapping in the ledger",
				ra.Ended.Sub(ra.Started).Seconds(), rc.Ended.Sub(rc.Started).Seconds())
			run.Millis = time.Since(started).Milliseconds()
			report.Add(run)
			t.Logf("round %d (seed %d), different services: %s", round, roundSeed, run.Detail)
			apiGreen, webGreen = apiTarget, webTarget
		}
	}
}

func countEvents(events []ledger.Event, kind string) int {
	n := 0
	for _, e := range events {
		if e.Kind == kind {
			n++
		}
	}
	return n
}
