package provider_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwschemas "github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// splitEnv is the environment every split test shifts traffic in.
const splitEnv = `
resource "golive_environment" "prod" {
  application         = "shop"
  name                = "prod"
  tier                = "production"
  deletion_protection = false
}
`

func albSplit(f *emulator.ALBFixture, blue, green int, extra string) string {
	return fmt.Sprintf(`
resource "golive_traffic_split" "api" {
  environment = golive_environment.prod.id
  service     = "api"
  alb {
    listener_arn = %q
  }
  destination {
    name   = "blue"
    target = %q
    weight = %d
  }
  destination {
    name   = "green"
    target = %q
    weight = %d
  }
  %s
}
`, f.Listener, f.Blue, blue, f.Green, green, extra)
}

const fastCanary = `
  strategy {
    canary {
      steps = [10, 50]
      bake  = "2s"
    }
  }
`

func (e *testEnv) alb(t *testing.T) *emulator.ALBFixture {
	t.Helper()
	f, err := emulator.NewALB(context.Background(), e.cfg, "shop")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (e *testEnv) checkListener(f *emulator.ALBFixture, blue, green int32) resource.TestCheckFunc {
	return func(*terraform.State) error {
		w, sticky, err := emulator.ListenerWeights(context.Background(), e.cfg, f.Listener, "")
		if err != nil {
			return err
		}
		if want := map[string]int32{f.Blue: blue, f.Green: green}; !reflect.DeepEqual(w, want) {
			return fmt.Errorf("listener weights %v, want %v", w, want)
		}
		if !sticky {
			return fmt.Errorf("listener stickiness was dropped")
		}
		return nil
	}
}

func (e *testEnv) checkEventKinds(env, service string, want []string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		events, _, err := e.ledger.Events(context.Background(), ledger.EventQuery{Environment: env, Service: service, Limit: int32(len(want))})
		if err != nil {
			return err
		}
		var got []string
		for _, ev := range events {
			got = append(got, ev.Kind)
		}
		if !reflect.DeepEqual(got, want) {
			return fmt.Errorf("newest events of %s/%s: got %v, want %v", env, service, got, want)
		}
		return nil
	}
}

func TestAccTrafficSplit_albCanaryImportDrift(t *testing.T) {
	e := newTestEnv(t)
	f := e.alb(t)
	cfg := func(blue, green int) string {
		return e.providerBlock() + splitEnv + albSplit(f, blue, green, fastCanary)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{
				// Adopting the live weights is no cutover.
				Config: cfg(100, 0),
				Check:  e.checkListener(f, 100, 0),
			},
			{
				Config: cfg(0, 100),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: expectCutover("golive_traffic_split.api", "blue", "green",
					[][2]int64{{90, 10}, {50, 50}, {0, 100}}, "green 0 → 100: 10% for 2s, 50% for 2s, then 100%")},
				Check: resource.ComposeTestCheckFunc(
					e.checkListener(f, 0, 100),
					e.checkEventKinds("shop/prod", "api", []string{ledger.KindCutoverCompleted, ledger.KindTrafficStep, ledger.KindTrafficStep, ledger.KindTrafficStep, ledger.KindCutoverStarted}),
				),
			},
			{
				ResourceName:            "golive_traffic_split.api",
				ImportState:             true,
				ImportStateId:           "shop/prod/api",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"strategy", "planned_steps", "cutover"},
			},
			{
				// Someone moves traffic by hand: the plan shows it and a cutover back.
				PreConfig: func() { e.setListener(t, f, 70, 30) },
				Config:    cfg(0, 100),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("golive_traffic_split.api", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("golive_traffic_split.api", tfjsonpath.New("cutover"),
						knownvalue.StringExact("green 30 → 100: 50% for 2s, then 100%")),
				}},
				Check: e.checkListener(f, 0, 100),
			},
		},
	})
}

