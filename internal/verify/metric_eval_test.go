package verify_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/golive-dev/terraform-provider-golive/internal/verify"
)

// fakeMetrics answers GetMetricData from per-period samples keyed by
// metric name, dimensions and statistic, and keeps the requests.
type fakeMetrics struct {
	mu      sync.Mutex
	samples map[string][]sample
	inputs  []*cloudwatch.GetMetricDataInput
}

type sample struct {
	at time.Time
	v  float64
}

func metricKey(name string, dims map[string]string, stat string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(dims)) {
		parts = append(parts, k+"="+dims[k])
	}
	return name + "|" + strings.Join(parts, ",") + "|" + stat
}

func (f *fakeMetrics) put(name string, dims map[string]string, stat string, start time.Time, values ...float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.samples == nil {
		f.samples = map[string][]sample{}
	}
	k := metricKey(name, dims, stat)
	for i, v := range values {
		f.samples[k] = append(f.samples[k], sample{start.Add(time.Duration(i) * time.Minute), v})
	}
}

func (f *fakeMetrics) GetMetricData(_ context.Context, in *cloudwatch.GetMetricDataInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inputs = append(f.inputs, in)
	out := &cloudwatch.GetMetricDataOutput{}
	for _, q := range in.MetricDataQueries {
		dims := map[string]string{}
		for _, d := range q.MetricStat.Metric.Dimensions {
			dims[aws.ToString(d.Name)] = aws.ToString(d.Value)
		}
		r := cwtypes.MetricDataResult{Id: q.Id, StatusCode: cwtypes.StatusCodeComplete}
		for _, s := range f.samples[metricKey(aws.ToString(q.MetricStat.Metric.MetricName), dims, aws.ToString(q.MetricStat.Stat))] {
			if !s.at.Before(*in.StartTime) && s.at.Before(*in.EndTime) {
				r.Timestamps = append(r.Timestamps, s.at)
				r.Values = append(r.Values, s.v)
			}
		}
		out.MetricDataResults = append(out.MetricDataResults, r)
	}
	return out, nil
}

// fakeClock moves only when waited on.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

func (c *fakeClock) advance(d time.Duration) { <-c.After(d) }

var (
	// now is 30 s into 10:05, so the window of a check is 10:01 to 10:06.
	now         = time.Date(2026, 11, 22, 10, 5, 30, 0, time.UTC)
	windowStart = time.Date(2026, 11, 22, 10, 1, 0, 0, time.UTC)
	green       = map[string]string{"TargetGroup": "targetgroup/green/0123456789abcdef", "LoadBalancer": "app/shop/0123456789abcdef"}
	blue        = map[string]string{"TargetGroup": "targetgroup/blue/0123456789abcdef", "LoadBalancer": "app/shop/0123456789abcdef"}
)

func metricGate(t *testing.T, cw cloudwatch.GetMetricDataAPIClient, change func(*verify.MetricSpec)) (*verify.Metric, *fakeClock) {
	t.Helper()
	s := validSpec()
	s.Baseline = nil
	change(&s)
	m, err := verify.NewMetric(cw, s)
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{now: now}
	m.Clock = clock
	return m, clock
}

func TestMetric_rateIsSumOverSum(t *testing.T) {
	t.Parallel()
	cw := &fakeMetrics{}
	// 10 errors in a quiet minute, none in four busy ones: 10 of 4000
	// requests is 0.25%, though the mean of the per-minute rates is 2%.
	cw.put("HTTPCode_Target_5XX_Count", green, "Sum", windowStart, 10, 0, 0, 0, 0)
	cw.put("RequestCount", green, "Sum", windowStart, 100, 900, 1000, 1000, 1000)
	m, _ := metricGate(t, cw, func(*verify.MetricSpec) {})
	if err := m.Check(context.Background()); err != nil {
		t.Fatalf("0.25%% of requests failed, max 1%%: %v", err)
	}
}

