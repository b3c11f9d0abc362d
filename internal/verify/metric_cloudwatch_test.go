package verify_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/golive-dev/terraform-provider-golive/internal/verify"
)

// putMetric publishes one data point of an ALB target group metric.
func putMetric(t *testing.T, cw *cloudwatch.Client, name string, dims map[string]string, at time.Time, v float64) {
	t.Helper()
	// In name order, as golive queries them: moto compares dimension lists
	// with a broken ordering (Dimension.__lt__), so only the same order
	// matches there; CloudWatch ignores the order.
	var d []cwtypes.Dimension
	for _, k := range slices.Sorted(maps.Keys(dims)) {
		d = append(d, cwtypes.Dimension{Name: aws.String(k), Value: aws.String(dims[k])})
	}
	_, err := cw.PutMetricData(context.Background(), &cloudwatch.PutMetricDataInput{
		Namespace:  aws.String("AWS/ApplicationELB"),
		MetricData: []cwtypes.MetricDatum{{MetricName: aws.String(name), Dimensions: d, Timestamp: aws.Time(at), Value: aws.Float64(v), Unit: cwtypes.StandardUnitCount}},
	})
	if err != nil {
		t.Fatalf("putting %s: %v", name, err)
	}
}

// cloudWatchGate is the design's gate against the emulator, its clock 30 s
// into the minute `at`.
func cloudWatchGate(t *testing.T, cw *cloudwatch.Client, at time.Time, change func(*verify.MetricSpec)) *verify.Metric {
	t.Helper()
	s := validSpec()
	s.Baseline = nil
	s.NoData = verify.NoDataFail
	change(&s)
	m, err := verify.NewMetric(cw, s)
	if err != nil {
		t.Fatal(err)
	}
	m.Clock = &fakeClock{now: at.Add(30 * time.Second)}
	return m
}

// Samples published with PutMetricData come back through GetMetricData one
// per period (several points in a minute add up), and only those of the
// window count.
func TestMetric_cloudWatchPeriodsAndWindow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cw, _ := cloudWatch(t, account(t))
	// On an even minute, so that the two-minute periods below start at `at`
	// whatever the time the test runs (periods align to the epoch).
	at := time.Now().UTC().Truncate(2 * time.Minute).Add(-time.Hour)
	for i := range 5 {
		minute := at.Add(time.Duration(i-4) * time.Minute)
		putMetric(t, cw, "RequestCount", green, minute.Add(10*time.Second), 100)
		putMetric(t, cw, "RequestCount", green, minute.Add(40*time.Second), 100)
	}
	putMetric(t, cw, "HTTPCode_Target_5XX_Count", green, at.Add(-2*time.Minute+5*time.Second), 1)
	// Before the window: must not count.
	putMetric(t, cw, "HTTPCode_Target_5XX_Count", green, at.Add(-5*time.Minute), 500)
	putMetric(t, cw, "RequestCount", green, at.Add(-5*time.Minute), 10)

	healthy := cloudWatchGate(t, cw, at, func(*verify.MetricSpec) {})
	if err := healthy.Check(ctx); err != nil {
		t.Fatalf("1 error in 1000 requests, max 1%%: %v", err)
	}
	strict := cloudWatchGate(t, cw, at, func(s *verify.MetricSpec) { s.Max = ptr(0.05) })
	wantErr(t, strict.Check(ctx), `metric "canary-5xx-rate": 100 * errors / requests = 0.1, above max 0.05; `+
		`samples of 5m to `+at.Add(time.Minute).Format(time.RFC3339)+`, 1m periods: errors = 1 (Sum of 1: 1), requests = 1000 (Sum of 5: 200 200 200 200 200)`)

	// Two-minute periods: the 6-minute window ending with the period in
	// progress holds three of them.
	wide := cloudWatchGate(t, cw, at, func(s *verify.MetricSpec) { s.Period, s.Window, s.Max = 2*time.Minute, 6*time.Minute, ptr(0.05) })
	err := wide.Check(ctx)
	if err == nil || !strings.Contains(err.Error(), "2m periods: errors = 1 (Sum of 1: 1), requests = 1000 (Sum of 3: ") {
		t.Fatalf("two-minute periods: %v", err)
	}
}

func TestMetric_cloudWatchBaseline(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cw, _ := cloudWatch(t, account(t))
	at := time.Now().UTC().Truncate(time.Minute).Add(-time.Hour)
	// The five minutes before `at`, whose period is in progress.
	for i := range 5 {
		minute := at.Add(time.Duration(i-5) * time.Minute)
		putMetric(t, cw, "RequestCount", green, minute, 100)
		putMetric(t, cw, "HTTPCode_Target_5XX_Count", green, minute, 2)
		putMetric(t, cw, "RequestCount", blue, minute, 900)
		putMetric(t, cw, "HTTPCode_Target_5XX_Count", blue, minute, 9)
	}
	baseline := func(ratio float64, mw *verify.MannWhitney) func(*verify.MetricSpec) {
		return func(s *verify.MetricSpec) {
			s.Max, s.Window = nil, 6*time.Minute
			s.Baseline = &verify.MetricBaseline{Dimensions: map[string]string{"TargetGroup": blue["TargetGroup"]}, MaxRatio: ratio, MannWhitney: mw}
		}
	}
	// Canary 2% against baseline 1% on every minute.
	err := cloudWatchGate(t, cw, at, baseline(1.5, &verify.MannWhitney{Confidence: 0.95})).Check(ctx)
	wantErr(t, err, `metric "canary-5xx-rate": 100 * errors / requests = 2, above 1.5 × baseline 1 = 1.5; `+
		`per-period values significantly above the baseline's (Mann-Whitney U = 25, one-sided p = 0.001988 < 0.05, normal approximation; 5 canary vs 5 baseline values); `+
		`samples of 6m to `+at.Add(time.Minute).Format(time.RFC3339)+`, 1m periods: errors = 10 (Sum of 5: 2 2 2 2 2), requests = 500 (Sum of 5: 100 100 100 100 100); `+
		`baseline: errors = 45 (Sum of 5: 9 9 9 9 9), requests = 4500 (Sum of 5: 900 900 900 900 900); values of complete periods: canary [2 2 2 2 2], baseline [1 1 1 1 1]`)

	// Only the ratio, generous enough.
	if err := cloudWatchGate(t, cw, at, baseline(2.5, nil)).Check(ctx); err != nil {
		t.Fatalf("2%% against 1%%, max_ratio 2.5: %v", err)
	}
}