func (e *testEnv) setListener(t *testing.T, f *emulator.ALBFixture, blue, green int32) {
	t.Helper()
	_, err := elbv2.NewFromConfig(e.cfg).ModifyListener(context.Background(), &elbv2.ModifyListenerInput{
		ListenerArn: aws.String(f.Listener),
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{
			TargetGroups: []elbtypes.TargetGroupTuple{
				{TargetGroupArn: aws.String(f.Blue), Weight: aws.Int32(blue)}, {TargetGroupArn: aws.String(f.Green), Weight: aws.Int32(green)},
			},
			TargetGroupStickinessConfig: &elbtypes.TargetGroupStickinessConfig{Enabled: aws.Bool(true), DurationSeconds: aws.Int32(300)},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (e *testEnv) cloudwatch() *cloudwatch.Client {
	return cloudwatch.NewFromConfig(e.cfg, func(o *cloudwatch.Options) {
		o.Protocol = awsquery.New(cwschemas.GraniteServiceVersion20100801)
	})
}

func (e *testEnv) createAlarm(t *testing.T, name string) {
	t.Helper()
	_, err := e.cloudwatch().PutMetricAlarm(context.Background(), &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String(name), MetricName: aws.String("HTTPCode_Target_5XX_Count"), Namespace: aws.String("AWS/ApplicationELB"),
		Statistic: cwtypes.StatisticSum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(5),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (e *testEnv) fireAlarm(name string) error {
	_, err := e.cloudwatch().SetAlarmState(context.Background(), &cloudwatch.SetAlarmStateInput{
		AlarmName: aws.String(name), StateValue: cwtypes.StateValueAlarm, StateReason: aws.String("5xx above threshold"),
	})
	return err
}

func TestAccTrafficSplit_alarmDuringBakeRollsBack(t *testing.T) {
	e := newTestEnv(t)
	f := e.alb(t)
	e.createAlarm(t, "shop-prod-api-5xx")
	gated := `
  strategy {
    canary {
      steps = [10, 50]
      bake  = "6s"
    }
  }
  rollback {
    alarms        = ["shop-prod-api-5xx"]
    poll_interval = "1s"
  }
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{Config: e.providerBlock() + splitEnv + albSplit(f, 100, 0, gated)},
			{
				// The alarm fires while step 1 (10%) bakes.
				PreConfig: func() {
					go func() {
						time.Sleep(3 * time.Second)
						if err := e.fireAlarm("shop-prod-api-5xx"); err != nil {
							t.Errorf("firing the alarm: %v", err)
						}
					}()
				},
				Config: e.providerBlock() + splitEnv + albSplit(f, 0, 100, gated),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue("golive_traffic_split.api", tfjsonpath.New("cutover"),
						knownvalue.StringExact("green 0 → 100: 10% for 6s, 50% for 6s, then 100%; roll back if alarm shop-prod-api-5xx fires")),
				}},
				ExpectError: errorPattern(`shifting traffic for shop/prod/api at step 1 of 3: alarm "shop-prod-api-5xx" is ALARM.*traffic rolled back to blue=100 green=0`),
			},
			{
				// Weights are back where they were; the ledger says so.
				// Checked before this step's plan: terraform-plugin-testing does
				// not run Check on PlanOnly steps.
				PreConfig: func() {
					mustPass(t, resource.ComposeTestCheckFunc(
						e.checkListener(f, 100, 0),
						e.checkEventKinds("shop/prod", "api", []string{ledger.KindRolledBack, ledger.KindTrafficStep, ledger.KindCutoverStarted}),
						e.checkLockFree("shop/prod", "api"),
					))
				},
				Config:             e.providerBlock() + splitEnv + albSplit(f, 0, 100, gated),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

func (e *testEnv) checkLockFree(env, service string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		lk, err := e.ledger.AcquireLock(context.Background(), ledger.LockRequest{Environment: env, Service: service, Holder: "checker", Operation: "check"})
		if err != nil {
			return fmt.Errorf("lock left behind: %w", err)
		}
		return lk.Release(context.Background())
	}
}

func TestAccTrafficSplit_httpGateTurnsUnhealthy(t *testing.T) {
	e := newTestEnv(t)
	f := e.alb(t)
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) > 2 { // healthy for the pre-check and first poll, then failing
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()
	gated := fmt.Sprintf(`
  strategy {
    linear {
      increment = 25
      interval  = "5s"
    }
  }
  rollback {
    http {
      url        = %q
      body_regex = "ok"
    }
    poll_interval = "1s"
  }
`, srv.URL)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{Config: e.providerBlock() + splitEnv + albSplit(f, 100, 0, gated)},
			{
				PreConfig:   func() { calls.Store(0) },
				Config:      e.providerBlock() + splitEnv + albSplit(f, 0, 100, gated),
				ExpectError: errorPattern(`at step 1 of 4: http GET http://127\.0\.0\.1:\d+: got HTTP 503, want 200.*rolled back to blue=100 green=0`),
			},
		},
	})
	if err := e.checkListener(f, 100, 0)(nil); err != nil {
		t.Fatal(err)
	}
}

func TestAccTrafficSplit_heldLockFailsAtOnceNamingTheHolder(t *testing.T) {
	e := newTestEnv(t)
	f := e.alb(t)
	var lk *ledger.Lock
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{Config: e.providerBlock() + splitEnv + albSplit(f, 100, 0, fastCanary)},
			{
				PreConfig: func() {
					var err error
					lk, err = e.ledger.AcquireLock(context.Background(), ledger.LockRequest{
						Environment: "shop/prod", Service: "api", Holder: "arn:aws:sts::111111111111:assumed-role/ci/pipeline-42", Operation: "traffic shift by terraform apply",
					})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config:      e.providerBlock() + splitEnv + albSplit(f, 0, 100, fastCanary),
				ExpectError: errorPattern(`shop/prod/api is locked by arn:aws:sts::111111111111:assumed-role/ci/pipeline-42 \(traffic shift by terraform apply\) since`),
			},
			{
				PreConfig: func() {
					if err := e.checkListener(f, 100, 0)(nil); err != nil {
						t.Fatalf("locked apply changed traffic: %v", err)
					}
					if err := lk.Release(context.Background()); err != nil {
						t.Fatal(err)
					}
				},
				Config: e.providerBlock() + splitEnv + albSplit(f, 0, 100, fastCanary),
				Check:  e.checkListener(f, 0, 100),
			},
		},
	})
}

