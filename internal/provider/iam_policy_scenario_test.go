package provider_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
)

// scenarioApp is the provider version of the scenario, and so the SDK app ID
// ("golive-iam-scenario" in user agents) that tells its calls from the
// test's own set-up and checks.
const scenarioApp = "iam-scenario"

// scenarioMinimum are calls the scenario must make, one or more per
// statement of the policy that moto can exercise: without them the
// recording would prove little.
var scenarioMinimum = []string{
	"sts:GetCallerIdentity",
	"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Query",
	"ssm:PutParameter", "ssm:GetParametersByPath", "ssm:DeleteParameters",
	"ecs:CreateService", "ecs:UpdateService", "ecs:DescribeServices", "ecs:DeleteService",
	"elasticloadbalancing:DescribeListeners", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:DescribeTargetHealth",
	"lambda:GetFunctionConfiguration", "lambda:GetAlias", "lambda:CreateAlias", "lambda:UpdateAlias", "lambda:DeleteAlias",
	"route53:ListResourceRecordSets", "route53:ChangeResourceRecordSets",
	"cloudwatch:DescribeAlarms", "cloudwatch:GetMetricData",
	"sns:Publish", "events:PutEvents", "ssm:GetParameter",
}

// TestAccIAMPolicy_coversRecordedCalls runs what golive does in a release —
// an environment with variables, secrets and notifications; ECS deployments
// verified by target health, an alarm and HTTP; a Lambda deployment; canary
// cutovers on an ALB listener, a Lambda alias it creates and Route 53
// records with rollback gates; every data source; then updates and destroy —
// with the emulator's recorder on, and checks that the policies grant every
// action the provider called, per client: the provider reaches the ledger
// through a role of its own (ledger { assume_role }), so the ledger's calls
// are signed with other credentials than the workload's; those must be
// granted by docs/iam-policy-ledger.json, the rest by
// docs/iam-policy-workload.json.
//
// Not parallel: the window then holds only this test's calls, and the app
// ID filter leaves out the test's own set-up and checks.
func TestAccIAMPolicy_coversRecordedCalls(t *testing.T) {
	workload, ledgerPolicy := loadPolicy(t, workloadPolicyFile), loadPolicy(t, ledgerPolicyFile)
	e := newTestEnv(t)
	// The ledger role, in the test's own account, where its table is.
	ledgerRole := e.providerBlock(fmt.Sprintf("  ledger {\n    assume_role {\n      role_arn = \"arn:aws:iam::%s:role/golive-ledger\"\n    }\n  }", e.account))
	ctx := context.Background()
	f := e.ecsFixture(t)
	lb := e.alb(t)
	for _, tg := range []string{lb.Blue, lb.Green} {
		// moto reports registered targets healthy; the target_health gate
		// needs at least one.
		if _, err := elbv2.NewFromConfig(e.cfg).RegisterTargets(ctx, &elbv2.RegisterTargetsInput{
			TargetGroupArn: aws.String(tg), Targets: []elbtypes.TargetDescription{{Id: aws.String("10.0.0.10"), Port: aws.Int32(8080)}},
		}); err != nil {
			t.Fatal(err)
		}
	}
	fn, err := emulator.NewLambda(ctx, e.cfg, "worker")
	if err != nil {
		t.Fatal(err)
	}
	zone, err := emulator.NewZone(ctx, e.cfg, "example.com", "web.example.com", "blue.example.com")
	if err != nil {
		t.Fatal(err)
	}
	e.createAlarm(t, "api-5xx")
	topic := e.topicWithQueue(t).TopicARN
	bus, err := emulator.NewBusQueue(ctx, e.cfg, "default")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }))
	defer srv.Close()

	rec, err := e.server.StartRecording()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _, _ = rec.Stop() }() // no-op once stopped below
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesAs(scenarioApp),
		CheckDestroy: resource.ComposeTestCheckFunc(
			e.checkECSService(f.cluster, "api-blue", ""), e.checkECSService(f.cluster, "api-green", ""), e.checkEnvironmentGone("shop/dev")),
		Steps: []resource.TestStep{
			{
				Config:          ledgerRole + testConfig(t, "main.tf"),
				ConfigVariables: scenarioVariables(f, lb, fn.Function, zone, topic, bus.BusARN, srv.URL, 1),
				Check: resource.ComposeTestCheckFunc(
					e.checkECSService(f.cluster, "api-green", f.revs[1]), e.checkListener(lb, 100, 0),
					e.checkParameters("/golive/shop/dev/vars/", map[string]string{"/golive/shop/dev/vars/LOG_LEVEL": "String:info", "/golive/shop/dev/vars/OLD": "String:x"}),
					checkAlias(e, fn.Function, "1", map[string]float64{}),
				),
			},
			{
				Config:          ledgerRole + testConfig(t, "main.tf"),
				ConfigVariables: scenarioVariables(f, lb, fn.Function, zone, topic, bus.BusARN, srv.URL, 2),
				Check: resource.ComposeTestCheckFunc(
					e.checkECSService(f.cluster, "api-green", f.revs[2]), e.checkListener(lb, 0, 100),
					e.checkParameters("/golive/shop/dev/vars/", map[string]string{"/golive/shop/dev/vars/LOG_LEVEL": "String:debug"}),
					checkAlias(e, fn.Function, "2", map[string]float64{}),
					checkRecords(e, zone, map[string]int64{"blue": 0, "green": 100}),
				),
			},
		},
	})
	calls, err := rec.Stop()
	if err != nil {
		t.Fatal(err)
	}
	recorded := map[string]int{}
	byKey := map[string][]emulator.Call{}
	for _, c := range calls {
		if c.AppID() == "golive-"+scenarioApp {
			recorded[c.String()]++
			byKey[c.AccessKey] = append(byKey[c.AccessKey], c)
		}
	}
	for _, a := range scenarioMinimum {
		if recorded[a] == 0 {
			t.Errorf("the scenario never called %s: it no longer exercises that part of the policy (recorded %v)", a, recorded)
		}
	}
	// Credentials that signed a DynamoDB call are the ledger role's: they
	// must sign nothing else, and the ledger policy must grant what they
	// signed. All other calls are the workload's (or the base credentials'
	// sts:AssumeRole of the workload role).
	ledgerCalls, reported := 0, map[string]bool{}
	for key, signed := range byKey {
		isLedger := slices.ContainsFunc(signed, func(c emulator.Call) bool { return c.Service == "dynamodb" })
		for _, c := range signed {
			a := c.String()
			switch {
			case isLedger && c.Service != "dynamodb":
				t.Errorf("the ledger role's credentials (%s) also signed %s: only the ledger's calls may use them", key, a)
			case isLedger:
				ledgerCalls++
				if _, ok := ledgerPolicy[a]; !ok && notThisPolicy[a] == "" && !reported[a] {
					reported[a] = true
					t.Errorf("the ledger client called %s but %s does not grant it", a, ledgerPolicyFile)
				}
			default:
				if _, ok := workload[a]; !ok && notThisPolicy[a] == "" && !reported[a] {
					reported[a] = true
					t.Errorf("the provider called %s but %s does not grant it", a, workloadPolicyFile)
				}
			}
		}
	}
	if ledgerCalls == 0 {
		t.Error("no call was signed with the ledger role's credentials")
	}
	var names []string
	for a, n := range recorded {
		names = append(names, fmt.Sprintf("%s×%d", a, n))
	}
	sort.Strings(names)
	t.Logf("%d distinct actions recorded: %v", len(recorded), names)
}

