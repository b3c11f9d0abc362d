package verify

// How samples become one value: aggregate, then evaluate.
//
// GetMetricData answers one sample per period for each query. Each query's
// samples over the window are first combined into one number by the
// query's statistic, and the value expression is evaluated once, on those
// numbers:
//   - Sum and SampleCount add up; a query of these statistics without
//     samples counts as 0, because CloudWatch publishes no zero counts (an
//     ALB's HTTPCode_Target_5XX_Count is absent in a minute without errors).
//   - Minimum takes the least sample, Maximum the greatest.
//   - Average and the extended statistics (p99, tm90, ...) take the mean of
//     the per-period values, which is exact only when every period saw the
//     same traffic: for a traffic-weighted mean divide a Sum query by a
//     SampleCount one.
//
// So "100 * errors / requests" with Sum queries is sum(errors) /
// sum(requests) over the window: the rate of the window's requests, not a
// mean of per-minute rates, in which a quiet minute would weigh as much as
// a busy one.
//
// The Mann-Whitney comparison needs a sample of values, so for it the
// expression is also evaluated per period, on the samples of that period
// (missing Sum and SampleCount samples again counting as 0; a period where
// a query of another statistic has no sample is left out). The period in
// progress is left out too: its samples are partial (a Sum of the seconds
// so far), so its value is not drawn like the others and must not count
// towards min_samples.
//
// A side has no data when none of its queries has a sample, when a query
// whose missing samples cannot count as 0 has none, or when the value is
// not a finite number (0 / 0 when nothing was requested).

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

// series is one query's samples, oldest first.
type series struct {
	times  []time.Time
	values []float64
}

// window is the time a check reads: whole periods, the last of them the
// one in progress, so the freshest samples count.
type window struct {
	start, end time.Time
	period     time.Duration
}

func windowAt(now time.Time, period, length time.Duration) window {
	end := now.UTC().Truncate(period).Add(period)
	return window{start: end.Add(-length), end: end, period: period}
}

// verdict is the outcome of one check: failed checks, checks without data,
// and the samples used, for messages.
type verdict struct {
	failures, missing []string
	samples           string
}

// additive statistics sum over periods, and a period without a sample
// counts as 0.
func additive(stat string) bool { return stat == "Sum" || stat == "SampleCount" }

// aggregate combines one query's samples over the window; ok is false when
// there is nothing to combine and no sample cannot mean 0.
func aggregate(stat string, values []float64) (float64, bool) {
	switch {
	case additive(stat):
		var sum float64
		for _, v := range values {
			sum += v
		}
		return sum, true
	case len(values) == 0:
		return 0, false
	case stat == "Minimum":
		return slices.Min(values), true
	case stat == "Maximum":
		return slices.Max(values), true
	default:
		var sum float64
		for _, v := range values {
			sum += v
		}
		return sum / float64(len(values)), true
	}
}

// windowValue evaluates the value on one side's window aggregates. problem
// is "" when the value is a finite number, else why there is none.
func (m *Metric) windowValue(data map[string]series) (value float64, problem string) {
	env := make(map[string]float64, len(m.spec.Queries))
	var empty []string
	sampled := false
	for _, q := range m.spec.Queries {
		s := data[q.ID]
		sampled = sampled || len(s.values) > 0
		x, ok := aggregate(q.Stat, s.values)
		if !ok {
			empty = append(empty, q.ID)
		}
		env[q.ID] = x
	}
	switch {
	case !sampled:
		return 0, "no samples"
	case len(empty) > 0:
		return 0, "no samples of " + strings.Join(empty, ", ")
	}
	x, err := evalValue(m.program, env)
	if err != nil {
		return 0, fmt.Sprintf("%s could not be evaluated: %v", m.spec.Value, err)
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Sprintf("%s is %s", m.spec.Value, num(x))
	}
	return x, ""
}

