package verify

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/expr-lang/expr/vm"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

var _ rollout.Gate = (*Metric)(nil)

// MetricQuery is one CloudWatch metric read with GetMetricData (a MetricStat
// query). ID names its value in the gate's expression.
type MetricQuery struct {
	ID         string
	Namespace  string
	MetricName string
	Dimensions map[string]string
	// Stat is a CloudWatch statistic: SampleCount, Average, Sum, Minimum,
	// Maximum, or an extended one such as p99 or tm90.
	Stat string
}

// MetricBaseline compares the gate's value with the same queries read with
// other dimensions: the stable destination's.
type MetricBaseline struct {
	// Dimensions replace the query dimensions of the same names; the
	// query's other dimensions are kept (an ALB target group metric keeps
	// its LoadBalancer, a Lambda metric its FunctionName and Resource).
	Dimensions map[string]string
	// MaxRatio fails the gate when value > MaxRatio × the baseline's value.
	// Zero: no ratio check.
	MaxRatio float64
	// MannWhitney, when set, also fails the gate when the canary's
	// per-period values are significantly higher than the baseline's.
	MannWhitney *MannWhitney
}

// MannWhitney configures a one-sided Mann-Whitney U test of "the canary's
// per-period values are higher than the baseline's".
type MannWhitney struct {
	// Confidence, e.g. 0.95: the gate fails when p < 1 - Confidence.
	Confidence float64
	// MinSamples is the least number of per-period values on each side for
	// the test to count (default DefaultMinSamples); with fewer, the test
	// has no data.
	MinSamples int
}

// DefaultMinSamples is the default MannWhitney.MinSamples: with five values
// a side, the smallest one-sided p-value possible is 1/252 ≈ 0.004.
const DefaultMinSamples = 5

// NoData says what a check without data means.
type NoData string

const (
	// NoDataWait (the default): no data is not a verdict yet. During a bake
	// it passes until a whole window has gone by without data, counted from
	// the gate's first check or its last check that had data, then fails;
	// in Verify the gate is read every period until it has data, and fails
	// when a window has passed without any.
	NoDataWait NoData = "wait"
	// NoDataFail fails a check without data at once.
	NoDataFail NoData = "fail"
	// NoDataPass passes a check without data.
	NoDataPass NoData = "pass"
)

// NoDataValues are the accepted NoData values.
var NoDataValues = []string{string(NoDataWait), string(NoDataFail), string(NoDataPass)}

// MetricSpec is a metric gate as configured.
type MetricSpec struct {
	Name    string
	Queries []MetricQuery
	// Value is an expression over the query IDs (expr-lang syntax:
	// arithmetic, abs(), min(), max() ...) evaluated by golive; it must
	// yield a number.
	Value  string
	Period time.Duration // a multiple of one minute
	Window time.Duration // a multiple of Period: how far back a check looks
	// Min and Max, when set, fail the gate when value < Min or value > Max.
	Min, Max *float64
	Baseline *MetricBaseline
	NoData   NoData // "" means NoDataWait
}

// Metric is a gate that judges a canary by CloudWatch metrics: it reads raw
// samples with GetMetricData and evaluates Value itself, so it works where
// metric math is unavailable and its failures can show every sample used.
// See metric_eval.go for how samples become one value.
type Metric struct {
	spec    MetricSpec
	program *vm.Program
	client  cloudwatch.GetMetricDataAPIClient
	// Clock is the time the gate reads windows and waits by; nil is the
	// wall clock.
	Clock rollout.Clock

	mu sync.Mutex
	// since is when the gate's current stretch without data began: its
	// first check, then each check that had data. NoDataWait fails once
	// a window has passed since.
	since time.Time
}

// NewMetric returns the gate, or the spec's validation errors. client is
// usually golive's CloudWatch client (query protocol; see
// awsclient.Clients.CloudWatch).
func NewMetric(client cloudwatch.GetMetricDataAPIClient, spec MetricSpec) (*Metric, error) {
	if errs := spec.Validate(); len(errs) > 0 {
		return nil, fmt.Errorf("metric %q: %w", spec.Name, FieldErrors(errs))
	}
	program, err := compileValue(spec.Value, spec.Queries)
	if err != nil {
		return nil, fmt.Errorf("metric %q: value: %w", spec.Name, err)
	}
	if spec.NoData == "" {
		spec.NoData = NoDataWait
	}
	return &Metric{spec: spec, program: program, client: client}, nil
}

// Name is `metric "canary-5xx-rate"`.
func (m *Metric) Name() string { return fmt.Sprintf("metric %q", m.spec.Name) }

