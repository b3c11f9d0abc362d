package rollout

import (
	"reflect"
	"testing"
	"time"
)

func TestPlanSteps(t *testing.T) {
	canary := Strategy{CanarySteps: []int{10, 50}, Bake: 5 * time.Minute}
	linear := Strategy{LinearIncrement: 25, Bake: time.Minute}
	tests := []struct {
		name     string
		from, to Weights
		s        Strategy
		want     []Weights
	}{
		{"no change", Weights{"blue": 100, "green": 0}, Weights{"blue": 100, "green": 0}, canary, nil},
		{"no change, missing zero keys", Weights{"blue": 100}, Weights{"blue": 100, "green": 0}, canary, nil},
		{"all at once", Weights{"blue": 100, "green": 0}, Weights{"blue": 0, "green": 100}, Strategy{},
			[]Weights{{"blue": 0, "green": 100}}},
		{"canary forward", Weights{"blue": 100, "green": 0}, Weights{"blue": 0, "green": 100}, canary,
			[]Weights{{"blue": 90, "green": 10}, {"blue": 50, "green": 50}, {"blue": 0, "green": 100}}},
		{"canary back the other way", Weights{"blue": 0, "green": 100}, Weights{"blue": 100, "green": 0}, canary,
			[]Weights{{"blue": 10, "green": 90}, {"blue": 50, "green": 50}, {"blue": 100, "green": 0}}},
		{"canary skips steps already passed", Weights{"blue": 80, "green": 20}, Weights{"blue": 0, "green": 100}, canary,
			[]Weights{{"blue": 50, "green": 50}, {"blue": 0, "green": 100}}},
		{"canary to a partial target", Weights{"blue": 100, "green": 0}, Weights{"blue": 70, "green": 30}, canary,
			[]Weights{{"blue": 90, "green": 10}, {"blue": 70, "green": 30}}},
		{"linear", Weights{"blue": 100, "green": 0}, Weights{"blue": 0, "green": 100}, linear,
			[]Weights{{"blue": 75, "green": 25}, {"blue": 50, "green": 50}, {"blue": 25, "green": 75}, {"blue": 0, "green": 100}}},
		{"linear increment not dividing evenly", Weights{"a": 100, "b": 0}, Weights{"a": 0, "b": 100}, Strategy{LinearIncrement: 40},
			[]Weights{{"a": 60, "b": 40}, {"a": 20, "b": 80}, {"a": 0, "b": 100}}},
		{"three destinations, sums stay 100", Weights{"a": 50, "b": 50, "c": 0}, Weights{"a": 0, "b": 0, "c": 100}, Strategy{CanarySteps: []int{33}},
			[]Weights{{"a": 34, "b": 33, "c": 33}, {"a": 0, "b": 0, "c": 100}}},
		{"stray live key goes to zero", Weights{"blue": 90, "arn:stray": 10}, Weights{"blue": 0, "green": 100}, Strategy{CanarySteps: []int{50}},
			[]Weights{{"blue": 45, "arn:stray": 5, "green": 50}, {"blue": 0, "arn:stray": 0, "green": 100}}},
		{"only a stray key changes", Weights{"blue": 100, "arn:stray": 0}, Weights{"blue": 100}, canary, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := PlanSteps(tc.from, tc.to, tc.s)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("PlanSteps(%v → %v)\n got  %v\n want %v", tc.from, tc.to, got, tc.want)
			}
			for i, w := range got {
				sum := 0
				for _, v := range w {
					if v < 0 || v > 100 {
						t.Fatalf("step %d has weight %d", i, v)
					}
					sum += v
				}
				if sum != 100 {
					t.Fatalf("step %d sums to %d: %v", i, sum, w)
				}
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	from, to := Weights{"blue": 100, "green": 0}, Weights{"blue": 0, "green": 100}
	s := Strategy{CanarySteps: []int{10, 50}, Bake: 5 * time.Minute}
	got := Describe(from, to, PlanSteps(from, to, s), s)
	if want := "green 0 → 100: 10% for 5m0s, 50% for 5m0s, then 100%"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if got := Describe(from, to, PlanSteps(from, to, Strategy{}), Strategy{}); got != "green 0 → 100: all at once" {
		t.Fatalf("all at once: %q", got)
	}
	if got := Describe(from, from, nil, s); got != "no change" {
		t.Fatalf("no change: %q", got)
	}
}

func TestStrategyKind(t *testing.T) {
	for want, s := range map[string]Strategy{
		"all-at-once": {}, "canary": {CanarySteps: []int{10}}, "linear": {LinearIncrement: 10},
	} {
		if got := s.Kind(); got != want {
			t.Errorf("Kind() = %q, want %q", got, want)
		}
	}
}