// periodValues evaluates the value in each complete period of w that has
// samples.
func (m *Metric) periodValues(w window, data map[string]series) []float64 {
	inProgress := w.end.Add(-w.period)
	var times []time.Time
	for _, q := range m.spec.Queries {
		for _, t := range data[q.ID].times {
			if t.Before(inProgress) {
				times = append(times, t)
			}
		}
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	times = slices.CompactFunc(times, func(a, b time.Time) bool { return a.Equal(b) })
	var out []float64
	for _, t := range times {
		env, ok := m.periodEnv(data, t)
		if !ok {
			continue
		}
		if x, err := evalValue(m.program, env); err == nil && !math.IsNaN(x) && !math.IsInf(x, 0) {
			out = append(out, x)
		}
	}
	return out
}

func (m *Metric) periodEnv(data map[string]series, t time.Time) (map[string]float64, bool) {
	env := make(map[string]float64, len(m.spec.Queries))
	for _, q := range m.spec.Queries {
		s := data[q.ID]
		i := slices.IndexFunc(s.times, func(x time.Time) bool { return x.Equal(t) })
		switch {
		case i >= 0:
			env[q.ID] = s.values[i]
		case additive(q.Stat):
			env[q.ID] = 0
		default:
			return nil, false
		}
	}
	return env, true
}

// judge evaluates one window's samples against the spec.
func (m *Metric) judge(w window, canary, baseline map[string]series) verdict {
	var v verdict
	s := m.spec
	label := func(side, text string) string {
		if s.Baseline == nil {
			return text
		}
		return side + ": " + text
	}
	cv, cproblem := m.windowValue(canary)
	if cproblem != "" {
		v.missing = append(v.missing, label("canary", cproblem))
	} else {
		if s.Max != nil && cv > *s.Max {
			v.failures = append(v.failures, fmt.Sprintf("%s = %s, above max %s", s.Value, num(cv), num(*s.Max)))
		}
		if s.Min != nil && cv < *s.Min {
			v.failures = append(v.failures, fmt.Sprintf("%s = %s, below min %s", s.Value, num(cv), num(*s.Min)))
		}
	}
	var cper, bper []float64
	if b := s.Baseline; b != nil {
		bv, bproblem := m.windowValue(baseline)
		if bproblem != "" && b.MaxRatio > 0 {
			v.missing = append(v.missing, label("baseline", bproblem))
		}
		if b.MaxRatio > 0 && cproblem == "" && bproblem == "" && cv > b.MaxRatio*bv {
			v.failures = append(v.failures, fmt.Sprintf("%s = %s, above %s × baseline %s = %s",
				s.Value, num(cv), num(b.MaxRatio), num(bv), num(b.MaxRatio*bv)))
		}
		if b.MannWhitney != nil {
			cper, bper = m.periodValues(w, canary), m.periodValues(w, baseline)
			failed, missing := b.MannWhitney.judge(cper, bper)
			if failed != "" {
				v.failures = append(v.failures, failed)
			}
			if missing != "" {
				v.missing = append(v.missing, missing)
			}
		}
	}
	v.samples = m.describeSamples(w, canary, baseline, cper, bper)
	return v
}

// alpha is 1 - Confidence, rounded to 12 decimals so that 0.95 gives 0.05
// and not 0.05000000000000004.
func (mw *MannWhitney) alpha() float64 { return math.Round((1-mw.Confidence)*1e12) / 1e12 }

// judge runs the test on the per-period values of canary and baseline.
func (mw *MannWhitney) judge(canary, baseline []float64) (failed, missing string) {
	need := mw.MinSamples
	if need <= 0 {
		need = DefaultMinSamples
	}
	if len(canary) < need || len(baseline) < need {
		return "", fmt.Sprintf("Mann-Whitney test: %d canary and %d baseline values of complete periods, needs %d on each side",
			len(canary), len(baseline), need)
	}
	r := MannWhitneyGreater(canary, baseline)
	alpha := mw.alpha()
	if r.P >= alpha {
		return "", ""
	}
	method := "normal approximation"
	if r.Exact {
		method = "exact"
	}
	return fmt.Sprintf("per-period values significantly above the baseline's (Mann-Whitney U = %s, one-sided p = %s < %s, %s; %d canary vs %d baseline values)",
		num(r.U), num(r.P), num(alpha), method, len(canary), len(baseline)), ""
}

// describeSamples says what a check read, for its failure message.
func (m *Metric) describeSamples(w window, canary, baseline map[string]series, cper, bper []float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "samples of %s to %s, %s periods: ", rollout.ShortDuration(m.spec.Window), w.end.Format(time.RFC3339), rollout.ShortDuration(w.period))
	b.WriteString(m.describeSide(canary))
	if m.spec.Baseline != nil {
		b.WriteString("; baseline: ")
		b.WriteString(m.describeSide(baseline))
	}
	if m.spec.Baseline != nil && m.spec.Baseline.MannWhitney != nil {
		fmt.Fprintf(&b, "; values of complete periods: canary %s, baseline %s", list(cper), list(bper))
	}
	return b.String()
}

func (m *Metric) describeSide(data map[string]series) string {
	parts := make([]string, 0, len(m.spec.Queries))
	for _, q := range m.spec.Queries {
		s := data[q.ID]
		x, ok := aggregate(q.Stat, s.values)
		if !ok {
			parts = append(parts, fmt.Sprintf("%s: no %s samples", q.ID, q.Stat))
			continue
		}
		parts = append(parts, fmt.Sprintf("%s = %s (%s of %d: %s)", q.ID, num(x), q.Stat, len(s.values), strings.Trim(list(s.values), "[]")))
	}
	return strings.Join(parts, ", ")
}

// maxListed bounds the samples a message lists.
const maxListed = 30

func list(values []float64) string {
	shown := values[:min(len(values), maxListed)]
	parts := make([]string, len(shown))
	for i, v := range shown {
		parts[i] = num(v)
	}
	if len(values) > len(shown) {
		parts = append(parts, fmt.Sprintf("… %d more", len(values)-len(shown)))
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// num formats a value for messages: whole numbers as such, others to four
// significant digits.
func num(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case math.Abs(v) >= 1:
		return strconv.FormatFloat(math.Round(v*1e4)/1e4, 'f', -1, 64)
	default:
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
}

// MetricError is a failed metric gate: which gate, which checks failed with
// which value and threshold, and the samples used.
type MetricError struct {
	Gate     string
	Problems []string
	Samples  string
	// NoData, when set, says why a check without data failed.
	NoData string
}

func (e *MetricError) Error() string {
	if e.NoData != "" {
		return fmt.Sprintf("%s: no data (%s): %s; %s", e.Gate, e.NoData, strings.Join(e.Problems, "; "), e.Samples)
	}
	return fmt.Sprintf("%s: %s; %s", e.Gate, strings.Join(e.Problems, "; "), e.Samples)
}