func TestMetric_failureNamesValueThresholdAndSamples(t *testing.T) {
	t.Parallel()
	cw := &fakeMetrics{}
	cw.put("HTTPCode_Target_5XX_Count", green, "Sum", windowStart, 3, 5, 4, 6, 3)
	cw.put("RequestCount", green, "Sum", windowStart, 100, 100, 100, 100, 100)
	m, _ := metricGate(t, cw, func(*verify.MetricSpec) {})
	err := m.Check(context.Background())
	wantErr(t, err, `metric "canary-5xx-rate": 100 * errors / requests = 4.2, above max 1; `+
		`samples of 5m to 2026-11-22T10:06:00Z, 1m periods: errors = 21 (Sum of 5: 3 5 4 6 3), requests = 500 (Sum of 5: 100 100 100 100 100)`)
	var me *verify.MetricError
	if !errors.As(err, &me) || me.Gate != `metric "canary-5xx-rate"` || me.NoData != "" {
		t.Fatalf("error %#v is not a MetricError for the gate", err)
	}
}

// pagedMetrics answers in pages of at most two samples a query, oldest
// first, as GetMetricData does past MaxDatapoints; NextToken is the index
// of the next page.
type pagedMetrics struct {
	*fakeMetrics
	tokens []string // NextToken of each call
}

func (p *pagedMetrics) GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, opts ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	p.tokens = append(p.tokens, aws.ToString(in.NextToken))
	all, err := p.fakeMetrics.GetMetricData(ctx, in, opts...)
	if err != nil {
		return nil, err
	}
	page := 0
	if in.NextToken != nil {
		page, _ = strconv.Atoi(*in.NextToken)
	}
	out := &cloudwatch.GetMetricDataOutput{}
	more := false
	for _, r := range all.MetricDataResults {
		from, to := min(2*page, len(r.Values)), min(2*page+2, len(r.Values))
		if to < len(r.Values) {
			more, r.StatusCode = true, cwtypes.StatusCodePartialData
		}
		r.Timestamps, r.Values = r.Timestamps[from:to], r.Values[from:to]
		out.MetricDataResults = append(out.MetricDataResults, r)
	}
	if more {
		out.NextToken = aws.String(strconv.Itoa(page + 1))
	}
	return out, nil
}

// A window whose samples come in several pages is judged on all of them.
func TestMetric_readsEveryPage(t *testing.T) {
	t.Parallel()
	cw := &pagedMetrics{fakeMetrics: &fakeMetrics{}}
	cw.put("HTTPCode_Target_5XX_Count", green, "Sum", windowStart, 3, 5, 4, 6, 3)
	cw.put("RequestCount", green, "Sum", windowStart, 100, 100, 100, 100, 100)
	m, _ := metricGate(t, cw, func(*verify.MetricSpec) {})
	wantErr(t, m.Check(context.Background()), `metric "canary-5xx-rate": 100 * errors / requests = 4.2, above max 1; `+
		`samples of 5m to 2026-11-22T10:06:00Z, 1m periods: errors = 21 (Sum of 5: 3 5 4 6 3), requests = 500 (Sum of 5: 100 100 100 100 100)`)
	if want := []string{"", "1", "2"}; !slices.Equal(cw.tokens, want) {
		t.Fatalf("NextToken of each call %q, want %q", cw.tokens, want)
	}
}

func TestMetric_minThreshold(t *testing.T) {
	t.Parallel()
	cw := &fakeMetrics{}
	cw.put("RequestCount", green, "Sum", windowStart, 10, 20)
	m, _ := metricGate(t, cw, func(s *verify.MetricSpec) {
		s.Queries, s.Value, s.Max, s.Min = s.Queries[1:], "requests / 5", nil, ptr(10)
	})
	wantErr(t, m.Check(context.Background()), `metric "canary-5xx-rate": requests / 5 = 6, below min 10; `+
		`samples of 5m to 2026-11-22T10:06:00Z, 1m periods: requests = 30 (Sum of 2: 10 20)`)
}

