package rollout

import (
	"fmt"
	"testing"
	"time"
)

// Benchmarks of the step planner, which runs at every plan of every traffic
// split (planned_steps, cutover) and again at apply. Each checks the size of
// its answer once, so a planner that goes wrong fails the benchmark rather
// than getting faster. Run them with
//
//	go test -run '^$' -bench . -benchmem ./internal/rollout
//
// (test/bench's "gobench" measurement does, and keeps benchstat-ready output).

func benchPlan(b *testing.B, from, to Weights, s Strategy, wantSteps int) {
	b.Helper()
	if got := len(PlanSteps(from, to, s)); got != wantSteps {
		b.Fatalf("PlanSteps(%s → %s, %s) gave %d steps, want %d", from, to, s.Kind(), got, wantSteps)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		PlanSteps(from, to, s)
	}
}

func BenchmarkPlanSteps(b *testing.B) {
	blue := Weights{"blue": 100, "green": 0}
	green := Weights{"blue": 0, "green": 100}
	b.Run("no-change", func(b *testing.B) { benchPlan(b, blue, blue, Strategy{CanarySteps: []int{10, 50}}, 0) })
	b.Run("all-at-once", func(b *testing.B) { benchPlan(b, blue, green, Strategy{}, 1) })
	b.Run("canary-3-steps", func(b *testing.B) {
		benchPlan(b, blue, green, Strategy{CanarySteps: []int{10, 50}, Bake: 5 * time.Minute}, 3)
	})
	b.Run("linear-1pt-100-steps", func(b *testing.B) {
		benchPlan(b, blue, green, Strategy{LinearIncrement: 1, Bake: time.Minute}, 100)
	})
	// A Route 53 split can carry many weighted records; moving one of ten
	// destinations to all traffic spreads every rounding remainder.
	from, to := Weights{}, Weights{}
	for i := range 10 {
		k := fmt.Sprintf("d%02d", i)
		from[k], to[k] = 10, 0
	}
	to["d00"] = 100
	b.Run("linear-10-destinations", func(b *testing.B) {
		benchPlan(b, from, to, Strategy{LinearIncrement: 10, Bake: time.Minute}, 9)
	})
}

func BenchmarkDescribe(b *testing.B) {
	from, to := Weights{"blue": 100, "green": 0}, Weights{"blue": 0, "green": 100}
	s := Strategy{CanarySteps: []int{10, 50}, Bake: 5 * time.Minute}
	steps := PlanSteps(from, to, s)
	if got, want := Describe(from, to, steps, s), "green 0 → 100: 10% for 5m0s, 50% for 5m0s, then 100%"; got != want {
		b.Fatalf("Describe = %q, want %q", got, want)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		Describe(from, to, steps, s)
	}
}