func checkAlias(e *testEnv, function, primary string, additional map[string]float64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		p, add, err := emulator.AliasRouting(context.Background(), e.cfg, function, "stable")
		if err != nil {
			return err
		}
		if p != primary || !reflect.DeepEqual(add, additional) {
			return fmt.Errorf("alias stable routes %s + %v, want %s + %v", p, add, primary, additional)
		}
		return nil
	}
}

func checkRecords(e *testEnv, zone string, want map[string]int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, _, err := emulator.RecordWeights(context.Background(), e.cfg, zone, "web.example.com")
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, want) {
			return fmt.Errorf("records of web.example.com %v, want %v", got, want)
		}
		return nil
	}
}

// scenarioVariables are the values of the scenario's configuration at step
// 1 (blue live everywhere) or 2 (green gets version 3.0.0 and every split
// cuts over).
func scenarioVariables(f ecsFixture, lb *emulator.ALBFixture, function, zone, topic, bus, hook string, step int) config.Variables {
	vars := map[string]config.Variable{"LOG_LEVEL": config.StringVariable("info"), "OLD": config.StringVariable("x")}
	secretVersion, greenRev, workerVersion, lambdaVersion := 1, 2, "1.0.0", "1"
	blue, green := 100, 0
	if step == 2 {
		vars = map[string]config.Variable{"LOG_LEVEL": config.StringVariable("debug")}
		secretVersion, greenRev, workerVersion, lambdaVersion = 2, 3, "2.0.0", "2"
		blue, green = 0, 100
	}
	return config.Variables{
		"cluster_arn":           config.StringVariable(f.cluster),
		"blue_task_definition":  config.StringVariable(f.revs[0]),
		"green_task_definition": config.StringVariable(f.revs[greenRev-1]),
		"green_version":         config.StringVariable(fmt.Sprintf("%d.0.0", greenRev)),
		"blue_target_group":     config.StringVariable(lb.Blue),
		"green_target_group":    config.StringVariable(lb.Green),
		"listener_arn":          config.StringVariable(lb.Listener),
		"function_name":         config.StringVariable(function),
		"lambda_version":        config.StringVariable(lambdaVersion),
		"worker_version":        config.StringVariable(workerVersion),
		"zone_id":               config.StringVariable(zone),
		"topic_arn":             config.StringVariable(topic),
		"event_bus_arn":         config.StringVariable(bus),
		"hook_url":              config.StringVariable(hook),
		"variables":             config.MapVariable(vars),
		"secret_version":        config.IntegerVariable(secretVersion),
		"blue_weight":           config.IntegerVariable(blue),
		"green_weight":          config.IntegerVariable(green),
	}
}