// Check reads the window that ends now and judges it. A check without data
// is decided by the spec's NoData. With NoDataWait, a gap shorter than a
// window passes even after data was seen: CloudWatch publishes a period a
// minute or more after it ends, so a short window is now and then empty
// although the canary is serving.
func (m *Metric) Check(ctx context.Context) error {
	now := m.clock().Now()
	since := m.start(now)
	v, err := m.judgeAt(ctx, now)
	if err != nil || len(v.failures) > 0 {
		return m.failure(v, err)
	}
	if len(v.missing) == 0 {
		m.sawData(now)
		return nil
	}
	switch {
	case m.spec.NoData == NoDataPass:
		return nil
	case m.spec.NoData == NoDataWait && now.Sub(since) < m.spec.Window:
		return nil
	}
	return m.noData(v, now.Sub(since))
}

// Verify is the gate for a verification that must see evidence: it checks
// until the gate has data, then returns its verdict. With NoDataWait it
// reads every Period for at most one Window; otherwise it checks once.
func (m *Metric) Verify(ctx context.Context) error {
	clock := m.clock()
	first := m.start(clock.Now())
	for {
		now := clock.Now()
		v, err := m.judgeAt(ctx, now)
		if err != nil || len(v.failures) > 0 {
			return m.failure(v, err)
		}
		if len(v.missing) == 0 || m.spec.NoData == NoDataPass {
			return nil
		}
		left := m.spec.Window - now.Sub(first)
		if m.spec.NoData == NoDataFail || left <= 0 {
			return m.noData(v, now.Sub(first))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: interrupted while waiting for data: %w", m.Name(), context.Cause(ctx))
		case <-clock.After(min(m.spec.Period, left)):
		}
	}
}

// Spec returns the gate's configuration.
func (m *Metric) Spec() MetricSpec { return m.spec }

func (m *Metric) clock() rollout.Clock {
	if m.Clock == nil {
		return rollout.RealClock
	}
	return m.Clock
}

// start records the first check and returns when the current stretch
// without data began.
func (m *Metric) start(now time.Time) time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.since.IsZero() {
		m.since = now
	}
	return m.since
}

// sawData restarts the stretch without data at now.
func (m *Metric) sawData(now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.since = now
}

// judgeAt reads the window ending at now and evaluates it.
func (m *Metric) judgeAt(ctx context.Context, now time.Time) (verdict, error) {
	w := windowAt(now, m.spec.Period, m.spec.Window)
	canary, baseline, err := m.fetch(ctx, w)
	if err != nil {
		return verdict{}, err
	}
	return m.judge(w, canary, baseline), nil
}

func (m *Metric) failure(v verdict, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", m.Name(), err)
	}
	return &MetricError{Gate: m.Name(), Problems: v.failures, Samples: v.samples}
}

func (m *Metric) noData(v verdict, waited time.Duration) error {
	why := "no_data = \"fail\""
	if m.spec.NoData == NoDataWait {
		why = fmt.Sprintf("none for %s, no_data = \"wait\"", waited.Round(time.Second))
	}
	return &MetricError{Gate: m.Name(), Problems: v.missing, Samples: v.samples, NoData: why}
}

// Condition says when the gate fails, for plans: `metric canary-5xx-rate
// (100 * errors / requests over 5m) is above 1 or above 1.5 × baseline`.
func (s MetricSpec) Condition() string {
	var conds []string
	if s.Max != nil {
		conds = append(conds, "above "+num(*s.Max))
	}
	if s.Min != nil {
		conds = append(conds, "below "+num(*s.Min))
	}
	if b := s.Baseline; b != nil {
		if b.MaxRatio > 0 {
			conds = append(conds, fmt.Sprintf("above %s × baseline", num(b.MaxRatio)))
		}
		if b.MannWhitney != nil {
			conds = append(conds, fmt.Sprintf("significantly above baseline (Mann-Whitney, %s%% confidence)", num(b.MannWhitney.Confidence*100)))
		}
	}
	return fmt.Sprintf("metric %s (%s over %s) is %s", s.Name, s.Value, rollout.ShortDuration(s.Window), strings.Join(conds, " or "))
}

// Verifying is the gate as a verification uses it: its Check is Verify,
// which waits for data rather than passing without it.
func (m *Metric) Verifying() rollout.Gate { return verifyingMetric{m} }

type verifyingMetric struct{ m *Metric }

func (v verifyingMetric) Name() string                    { return v.m.Name() }
func (v verifyingMetric) Check(ctx context.Context) error { return v.m.Verify(ctx) }
