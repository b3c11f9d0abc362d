package provider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// arnSuffix is a target group's CloudWatch dimension value,
// "targetgroup/<name>/<id>", as aws_lb_target_group.x.arn_suffix gives it.
func arnSuffix(arn string) string {
	_, suffix, _ := strings.Cut(arn, ":targetgroup/")
	return "targetgroup/" + suffix
}

// putALBMetric publishes one sample of a target group metric at `at`.
func (e *testEnv) putALBMetric(t *testing.T, targetGroupARN, name string, at time.Time, v float64) {
	t.Helper()
	_, err := e.cloudwatch().PutMetricData(context.Background(), &cloudwatch.PutMetricDataInput{
		Namespace: aws.String("AWS/ApplicationELB"),
		MetricData: []cwtypes.MetricDatum{{MetricName: aws.String(name), Timestamp: aws.Time(at), Value: aws.Float64(v),
			Dimensions: []cwtypes.Dimension{{Name: aws.String("TargetGroup"), Value: aws.String(arnSuffix(targetGroupARN))}}}},
	})
	if err != nil {
		t.Fatalf("putting %s: %v", name, err)
	}
}

// traffic publishes `minutes` minutes of requests and 5xx errors of a
// target group, the last in the current minute.
func (e *testEnv) traffic(t *testing.T, targetGroupARN string, minutes int, requests, errors float64) {
	t.Helper()
	now := time.Now().UTC()
	for i := range minutes {
		at := now.Add(-time.Duration(i) * time.Minute)
		e.putALBMetric(t, targetGroupARN, "RequestCount", at, requests)
		e.putALBMetric(t, targetGroupARN, "HTTPCode_Target_5XX_Count", at, errors)
	}
}

// metricRollback is a canary whose rollback gate is green's 5xx rate, with
// baseline (HCL) inside the metric block when given.
func metricRollback(f *emulator.ALBFixture, limit, baseline string) string {
	return fmt.Sprintf(`
  strategy {
    canary {
      steps = [10, 50]
      bake  = "6s"
    }
  }
  rollback {
    poll_interval = "1s"
    metric {
      name = "green-5xx-rate"
      query {
        id          = "errors"
        namespace   = "AWS/ApplicationELB"
        metric_name = "HTTPCode_Target_5XX_Count"
        dimensions  = { TargetGroup = %[1]q }
        stat        = "Sum"
      }
      query {
        id          = "requests"
        namespace   = "AWS/ApplicationELB"
        metric_name = "RequestCount"
        dimensions  = { TargetGroup = %[1]q }
        stat        = "Sum"
      }
      value   = "100 * errors / requests"
      period  = "1m"
      window  = "5m"
      no_data = "fail"
      %[2]s
      %[3]s
    }
  }
`, arnSuffix(f.Green), limit, baseline)
}

func TestAccTrafficSplit_metricGateHealthyCanaryPasses(t *testing.T) {
	e := newTestEnv(t)
	f := e.alb(t)
	e.traffic(t, f.Green, 3, 100, 0)
	gate := metricRollback(f, "max = 1", "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{Config: e.providerBlock() + splitEnv + albSplit(f, 100, 0, gate)},
			{
				Config: e.providerBlock() + splitEnv + albSplit(f, 0, 100, gate),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue("golive_traffic_split.api", tfjsonpath.New("cutover"), knownvalue.StringExact(
						"green 0 → 100: 10% for 6s, 50% for 6s, then 100%; roll back if metric green-5xx-rate (100 * errors / requests over 5m) is above 1")),
				}},
				Check: resource.ComposeTestCheckFunc(e.checkListener(f, 0, 100),
					e.checkEventKinds("shop/prod", "api", []string{ledger.KindCutoverCompleted})),
			},
		},
	})
}

func TestAccTrafficSplit_metricGateFailingCanaryRollsBack(t *testing.T) {
	e := newTestEnv(t)
	f := e.alb(t)
	e.traffic(t, f.Green, 3, 100, 0)
	gate := metricRollback(f, "max = 1", "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{Config: e.providerBlock() + splitEnv + albSplit(f, 100, 0, gate)},
			{
				// Green starts failing while step 1 (10%) bakes.
				PreConfig: func() {
					go func() {
						time.Sleep(2 * time.Second)
						e.putALBMetric(t, f.Green, "HTTPCode_Target_5XX_Count", time.Now().UTC(), 60)
					}()
				},
				Config: e.providerBlock() + splitEnv + albSplit(f, 0, 100, gate),
				ExpectError: errorPattern(`shifting traffic for shop/prod/api at step [12] of 3: metric "green-5xx-rate": ` +
					`100 \* errors / requests = \d+(\.\d+)?, above max 1; samples of 5m to .*, 1m periods: errors = 60 \(Sum of \d: .*\), ` +
					`requests = \d+ \(Sum of \d: .*\).*traffic rolled back to blue=100 green=0`),
			},
		},
	})
	// The weights, read through the SDK, and the ledger's rolled_back event.
	if err := e.checkListener(f, 100, 0)(nil); err != nil {
		t.Fatal(err)
	}
	events, _, err := e.ledger.Events(context.Background(), ledger.EventQuery{Environment: "shop/prod", Service: "api", Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range events {
		if ev.Kind == ledger.KindRolledBack {
			if ev.Outcome != ledger.OutcomeRolledBack || !strings.Contains(ev.Reason, `metric "green-5xx-rate": 100 * errors / requests = `) ||
				!strings.Contains(ev.Reason, "above max 1; samples of 5m to ") || !strings.Contains(ev.Reason, "errors = 60 (Sum of ") {
				t.Fatalf("rolled_back event %+v", ev)
			}
			return
		}
	}
	t.Fatalf("no rolled_back event among %+v", events)
}

func TestAccTrafficSplit_metricGateBaseline(t *testing.T) {
	e := newTestEnv(t)
	f := e.alb(t)
	baseline := fmt.Sprintf(`
      baseline {
        dimensions = { TargetGroup = %q }
        max_ratio  = 1.5
      }
`, arnSuffix(f.Blue))
	gate := metricRollback(f, "", baseline)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{Config: e.providerBlock() + splitEnv + albSplit(f, 100, 0, gate)},
			{
				// Green at 3% against blue at 1%: refused before any traffic moves.
				PreConfig: func() {
					e.traffic(t, f.Blue, 3, 1000, 10)
					e.traffic(t, f.Green, 3, 100, 3)
				},
				Config: e.providerBlock() + splitEnv + albSplit(f, 0, 100, gate),
				ExpectError: errorPattern(`before step 1 of 3: metric "green-5xx-rate": 100 \* errors / requests = 3, above 1\.5 × baseline 1 = 1\.5; ` +
					`samples of 5m to .*: errors = 9 \(Sum of 3: 3 3 3\), requests = 300 \(Sum of 3: 100 100 100\); ` +
					`baseline: errors = 30 \(Sum of 3: 10 10 10\), requests = 3000 \(Sum of 3: 1000 1000 1000\)`),
			},
			{
				// Blue's errors rise to 2.5%: green's 3% is within 1.5 ×.
				PreConfig: func() {
					if err := e.checkListener(f, 100, 0)(nil); err != nil {
						t.Fatal(err)
					}
					e.traffic(t, f.Blue, 3, 0, 15)
				},
				Config: e.providerBlock() + splitEnv + albSplit(f, 0, 100, gate),
				Check:  e.checkListener(f, 0, 100),
			},
		},
	})
}
