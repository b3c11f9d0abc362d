package verify_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/verify"
)

func ptr(v float64) *float64 { return &v }

// validSpec is the gate of the design: an ALB target group's 5xx rate.
func validSpec() verify.MetricSpec {
	green := map[string]string{"TargetGroup": "targetgroup/green/0123456789abcdef", "LoadBalancer": "app/shop/0123456789abcdef"}
	return verify.MetricSpec{
		Name: "canary-5xx-rate",
		Queries: []verify.MetricQuery{
			{ID: "errors", Namespace: "AWS/ApplicationELB", MetricName: "HTTPCode_Target_5XX_Count", Dimensions: green, Stat: "Sum"},
			{ID: "requests", Namespace: "AWS/ApplicationELB", MetricName: "RequestCount", Dimensions: green, Stat: "Sum"},
		},
		Value:  "100 * errors / requests",
		Period: time.Minute,
		Window: 5 * time.Minute,
		Max:    ptr(1),
		Baseline: &verify.MetricBaseline{
			Dimensions: map[string]string{"TargetGroup": "targetgroup/blue/0123456789abcdef"},
			MaxRatio:   1.5,
			// Four complete periods in a five-minute window.
			MannWhitney: &verify.MannWhitney{Confidence: 0.95, MinSamples: 4},
		},
	}
}

func TestMetricSpecValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(*verify.MetricSpec)
		path   string // "" when valid
		msg    string
	}{
		{name: "valid", change: func(*verify.MetricSpec) {}},
		{name: "valid with functions and a percentile", change: func(s *verify.MetricSpec) {
			s.Queries[0].Stat = "p99.9"
			s.Value = "max(errors, 1) / abs(requests) + min(1, 2)"
		}},
		{name: "valid without baseline", change: func(s *verify.MetricSpec) { s.Baseline = nil }},
		{name: "unknown query id", change: func(s *verify.MetricSpec) { s.Value = "100 * errros / requests" },
			path: "value", msg: `"100 * errros / requests" refers to "errros", which no query declares (query ids: errors, requests)`},
		{name: "bad expression", change: func(s *verify.MetricSpec) { s.Value = "100 * (errors / requests" },
			path: "value", msg: `"100 * (errors / requests" is not a valid expression: unexpected token EOF`},
		{name: "not a number", change: func(s *verify.MetricSpec) { s.Value = "errors > requests" },
			path: "value", msg: `"errors > requests" is not a numeric expression over the query ids: expected float64, but got bool`},
		{name: "modulo of floats", change: func(s *verify.MetricSpec) { s.Value = "errors % 2" },
			path: "value", msg: `"errors % 2" is not a numeric expression over the query ids: invalid operation: % (mismatched types float64 and int)`},
		{name: "empty value", change: func(s *verify.MetricSpec) { s.Value = " " }, path: "value", msg: "must not be empty"},
		{name: "min above max", change: func(s *verify.MetricSpec) { s.Min = ptr(2) },
			path: "min", msg: "2 is greater than max 1: no value could pass"},
		{name: "period under a minute", change: func(s *verify.MetricSpec) { s.Period = 30 * time.Second },
			path: "period", msg: "must be a whole number of minutes (60s, 1m, 5m, ...), got 30s"},
		{name: "period not whole minutes", change: func(s *verify.MetricSpec) { s.Period = 90 * time.Second },
			path: "period", msg: "got 1m30s"},
		{name: "window shorter than period", change: func(s *verify.MetricSpec) { s.Period, s.Window = 5*time.Minute, time.Minute },
			path: "window", msg: "1m0s is shorter than period 5m0s"},
		{name: "window not whole periods", change: func(s *verify.MetricSpec) { s.Period, s.Window = 2*time.Minute, 11*time.Minute },
			path: "window", msg: "11m0s is not a whole number of periods of 2m0s"},
		{name: "nothing to judge", change: func(s *verify.MetricSpec) { s.Max, s.Baseline = nil, nil },
			path: "max", msg: "set min, max or a baseline block"},
		{name: "bad stat", change: func(s *verify.MetricSpec) { s.Queries[1].Stat = "sum" },
			path: "query[1].stat", msg: `"sum" is not a CloudWatch statistic`},
		{name: "bad id", change: func(s *verify.MetricSpec) { s.Queries[0].ID = "Errors"; s.Value = "Errors / requests" },
			path: "query[0].id", msg: `"Errors" must start with a lower-case letter`},
		{name: "duplicate id", change: func(s *verify.MetricSpec) { s.Queries[1].ID = "errors"; s.Value = "errors" },
			path: "query[1].id", msg: `"errors" is the id of an earlier query`},
		{name: "id is a builtin", change: func(s *verify.MetricSpec) { s.Queries[1].ID = "max"; s.Value = "errors" },
			path: "query[1].id", msg: `"max" is a word of the expression language`},
		{name: "id is a keyword", change: func(s *verify.MetricSpec) { s.Queries[1].ID = "not"; s.Value = "errors" },
			path: "query[1].id", msg: `"not" is a word of the expression language`},
		{name: "no queries", change: func(s *verify.MetricSpec) { s.Queries = nil; s.Value = "1" },
			path: "query", msg: "at least one query block is needed"},
		{name: "more queries than one call takes", change: func(s *verify.MetricSpec) {
			for i := range 249 {
				s.Queries = append(s.Queries, verify.MetricQuery{ID: fmt.Sprintf("q%d", i), Namespace: "AWS/ApplicationELB", MetricName: "RequestCount", Stat: "Sum"})
			}
		}, path: "query", msg: "502 queries to read (a baseline reads each twice), more than the 500 one GetMetricData call takes"},
		{name: "empty namespace", change: func(s *verify.MetricSpec) { s.Queries[0].Namespace = "" },
			path: "query[0].namespace", msg: "must not be empty"},
		{name: "empty dimension value", change: func(s *verify.MetricSpec) { s.Queries[0].Dimensions = map[string]string{"TargetGroup": ""} },
			path: "query[0].dimensions", msg: `dimension "TargetGroup": names and values must not be empty`},
		{name: "baseline without dimensions", change: func(s *verify.MetricSpec) { s.Baseline.Dimensions = nil },
			path: "baseline.dimensions", msg: "must name the dimensions that select the baseline"},
		{name: "baseline is the canary", change: func(s *verify.MetricSpec) {
			s.Baseline.Dimensions = map[string]string{"TargetGroup": "targetgroup/green/0123456789abcdef"}
		}, path: "baseline.dimensions", msg: "select the same metrics as the queries"},
		{name: "negative ratio", change: func(s *verify.MetricSpec) { s.Baseline.MaxRatio = -1 },
			path: "baseline.max_ratio", msg: "must be a positive number, got -1"},
		{name: "baseline judges nothing", change: func(s *verify.MetricSpec) { s.Baseline.MaxRatio, s.Baseline.MannWhitney = 0, nil },
			path: "baseline.max_ratio", msg: "set max_ratio, a mann_whitney block or both"},
		{name: "confidence out of range", change: func(s *verify.MetricSpec) { s.Baseline.MannWhitney.Confidence = 95 },
			path: "baseline.mann_whitney.confidence", msg: "must be between 0.5 and 1 (exclusive), e.g. 0.95; got 95"},
		{name: "too few samples for the confidence", change: func(s *verify.MetricSpec) { s.Baseline.MannWhitney.MinSamples = 3 },
			path: "baseline.mann_whitney.min_samples", msg: "3 values a side can never reach 0.95 confidence (the smallest p-value is 0.05)"},
		{name: "window too short for the test", change: func(s *verify.MetricSpec) { s.Window = 4 * time.Minute },
			path: "window", msg: "4m0s holds 3 complete periods of 1m0s (the last is in progress and not tested), fewer than baseline.mann_whitney.min_samples = 4"},
		{name: "window of min_samples periods", change: func(s *verify.MetricSpec) { s.Baseline.MannWhitney.MinSamples = 0 },
			path: "window", msg: "5m0s holds 4 complete periods of 1m0s (the last is in progress and not tested), fewer than baseline.mann_whitney.min_samples = 5: " +
				"the test could never run; make window at least 6m"},
		{name: "bad no_data", change: func(s *verify.MetricSpec) { s.NoData = "skip" },
			path: "no_data", msg: `"skip" is not one of wait, fail, pass`},
		{name: "empty name", change: func(s *verify.MetricSpec) { s.Name = "" }, path: "name", msg: "must not be empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := validSpec()
			c.change(&s)
			errs := s.Validate()
			if c.path == "" {
				if len(errs) > 0 {
					t.Fatalf("valid spec refused: %v", verify.FieldErrors(errs))
				}
				if _, err := verify.NewMetric(nil, s); err != nil {
					t.Fatalf("NewMetric: %v", err)
				}
				return
			}
			if len(errs) != 1 {
				t.Fatalf("want one error at %s, got %v", c.path, verify.FieldErrors(errs))
			}
			if got := verify.PathString(errs[0].Path); got != c.path || !strings.Contains(errs[0].Message, c.msg) {
				t.Fatalf("got %s: %s\nwant %s: ...%s...", got, errs[0].Message, c.path, c.msg)
			}
			if _, err := verify.NewMetric(nil, s); err == nil || !strings.Contains(err.Error(), c.path+": ") {
				t.Fatalf("NewMetric accepted the spec or did not name %s: %v", c.path, err)
			}
		})
	}
}

func TestMetricSpecCondition(t *testing.T) {
	t.Parallel()
	s := validSpec()
	s.Min = ptr(0.5)
	want := "metric canary-5xx-rate (100 * errors / requests over 5m) is above 1 or below 0.5 or above 1.5 × baseline or significantly above baseline (Mann-Whitney, 95% confidence)"
	if got := s.Condition(); got != want {
		t.Fatalf("Condition() = %q\nwant          %q", got, want)
	}
}