func TestAccTrafficSplit_lambdaAlias(t *testing.T) {
	e := newTestEnv(t)
	fn, err := emulator.NewLambda(context.Background(), e.cfg, "api")
	if err != nil {
		t.Fatal(err)
	}
	cfg := func(v1, v2 int) string {
		return e.providerBlock() + splitEnv + fmt.Sprintf(`
resource "golive_traffic_split" "api" {
  environment = golive_environment.prod.id
  service     = "api"
  lambda_alias {
    function_name = %q
    alias         = %q
  }
  destination {
    name   = "v1"
    target = "1"
    weight = %d
  }
  destination {
    name   = "v2"
    target = "2"
    weight = %d
  }
  strategy {
    canary {
      steps = [20]
      bake  = "1s"
    }
  }
}
`, fn.Function, fn.Alias, v1, v2)
	}
	checkAlias := func(primary string, additional map[string]float64) resource.TestCheckFunc {
		return func(*terraform.State) error {
			p, add, err := emulator.AliasRouting(context.Background(), e.cfg, fn.Function, fn.Alias)
			if err != nil {
				return err
			}
			if p != primary || !reflect.DeepEqual(add, additional) {
				return fmt.Errorf("alias routes %s + %v, want %s + %v", p, add, primary, additional)
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		// The alias was there before the split: it stays after it, as it
		// was (with the out-of-band weights of the last step).
		CheckDestroy: checkAlias("2", map[string]float64{"1": 0.5}),
		Steps: []resource.TestStep{
			{
				Config: cfg(100, 0),
				Check:  checkAlias("1", map[string]float64{}),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue("golive_traffic_split.api",
					tfjsonpath.New("lambda_alias").AtSliceIndex(0).AtMapKey("created"), knownvalue.Bool(false))},
			},
			{Config: cfg(70, 30), Check: checkAlias("1", map[string]float64{"2": 0.3})},
			{ResourceName: "golive_traffic_split.api", ImportState: true, ImportStateId: "shop/prod/api", ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"strategy", "planned_steps", "cutover"}},
			{Config: cfg(0, 100), Check: checkAlias("2", map[string]float64{})},
			{
				// Out-of-band weights on the alias are drift.
				PreConfig: func() {
					_, err := lambda.NewFromConfig(e.cfg).UpdateAlias(context.Background(), &lambda.UpdateAliasInput{
						FunctionName: aws.String(fn.Function), Name: aws.String(fn.Alias), FunctionVersion: aws.String("2"),
						RoutingConfig: &lambdatypes.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{"1": 0.5}},
					})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config:             cfg(0, 100),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// lambdaAliasSplit routes function's alias between versions 1 and 2 by
// canary.
func lambdaAliasSplit(function, alias string, v1, v2 int) string {
	return fmt.Sprintf(`
resource "golive_traffic_split" "api" {
  environment = golive_environment.prod.id
  service     = "api"
  lambda_alias {
    function_name = %q
    alias         = %q
  }
  destination {
    name   = "v1"
    target = "1"
    weight = %d
  }
  destination {
    name   = "v2"
    target = "2"
    weight = %d
  }
  strategy {
    canary {
      steps = [20]
      bake  = "1s"
    }
  }
}
`, function, alias, v1, v2)
}

// A split whose alias does not exist creates it on the declared weights
// (no canary: nothing is live), owns it across import, and deletes it on
// destroy; an alias deleted behind its back is created again.
func TestAccTrafficSplit_lambdaAliasCreatedBySplit(t *testing.T) {
	e := newTestEnv(t)
	fn, err := emulator.NewLambda(context.Background(), e.cfg, "api")
	if err != nil {
		t.Fatal(err)
	}
	const alias = "stable" // the fixture has only "live"
	lc := lambda.NewFromConfig(e.cfg)
	cfg := func(v1, v2 int) string {
		return e.providerBlock() + splitEnv + lambdaAliasSplit(fn.Function, alias, v1, v2)
	}
	checkAlias := func(primary string, additional map[string]float64) resource.TestCheckFunc {
		return func(*terraform.State) error {
			p, add, err := emulator.AliasRouting(context.Background(), e.cfg, fn.Function, alias)
			if err != nil {
				return err
			}
			if p != primary || !reflect.DeepEqual(add, additional) {
				return fmt.Errorf("alias %s routes %s + %v, want %s + %v", alias, p, add, primary, additional)
			}
			return nil
		}
	}
	created := tfjsonpath.New("lambda_alias").AtSliceIndex(0).AtMapKey("created")
	createPlan := append(expectCutover("golive_traffic_split.api", "v1", "v2", [][2]int64{{100, 0}},
		"create Lambda alias api:stable at v1=100 v2=0 (no live traffic to canary)"),
		plancheck.ExpectResourceAction("golive_traffic_split.api", plancheck.ResourceActionCreate),
		plancheck.ExpectUnknownValue("golive_traffic_split.api", created))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy: func(*terraform.State) error {
			_, err := lc.GetAlias(context.Background(), &lambda.GetAliasInput{FunctionName: aws.String(fn.Function), Name: aws.String(alias)})
			var nf *lambdatypes.ResourceNotFoundException
			if !errors.As(err, &nf) {
				return fmt.Errorf("after destroy, GetAlias %s = %v; want ResourceNotFoundException: the split created the alias and must delete it", alias, err)
			}
			// The adopted alias of the fixture is untouched.
			if _, err := lc.GetAlias(context.Background(), &lambda.GetAliasInput{FunctionName: aws.String(fn.Function), Name: aws.String("live")}); err != nil {
				return fmt.Errorf("the other alias went too: %w", err)
			}
			return e.checkEventKinds("shop/prod", "api", []string{ledger.KindSplitDeleted})(nil)
		},
		Steps: []resource.TestStep{
			// The environment first, so that the split's plan is known.
			{Config: e.providerBlock() + splitEnv},
			{
				Config:           cfg(100, 0),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: createPlan},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("golive_traffic_split.api", created, knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("golive_traffic_split.api", tfjsonpath.New("live_weights"),
						knownvalue.MapExact(map[string]knownvalue.Check{"v1": knownvalue.Int64Exact(100), "v2": knownvalue.Int64Exact(0)})),
				},
				Check: resource.ComposeTestCheckFunc(
					checkAlias("1", map[string]float64{}),
					// One event, no steps: nothing was live to canary from.
					func(*terraform.State) error {
						events, _, err := e.ledger.Events(context.Background(), ledger.EventQuery{Environment: "shop/prod", Service: "api", Limit: 10})
						if err != nil {
							return err
						}
						if len(events) != 1 || events[0].Kind != ledger.KindCutoverCompleted || events[0].Outcome != "succeeded" ||
							events[0].Detail != "create Lambda alias api:stable at v1=100 v2=0 (no live traffic to canary)" {
							return fmt.Errorf("events of shop/prod/api: %+v, want one cutover_completed that says the alias was created", events)
						}
						return nil
					},
				),
			},
			{
				// From here on, a change is an ordinary canary.
				Config: cfg(0, 100),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("golive_traffic_split.api", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("golive_traffic_split.api", created, knownvalue.Bool(true)),
					plancheck.ExpectKnownValue("golive_traffic_split.api", tfjsonpath.New("cutover"),
						knownvalue.StringExact("v2 0 → 100: 20% for 1s, then 100%")),
				}},
				Check: resource.ComposeTestCheckFunc(
					checkAlias("2", map[string]float64{}),
					e.checkEventKinds("shop/prod", "api", []string{ledger.KindCutoverCompleted, ledger.KindTrafficStep, ledger.KindTrafficStep, ledger.KindCutoverStarted}),
				),
			},
			{
				// created comes back from the ledger.
				ResourceName: "golive_traffic_split.api", ImportState: true, ImportStateId: "shop/prod/api", ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"strategy", "planned_steps", "cutover"},
			},
			{
				// The alias is deleted behind golive's back: the split is
				// gone from state and the next apply creates both again.
				PreConfig: func() {
					if _, err := lc.DeleteAlias(context.Background(), &lambda.DeleteAliasInput{FunctionName: aws.String(fn.Function), Name: aws.String(alias)}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           cfg(100, 0),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: createPlan},
				Check:            checkAlias("1", map[string]float64{}),
			},
		},
	})
}

