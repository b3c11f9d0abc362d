package rollout

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// Strategy says how to walk from the live weights to the declared ones.
// The zero value is all at once.
type Strategy struct {
	// CanarySteps are percentages of the destination gaining the most
	// traffic, strictly increasing, each 1..99.
	CanarySteps []int
	// LinearIncrement moves the gaining destination by this many points per
	// step (1..99). Zero: not linear.
	LinearIncrement int
	// Bake is how long each step but the last holds while gates are polled
	// (the canary bake or the linear interval).
	Bake time.Duration
}

// Kind names the strategy: "all-at-once", "canary" or "linear".
func (s Strategy) Kind() string {
	switch {
	case len(s.CanarySteps) > 0:
		return "canary"
	case s.LinearIncrement > 0:
		return "linear"
	}
	return "all-at-once"
}

// PlanSteps returns the weights to set, in order, to go from `from` to `to`;
// the last step is `to`. It returns nil when the live weights already are the
// declared ones. Keys of `from` missing in `to` go to zero.
func PlanSteps(from, to Weights, s Strategy) []Weights {
	keys := unionKeys(from, to)
	if equalWeights(from, to, keys) {
		return nil
	}
	gainer := ""
	gain := 0
	for _, k := range keys {
		if d := to[k] - from[k]; d > gain {
			gainer, gain = k, d
		}
	}
	var marks []int // percentages of the gaining destination, strictly between from and to
	lo, hi := from[gainer], to[gainer]
	switch {
	case gain == 0:
		// Only keys without declared weight change, e.g. a stray target
		// dropped to zero; nothing to bake.
	case len(s.CanarySteps) > 0:
		for _, p := range s.CanarySteps {
			if p > lo && p < hi {
				marks = append(marks, p)
			}
		}
	case s.LinearIncrement > 0:
		for p := lo + s.LinearIncrement; p < hi; p += s.LinearIncrement {
			marks = append(marks, p)
		}
	}
	steps := make([]Weights, 0, len(marks)+1)
	for _, p := range marks {
		f := float64(p-lo) / float64(hi-lo)
		steps = append(steps, interpolate(from, to, keys, gainer, p, f))
	}
	return append(steps, copyWeights(to, keys))
}

// interpolate puts the gainer at exactly p and moves every other key the
// same fraction f of its way, keeping whole numbers that sum to 100 by
// giving rounding remainders to the largest fractions.
func interpolate(from, to Weights, keys []string, gainer string, p int, f float64) Weights {
	w := Weights{gainer: p}
	type part struct {
		key  string
		frac float64
	}
	var parts []part
	total := p
	for _, k := range keys {
		if k == gainer {
			continue
		}
		v := float64(from[k]) + f*float64(to[k]-from[k])
		fl := math.Floor(v)
		w[k] = int(fl)
		total += int(fl)
		parts = append(parts, part{k, v - fl})
	}
	sort.SliceStable(parts, func(i, j int) bool { return parts[i].frac > parts[j].frac })
	for i := 0; total < 100 && len(parts) > 0; i = (i + 1) % len(parts) {
		w[parts[i].key]++
		total++
	}
	return w
}

func unionKeys(a, b Weights) []string {
	seen := map[string]bool{}
	var keys []string
	for _, m := range []Weights{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	return keys
}

func equalWeights(a, b Weights, keys []string) bool {
	for _, k := range keys {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}

func copyWeights(w Weights, keys []string) Weights {
	out := make(Weights, len(keys))
	for _, k := range keys {
		out[k] = w[k]
	}
	return out
}

// Equal reports whether two weight maps route the same (missing keys are 0).
func Equal(a, b Weights) bool { return equalWeights(a, b, unionKeys(a, b)) }

// String renders weights in key order: "blue=90 green=10".
func (w Weights) String() string {
	keys := unionKeys(w, nil)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, w[k])
	}
	return strings.Join(parts, " ")
}

// Describe renders a cutover for plans and logs:
// "green 0 → 100: 10% for 5m, 50% for 5m, then 100%".
func Describe(from, to Weights, steps []Weights, s Strategy) string {
	if len(steps) == 0 {
		return "no change"
	}
	gainer, gain := "", 0
	for _, k := range unionKeys(from, to) {
		if d := to[k] - from[k]; d > gain {
			gainer, gain = k, d
		}
	}
	if gainer == "" {
		return fmt.Sprintf("set %s", to)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %d → %d: ", gainer, from[gainer], to[gainer])
	for _, st := range steps[:len(steps)-1] {
		fmt.Fprintf(&b, "%d%% for %s, ", st[gainer], s.Bake)
	}
	if len(steps) == 1 {
		b.WriteString("all at once")
	} else {
		fmt.Fprintf(&b, "then %d%%", to[gainer])
	}
	return b.String()
}
