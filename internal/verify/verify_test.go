package verify_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwschemas "github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"

	"github.com/golive-dev/terraform-provider-golive/internal/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/verify"
)

func TestMain(m *testing.M) { emulator.Main(m, emulator.Options{}) }

func account(t *testing.T) aws.Config {
	t.Helper()
	cfg, err := emulator.Shared(t).AccountConfig(context.Background(), emulator.NewAccountID())
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestAlarms(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cw := cloudwatch.NewFromConfig(account(t), func(o *cloudwatch.Options) {
		o.Protocol = awsquery.New(cwschemas.GraniteServiceVersion20100801)
	})
	for _, n := range []string{"api-5xx", "api-latency"} {
		_, err := cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
			AlarmName: aws.String(n), MetricName: aws.String("m"), Namespace: aws.String("ns"), Statistic: cwtypes.StatisticSum,
			Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	gate := verify.NewAlarms(cw, []string{"api-5xx", "api-latency"})
	if err := gate.Check(ctx); err != nil {
		t.Fatalf("OK alarms: %v", err)
	}
	if _, err := cw.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("api-5xx"), StateValue: cwtypes.StateValueAlarm, StateReason: aws.String("5xx > 1")}); err != nil {
		t.Fatal(err)
	}
	if err := gate.Check(ctx); err == nil || err.Error() != `alarm "api-5xx" is ALARM: 5xx > 1` {
		t.Fatalf("firing alarm: %v", err)
	}
	if err := verify.NewAlarms(cw, []string{"api-latency", "api-typo"}).Check(ctx); err == nil || err.Error() != `alarm "api-typo" does not exist` {
		t.Fatalf("missing alarm: %v", err)
	}
	if got := gate.Name(); got != `alarms "api-5xx", "api-latency"` {
		t.Fatalf("Name() = %q", got)
	}
}

func TestHTTPCheck(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			fmt.Fprint(w, `{"status":"ok"}`)
		case "/down":
			w.WriteHeader(http.StatusServiceUnavailable)
		case "/slow":
			time.Sleep(2 * time.Second)
		default:
			fmt.Fprint(w, "degraded")
		}
	}))
	defer srv.Close()
	ok := regexp.MustCompile(`"status":"ok"`)
	tests := []struct {
		name  string
		check verify.HTTPCheck
		want  string // "" passes
	}{
		{"healthy", verify.HTTPCheck{URL: srv.URL + "/ok", BodyRegex: ok}, ""},
		{"wrong status", verify.HTTPCheck{URL: srv.URL + "/down"}, "got HTTP 503, want 200"},
		{"expected status", verify.HTTPCheck{URL: srv.URL + "/down", ExpectStatus: 503}, ""},
		{"body mismatch", verify.HTTPCheck{URL: srv.URL + "/degraded", BodyRegex: ok}, `body does not match /"status":"ok"/`},
		{"timeout", verify.HTTPCheck{URL: srv.URL + "/slow", Timeout: 200 * time.Millisecond}, "context deadline exceeded"},
		{"connection refused", verify.HTTPCheck{URL: "http://127.0.0.1:1/x"}, "connection refused"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.check.Check(context.Background())
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestUntil(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 && r.URL.Path == "/warming" {
			w.WriteHeader(http.StatusBadGateway)
		}
		if r.URL.Path == "/never" {
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	var lines []string
	err := verify.Until(context.Background(), &verify.HTTPCheck{URL: srv.URL + "/warming"}, 10*time.Millisecond, 3, 5*time.Second,
		func(s string) { lines = append(lines, s) })
	if err != nil || n.Load() != 5 || len(lines) != 5 {
		t.Fatalf("err %v after %d calls, progress %v", err, n.Load(), lines)
	}
	err = verify.Until(context.Background(), &verify.HTTPCheck{URL: srv.URL + "/never"}, 10*time.Millisecond, 1, 200*time.Millisecond, nil)
	if err == nil || !strings.Contains(err.Error(), "not healthy after 200ms: http GET "+srv.URL+"/never: got HTTP 500, want 200") {
		t.Fatalf("never healthy: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = verify.Until(ctx, &verify.HTTPCheck{URL: srv.URL + "/never"}, time.Second, 1, time.Minute, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

func TestTargetHealth(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := account(t)
	f, err := emulator.NewALB(ctx, cfg, "th")
	if err != nil {
		t.Fatal(err)
	}
	lb := elbv2.NewFromConfig(cfg)
	if _, err := lb.RegisterTargets(ctx, &elbv2.RegisterTargetsInput{TargetGroupArn: aws.String(f.Blue),
		Targets: []elbtypes.TargetDescription{{Id: aws.String("10.0.0.10"), Port: aws.Int32(80)}}}); err != nil {
		t.Fatal(err)
	}
	if err := verify.NewTargetHealth(lb, []string{f.Blue}).Check(ctx); err != nil {
		t.Fatalf("registered (moto: always healthy) targets: %v", err)
	}
	err = verify.NewTargetHealth(lb, []string{f.Blue, f.Green}).Check(ctx)
	if err == nil || !strings.Contains(err.Error(), "target group "+f.Green+" has no registered targets") {
		t.Fatalf("empty group: %v", err)
	}
}