func TestMetric_queryShapeAndWindow(t *testing.T) {
	t.Parallel()
	cw := &fakeMetrics{}
	m, _ := metricGate(t, cw, func(s *verify.MetricSpec) {
		s.Baseline = &verify.MetricBaseline{Dimensions: map[string]string{"TargetGroup": blue["TargetGroup"]}, MaxRatio: 2}
		s.NoData = verify.NoDataPass
	})
	if err := m.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(cw.inputs) != 1 {
		t.Fatalf("%d GetMetricData calls, want 1 for canary and baseline", len(cw.inputs))
	}
	in := cw.inputs[0]
	if !in.StartTime.Equal(windowStart) || !in.EndTime.Equal(windowStart.Add(5*time.Minute)) || in.ScanBy != cwtypes.ScanByTimestampAscending {
		t.Fatalf("window %s to %s, scan %s", in.StartTime, in.EndTime, in.ScanBy)
	}
	var got []string
	for _, q := range in.MetricDataQueries {
		ms := q.MetricStat
		var dims []string
		for _, d := range ms.Metric.Dimensions {
			dims = append(dims, aws.ToString(d.Name)+"="+aws.ToString(d.Value))
		}
		got = append(got, strings.Join([]string{aws.ToString(q.Id), aws.ToString(ms.Metric.Namespace), aws.ToString(ms.Metric.MetricName),
			strings.Join(dims, ","), aws.ToString(ms.Stat), (time.Duration(aws.ToInt32(ms.Period)) * time.Second).String()}, " "))
		if !aws.ToBool(q.ReturnData) || q.Expression != nil {
			t.Fatalf("query %s: ReturnData %v, Expression %v: golive evaluates the value itself", aws.ToString(q.Id), q.ReturnData, q.Expression)
		}
	}
	want := []string{
		"c_errors AWS/ApplicationELB HTTPCode_Target_5XX_Count LoadBalancer=app/shop/0123456789abcdef,TargetGroup=targetgroup/green/0123456789abcdef Sum 1m0s",
		"c_requests AWS/ApplicationELB RequestCount LoadBalancer=app/shop/0123456789abcdef,TargetGroup=targetgroup/green/0123456789abcdef Sum 1m0s",
		"b_errors AWS/ApplicationELB HTTPCode_Target_5XX_Count LoadBalancer=app/shop/0123456789abcdef,TargetGroup=targetgroup/blue/0123456789abcdef Sum 1m0s",
		"b_requests AWS/ApplicationELB RequestCount LoadBalancer=app/shop/0123456789abcdef,TargetGroup=targetgroup/blue/0123456789abcdef Sum 1m0s",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("queries\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestMetric_missingCountsAreZero(t *testing.T) {
	t.Parallel()
	cw := &fakeMetrics{}
	// No 5xx samples at all: ALB publishes none in minutes without errors.
	cw.put("RequestCount", green, "Sum", windowStart, 100, 100)
	m, _ := metricGate(t, cw, func(s *verify.MetricSpec) { s.NoData = verify.NoDataFail })
	if err := m.Check(context.Background()); err != nil {
		t.Fatalf("no error samples should count as 0 errors: %v", err)
	}
}

func TestMetric_noData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("fail", func(t *testing.T) {
		m, _ := metricGate(t, &fakeMetrics{}, func(s *verify.MetricSpec) { s.NoData = verify.NoDataFail })
		wantErr(t, m.Check(ctx), `metric "canary-5xx-rate": no data (no_data = "fail"): no samples; `+
			`samples of 5m to 2026-11-22T10:06:00Z, 1m periods: errors = 0 (Sum of 0: ), requests = 0 (Sum of 0: )`)
	})
	t.Run("pass", func(t *testing.T) {
		m, _ := metricGate(t, &fakeMetrics{}, func(s *verify.MetricSpec) { s.NoData = verify.NoDataPass })
		if err := m.Check(ctx); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("wait is the default: passes for one window, then fails", func(t *testing.T) {
		m, clock := metricGate(t, &fakeMetrics{}, func(*verify.MetricSpec) {})
		if m.Spec().NoData != verify.NoDataWait {
			t.Fatalf("default no_data %q", m.Spec().NoData)
		}
		for range 5 {
			if err := m.Check(ctx); err != nil {
				t.Fatalf("at %s: %v", clock.Now(), err)
			}
			clock.advance(59 * time.Second)
		}
		clock.advance(5 * time.Second)
		err := m.Check(ctx)
		if err == nil || !strings.HasPrefix(err.Error(), `metric "canary-5xx-rate": no data (none for 5m0s, no_data = "wait"): no samples; `) {
			t.Fatalf("after a window without data: %v", err)
		}
	})
	t.Run("wait fails only after a whole window without data", func(t *testing.T) {
		cw := &gappyMetrics{}
		m, clock := metricGate(t, cw, func(*verify.MetricSpec) {})
		for _, c := range []struct {
			after time.Duration
			data  bool
		}{
			{0, true},
			{4 * time.Minute, false}, // CloudWatch has not published the newest periods yet
			{30 * time.Second, true},
			{4*time.Minute + 30*time.Second, false},
		} {
			clock.advance(c.after)
			cw.serving.Store(c.data)
			if err := m.Check(ctx); err != nil {
				t.Fatalf("at %s, data %v: %v", clock.Now(), c.data, err)
			}
		}
		clock.advance(31 * time.Second)
		err := m.Check(ctx)
		if err == nil || !strings.HasPrefix(err.Error(), `metric "canary-5xx-rate": no data (none for 5m1s, no_data = "wait"): no samples; `) {
			t.Fatalf("a window after the last check with data: %v", err)
		}
	})
	t.Run("a statistic that cannot count as 0", func(t *testing.T) {
		cw := &fakeMetrics{}
		cw.put("RequestCount", green, "Sum", windowStart, 100)
		m, _ := metricGate(t, cw, func(s *verify.MetricSpec) {
			s.NoData = verify.NoDataFail
			s.Queries[0].MetricName, s.Queries[0].Stat, s.Queries[0].ID = "TargetResponseTime", "p99", "latency"
			s.Value = "latency"
		})
		wantErr(t, m.Check(ctx), `metric "canary-5xx-rate": no data (no_data = "fail"): no samples of latency; `+
			`samples of 5m to 2026-11-22T10:06:00Z, 1m periods: latency: no p99 samples, requests = 100 (Sum of 1: 100)`)
	})
	t.Run("nothing requested", func(t *testing.T) {
		cw := &fakeMetrics{}
		cw.put("HTTPCode_Target_5XX_Count", green, "Sum", windowStart, 0)
		cw.put("RequestCount", green, "Sum", windowStart, 0)
		m, _ := metricGate(t, cw, func(s *verify.MetricSpec) { s.NoData = verify.NoDataFail })
		err := m.Check(ctx)
		if err == nil || !strings.Contains(err.Error(), "no data (no_data = \"fail\"): 100 * errors / requests is NaN;") {
			t.Fatalf("0 / 0: %v", err)
		}
	})
}

func TestMetric_baselineRatio(t *testing.T) {
	t.Parallel()
	baseline := func(s *verify.MetricSpec) {
		s.Max = nil
		s.Baseline = &verify.MetricBaseline{Dimensions: map[string]string{"TargetGroup": blue["TargetGroup"]}, MaxRatio: 1.5}
	}
	cw := &fakeMetrics{}
	cw.put("HTTPCode_Target_5XX_Count", green, "Sum", windowStart, 3, 3)
	cw.put("RequestCount", green, "Sum", windowStart, 100, 100)
	cw.put("HTTPCode_Target_5XX_Count", blue, "Sum", windowStart, 9, 9, 9)
	cw.put("RequestCount", blue, "Sum", windowStart, 900, 900, 900)
	m, _ := metricGate(t, cw, baseline)
	wantErr(t, m.Check(context.Background()), `metric "canary-5xx-rate": 100 * errors / requests = 3, above 1.5 × baseline 1 = 1.5; `+
		`samples of 5m to 2026-11-22T10:06:00Z, 1m periods: errors = 6 (Sum of 2: 3 3), requests = 200 (Sum of 2: 100 100); `+
		`baseline: errors = 27 (Sum of 3: 9 9 9), requests = 2700 (Sum of 3: 900 900 900)`)

	cw = &fakeMetrics{}
	cw.put("HTTPCode_Target_5XX_Count", green, "Sum", windowStart, 3, 3)
	cw.put("RequestCount", green, "Sum", windowStart, 100, 100)
	cw.put("HTTPCode_Target_5XX_Count", blue, "Sum", windowStart, 25, 20)
	cw.put("RequestCount", blue, "Sum", windowStart, 900, 900)
	m, _ = metricGate(t, cw, baseline)
	if err := m.Check(context.Background()); err != nil {
		t.Fatalf("3%% against a baseline of 2.5%%, max_ratio 1.5: %v", err)
	}

	// No errors on either side: 0 is not above 1.5 × 0.
	cw = &fakeMetrics{}
	cw.put("RequestCount", green, "Sum", windowStart, 100)
	cw.put("RequestCount", blue, "Sum", windowStart, 900)
	m, _ = metricGate(t, cw, func(s *verify.MetricSpec) { baseline(s); s.NoData = verify.NoDataFail })
	if err := m.Check(context.Background()); err != nil {
		t.Fatalf("no errors anywhere: %v", err)
	}

	// A baseline without traffic cannot be compared with.
	cw = &fakeMetrics{}
	cw.put("RequestCount", green, "Sum", windowStart, 100)
	m, _ = metricGate(t, cw, func(s *verify.MetricSpec) { baseline(s); s.NoData = verify.NoDataFail })
	err := m.Check(context.Background())
	if err == nil || !strings.Contains(err.Error(), `no data (no_data = "fail"): baseline: no samples;`) {
		t.Fatalf("baseline without samples: %v", err)
	}
}

func TestMetric_mannWhitney(t *testing.T) {
	t.Parallel()
	// Six minutes, 10:00 to 10:06: five complete periods and 10:05, in
	// progress.
	mw := func(s *verify.MetricSpec) {
		s.Max = nil
		s.NoData = verify.NoDataFail
		s.Window = 6 * time.Minute
		s.Baseline = &verify.MetricBaseline{Dimensions: map[string]string{"TargetGroup": blue["TargetGroup"]},
			MannWhitney: &verify.MannWhitney{Confidence: 0.95}}
	}
	start := windowStart.Add(-time.Minute)
	cw := &fakeMetrics{}
	cw.put("HTTPCode_Target_5XX_Count", green, "Sum", start, 5, 6, 7, 5, 6)
	cw.put("RequestCount", green, "Sum", start, 100, 100, 100, 100, 100)
	cw.put("HTTPCode_Target_5XX_Count", blue, "Sum", start, 10, 20, 10, 20, 10)
	cw.put("RequestCount", blue, "Sum", start, 1000, 1000, 1000, 1000, 1000)
	m, _ := metricGate(t, cw, mw)
	wantErr(t, m.Check(context.Background()), `metric "canary-5xx-rate": per-period values significantly above the baseline's `+
		`(Mann-Whitney U = 25, one-sided p = 0.005209 < 0.05, normal approximation; 5 canary vs 5 baseline values); `+
		`samples of 6m to 2026-11-22T10:06:00Z, 1m periods: errors = 29 (Sum of 5: 5 6 7 5 6), requests = 500 (Sum of 5: 100 100 100 100 100); `+
		`baseline: errors = 70 (Sum of 5: 10 20 10 20 10), requests = 5000 (Sum of 5: 1000 1000 1000 1000 1000); `+
		`values of complete periods: canary [5 6 7 5 6], baseline [1 2 1 2 1]`)

	// The same rates on both sides: no difference.
	cw = &fakeMetrics{}
	cw.put("HTTPCode_Target_5XX_Count", green, "Sum", start, 1, 2, 1, 2, 1)
	cw.put("RequestCount", green, "Sum", start, 100, 100, 100, 100, 100)
	cw.put("HTTPCode_Target_5XX_Count", blue, "Sum", start, 20, 10, 20, 10, 10)
	cw.put("RequestCount", blue, "Sum", start, 1000, 1000, 1000, 1000, 1000)
	m, _ = metricGate(t, cw, mw)
	if err := m.Check(context.Background()); err != nil {
		t.Fatal(err)
	}

	// Five minutes of data, the last in the period in progress: its
	// partial samples are no value for the test, which has too few.
	cw = &fakeMetrics{}
	cw.put("HTTPCode_Target_5XX_Count", green, "Sum", windowStart, 5, 6, 7, 5, 50)
	cw.put("RequestCount", green, "Sum", windowStart, 100, 100, 100, 100, 60)
	cw.put("RequestCount", blue, "Sum", start, 1000, 1000, 1000, 1000, 1000, 600)
	m, _ = metricGate(t, cw, mw)
	err := m.Check(context.Background())
	if err == nil || !strings.Contains(err.Error(), `no data (no_data = "fail"): Mann-Whitney test: 4 canary and 5 baseline values of complete periods, needs 5 on each side;`) ||
		!strings.Contains(err.Error(), "values of complete periods: canary [5 6 7 5], baseline [0 0 0 0 0]") {
		t.Fatalf("too few values: %v", err)
	}
}

// gappyMetrics answers, while serving, 100 requests and no errors in the
// first period of every window, and nothing otherwise.
type gappyMetrics struct{ serving atomic.Bool }

func (g *gappyMetrics) GetMetricData(_ context.Context, in *cloudwatch.GetMetricDataInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	out := &cloudwatch.GetMetricDataOutput{}
	for _, q := range in.MetricDataQueries {
		r := cwtypes.MetricDataResult{Id: q.Id, StatusCode: cwtypes.StatusCodeComplete}
		if g.serving.Load() && aws.ToString(q.MetricStat.Metric.MetricName) == "RequestCount" {
			r.Timestamps, r.Values = []time.Time{*in.StartTime}, []float64{100}
		}
		out.MetricDataResults = append(out.MetricDataResults, r)
	}
	return out, nil
}

// lateMetrics answers nothing before its clock reaches from, as CloudWatch
// answers nothing until a metric's first samples are published.
type lateMetrics struct {
	*fakeMetrics
	clock *fakeClock
	from  time.Time
}

func (l *lateMetrics) GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, opts ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	if l.clock.Now().Before(l.from) {
		l.mu.Lock()
		l.inputs = append(l.inputs, in)
		l.mu.Unlock()
		return &cloudwatch.GetMetricDataOutput{}, nil
	}
	return l.fakeMetrics.GetMetricData(ctx, in, opts...)
}

func TestMetric_verifyWaitsForData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cw := &fakeMetrics{}
	cw.put("HTTPCode_Target_5XX_Count", green, "Sum", now.Truncate(time.Minute), 9)
	cw.put("RequestCount", green, "Sum", now.Truncate(time.Minute), 100)
	late := &lateMetrics{fakeMetrics: cw, from: now.Add(2 * time.Minute)}
	m, err := verify.NewMetric(late, validSpec())
	if err != nil {
		t.Fatal(err)
	}
	late.clock = &fakeClock{now: now}
	m.Clock = late.clock
	// Data arrives two minutes in, while Verify reads every period.
	err = m.Verify(ctx)
	if err == nil || !strings.Contains(err.Error(), "100 * errors / requests = 9, above max 1") {
		t.Fatalf("Verify: %v", err)
	}
	if n := len(cw.inputs); n < 3 {
		t.Fatalf("Verify read %d times, want one read a period until data came", n)
	}

	m, clock := metricGate(t, &fakeMetrics{}, func(*verify.MetricSpec) {})
	err = m.Verify(ctx)
	if err == nil || !strings.Contains(err.Error(), `no data (none for 5m0s, no_data = "wait")`) || !clock.Now().Equal(now.Add(5*time.Minute)) {
		t.Fatalf("Verify without data: %v at %s", err, clock.Now())
	}

	m, _ = metricGate(t, &fakeMetrics{}, func(s *verify.MetricSpec) { s.NoData = verify.NoDataPass })
	if err := m.Verify(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestMetric_verifyingGate(t *testing.T) {
	t.Parallel()
	m, clock := metricGate(t, &fakeMetrics{}, func(*verify.MetricSpec) {})
	g := m.Verifying()
	err := g.Check(context.Background())
	if g.Name() != m.Name() || err == nil || !strings.Contains(err.Error(), "no data (none for 5m0s") || !clock.Now().Equal(now.Add(5*time.Minute)) {
		t.Fatalf("Verifying().Check waited until %s: %v", clock.Now(), err)
	}
}