func TestAccTrafficSplit_route53(t *testing.T) {
	e := newTestEnv(t)
	zone, err := emulator.NewZone(context.Background(), e.cfg, "example.com", "api.example.com", "blue.example.com")
	if err != nil {
		t.Fatal(err)
	}
	cfg := func(blue, green int, bake string) string {
		return e.providerBlock() + splitEnv + fmt.Sprintf(`
resource "golive_traffic_split" "api" {
  environment = golive_environment.prod.id
  service     = "api"
  route53 {
    zone_id = %q
    name    = "api.example.com"
    type    = "CNAME"
    ttl     = 2
  }
  destination {
    name   = "blue"
    target = "blue.example.com"
    weight = %d
  }
  destination {
    name   = "green"
    target = "green.example.com"
    weight = %d
  }
  strategy {
    canary {
      steps = [50]
      bake  = %q
    }
  }
}
`, zone, blue, green, bake)
	}
	checkRecords := func(want map[string]int64) resource.TestCheckFunc {
		return func(*terraform.State) error {
			got, ttls, err := emulator.RecordWeights(context.Background(), e.cfg, zone, "api.example.com")
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(ttls, map[int64]bool{2: true}) {
				return fmt.Errorf("records %v ttls %v, want %v with ttl 2", got, ttls, want)
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			// The simple record becomes weighted records (blue 100) in one batch.
			{Config: cfg(100, 0, "2s"), Check: checkRecords(map[string]int64{"blue": 100, "green": 0})},
			{Config: cfg(0, 100, "2s"), Check: checkRecords(map[string]int64{"blue": 0, "green": 100})},
			{ResourceName: "golive_traffic_split.api", ImportState: true, ImportStateId: "shop/prod/api", ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"strategy", "planned_steps", "cutover"}},
			{
				// Out-of-band weights on the records are drift.
				PreConfig: func() {
					_, err := route53.NewFromConfig(e.cfg).ChangeResourceRecordSets(context.Background(), &route53.ChangeResourceRecordSetsInput{
						HostedZoneId: aws.String(zone), ChangeBatch: &r53types.ChangeBatch{Changes: []r53types.Change{{
							Action: r53types.ChangeActionUpsert, ResourceRecordSet: &r53types.ResourceRecordSet{
								Name: aws.String("api.example.com"), Type: r53types.RRTypeCname, SetIdentifier: aws.String("blue"), Weight: aws.Int64(100),
								TTL: aws.Int64(2), ResourceRecords: []r53types.ResourceRecord{{Value: aws.String("blue.example.com")}},
							}}}},
					})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config:             cfg(0, 100, "2s"),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				// A bake shorter than the TTL is a warning, not an error.
				Config: cfg(100, 0, "1s"),
				Check:  checkRecords(map[string]int64{"blue": 100, "green": 0}),
			},
		},
	})
}
