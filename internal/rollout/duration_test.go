package rollout

import (
	"testing"
	"time"
)

func TestStrategyMaxSteps(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    Strategy
		want int
	}{
		{"all at once", Strategy{}, 1},
		{"canary 10, 50", Strategy{CanarySteps: []int{10, 50}}, 3},
		{"linear 20", Strategy{LinearIncrement: 20}, 5},
		{"linear 30", Strategy{LinearIncrement: 30}, 4},
		{"linear 99", Strategy{LinearIncrement: 99}, 2},
	} {
		if got := tc.s.MaxSteps(); got != tc.want {
			t.Errorf("%s: MaxSteps() = %d, want %d", tc.name, got, tc.want)
		}
	}
}

// MaxSteps is never fewer than PlanSteps plans, from any side.
func TestStrategyMaxStepsBoundsPlanSteps(t *testing.T) {
	for _, s := range []Strategy{{CanarySteps: []int{10, 50}}, {CanarySteps: []int{1, 2, 99}}, {LinearIncrement: 20}, {LinearIncrement: 33}, {}} {
		for _, from := range []int{0, 10, 50, 99, 100} {
			for _, to := range []int{0, 1, 50, 100} {
				steps := PlanSteps(Weights{"a": 100 - from, "b": from}, Weights{"a": 100 - to, "b": to}, s)
				if len(steps) > s.MaxSteps() {
					t.Errorf("%+v from b=%d to b=%d plans %d steps, MaxSteps() = %d", s, from, to, len(steps), s.MaxSteps())
				}
			}
		}
	}
}

func TestStrategyDuration(t *testing.T) {
	canary := Strategy{CanarySteps: []int{10, 50}, Bake: 10 * time.Minute}
	for _, tc := range []struct {
		name  string
		s     Strategy
		n     int
		check time.Duration
		want  time.Duration
	}{
		{"no steps", canary, 0, 5 * time.Second, 0},
		{"one step: no bake", canary, 1, 5 * time.Second, 35 * time.Second},
		// 2 bakes of 10m, 3 checks of 5s, 3 × 30s of calls.
		{"canary 10, 50, then 100", canary, 3, 5 * time.Second, 20*time.Minute + 15*time.Second + 90*time.Second},
		{"no gates", canary, 3, 0, 20*time.Minute + 90*time.Second},
		{"linear 20 with 1m intervals", Strategy{LinearIncrement: 20, Bake: time.Minute}, 5, 2 * time.Second, 4*time.Minute + 5*32*time.Second},
	} {
		if got := tc.s.Duration(tc.n, tc.check); got != tc.want {
			t.Errorf("%s: Duration(%d, %s) = %s, want %s", tc.name, tc.n, tc.check, got, tc.want)
		}
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		5 * time.Minute:               "5m",
		90 * time.Minute:              "1h30m",
		12 * time.Hour:                "12h",
		30 * time.Second:              "30s",
		2*time.Minute + 5*time.Second: "2m5s",
		1500 * time.Millisecond:       "1.5s",
		time.Hour + 30*time.Second:    "1h0m30s",
		0:                             "0s",
	} {
		if got := ShortDuration(d); got != want {
			t.Errorf("ShortDuration(%s) = %q, want %q", d, got, want)
		}
	}
}
