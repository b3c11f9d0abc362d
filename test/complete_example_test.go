package test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/gruntwork-io/terratest/modules/terraform"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// TestCompleteExample runs examples/complete as a user would (what `make
// demo` shows): bootstrap, 1.0.0 everywhere, a promotion refused at plan,
// 2.0.0 promoted dev → staging → prod by canary, and a bad 3.0.0 whose
// canary trips its own slot's 5xx alarm during the bake and is rolled back
// by itself. After the first apply it reads production back through the SDK:
// the task definitions take the configuration from /golive/shop/prod/, the
// execution role may read exactly those parameters, the log group exists,
// the slot alarms watch their own target groups, HTTPS serves the api.
func TestCompleteExample(t *testing.T) {
	t.Parallel()
	s := newStack(t, "examples/complete")
	boot := s.Sub("bootstrap")
	certificate := importCertificate(t, s, "shop.example.com")
	common := map[string]any{
		"aws_endpoint": s.Server.URL, "prod_deletion_protection": false, "bake": "3s",
		"certificate_arn": certificate, "db_password": "correct horse",
	}
	t.Cleanup(func() {
		s.Destroy()
		boot.Destroy()
	})
	boot.Apply(map[string]any{"aws_endpoint": s.Server.URL})
	s.with(common)

	release := func(dev, staging, prod string) map[string]any {
		return map[string]any{"releases": map[string]string{"dev": dev, "staging": staging, "prod": prod}}
	}
	s.Apply(release("1.0.0", "1.0.0", "1.0.0"))
	listeners := s.OutputMap("listener_arns")
	for _, env := range []string{"dev", "staging", "prod"} {
		wantServingOn(t, s, "shop-"+env, listeners[env], "blue")
	}
	wantProdAPI(t, s, certificate)

	// Production refuses what staging has not verified, at plan time, on
	// its promotion gate (not on any other error that names staging).
	out, err := s.PlanE(release("1.0.0", "1.0.0", "2.0.0"))
	if refusal := flatOutput(out); err == nil || !strings.Contains(refusal, "Error: version not verified upstream") ||
		!strings.Contains(refusal, "api@2.0.0 may enter shop/prod only after it is verified in shop/staging (promotes_from)") {
		t.Fatalf("plan of 2.0.0 into prod: want the promotion gate's refusal, got %v:\n%s", err, out)
	}

	for _, r := range []map[string]any{release("2.0.0", "1.0.0", "1.0.0"), release("2.0.0", "2.0.0", "1.0.0"), release("2.0.0", "2.0.0", "2.0.0")} {
		s.Apply(r)
	}
	for _, env := range []string{"dev", "staging", "prod"} {
		wantServingOn(t, s, "shop-"+env, listeners[env], "green")
	}
	if steps := stepDetails(s.Events("shop/prod", 100)); !containsInOrder(steps, "green=10", "green=50", "green=100") {
		t.Errorf("prod's traffic steps = %q, want green 10, 50, then 100", steps)
	}

	// 3.0.0: verified through dev and staging; in prod it goes to blue, and
	// blue's own 5xx alarm fires during the canary: the cutover rolls back.
	s.Apply(release("3.0.0", "2.0.0", "2.0.0"))
	s.Apply(release("3.0.0", "3.0.0", "2.0.0"))
	fired := emulator.FireAlarmWhen(s.AWS, "shop-prod-api-blue-5xx", "5xx from the 3.0.0 canary", 5*time.Minute, func(ctx context.Context) bool {
		return emulator.CanaryUnderway(ruleWeights(t, s, listeners["prod"]))
	})
	out, err = s.ApplyE(release("3.0.0", "3.0.0", "3.0.0"))
	if ferr := <-fired; ferr != nil {
		t.Fatal(ferr)
	}
	if err == nil || !strings.Contains(out+err.Error(), "shop-prod-api-blue-5xx") {
		t.Fatalf("the bad canary must fail the apply naming blue's alarm; err = %v", err)
	}
	wantServingOn(t, s, "shop-prod", listeners["prod"], "green")
	var rolledBack bool
	for _, e := range s.Events("shop/prod", 20) {
		if e.Kind == ledger.KindRolledBack && e.Service == "api" {
			rolledBack = true
		}
	}
	if !rolledBack {
		t.Error("the ledger has no rolled_back event for shop/prod/api")
	}
}

// wantProdAPI reads production's api back through the SDK.
func wantProdAPI(t *testing.T, s *stack, certificate string) {
	t.Helper()
	var api struct {
		TaskDefinitionARNs map[string]string   `json:"task_definition_arns"`
		ExecutionRoleARN   string              `json:"execution_role_arn"`
		LogGroupName       string              `json:"log_group_name"`
		TargetGroupARNs    map[string]string   `json:"target_group_arns"`
		SlotAlarmNames     map[string][]string `json:"slot_alarm_names"`
	}
	terraform.OutputStruct(t, s.Opts, "prod_api", &api)
	var params []string
	for _, slot := range []string{"blue", "green"} {
		params = wantTaskConfiguration(t, s, api.TaskDefinitionARNs[slot], "shop/prod", []string{"LOG_LEVEL", "STATIC_PATH"}, []string{"DB_PASSWORD"}, api.LogGroupName)
	}
	for _, p := range params {
		if !strings.Contains(p, ":parameter/golive/shop/prod/") {
			t.Errorf("prod reads parameter %s, outside /golive/shop/prod/", p)
		}
	}
	wantExecutionPolicy(t, s, api.ExecutionRoleARN, params)
	wantLogGroup(t, s, "/ecs/shop/prod/api", 30)
	wantSlotAlarms(t, s, api.SlotAlarmNames, api.TargetGroupARNs)
	wantHTTPS(t, s, loadBalancerARN(t, s, "shop-prod"), s.OutputMap("listener_arns")["prod"], certificate)
}

// wantServing checks, through the SDK, that the api rule of the named load
// balancer (with one listener) sends all traffic to the slot's target group.
func wantServing(t *testing.T, s *stack, lb, slot string) {
	t.Helper()
	wantServingOn(t, s, lb, listenerOf(t, s, lb), slot)
}

// wantServingOn is wantServing on the given listener of the load balancer.
func wantServingOn(t *testing.T, s *stack, lb, listener, slot string) {
	t.Helper()
	weights := ruleWeights(t, s, listener)
	tgs, err := elbv2.NewFromConfig(s.AWS).DescribeTargetGroups(context.Background(), &elbv2.DescribeTargetGroupsInput{
		Names: []string{lb + "-api-blue", lb + "-api-green"},
	})
	if err != nil {
		t.Fatalf("reading target groups of %s: %v", lb, err)
	}
	for _, tg := range tgs.TargetGroups {
		want := int32(0)
		if strings.HasSuffix(aws.ToString(tg.TargetGroupName), "-"+slot) {
			want = 100
		}
		if got := weights[aws.ToString(tg.TargetGroupArn)]; got != want {
			t.Errorf("%s: weight of %s = %d, want %d", lb, aws.ToString(tg.TargetGroupName), got, want)
		}
	}
}

func loadBalancerARN(t *testing.T, s *stack, name string) string {
	t.Helper()
	out, err := elbv2.NewFromConfig(s.AWS).DescribeLoadBalancers(context.Background(), &elbv2.DescribeLoadBalancersInput{Names: []string{name}})
	if err != nil || len(out.LoadBalancers) != 1 {
		t.Fatalf("load balancer %s: %v", name, err)
	}
	return aws.ToString(out.LoadBalancers[0].LoadBalancerArn)
}

// stepDetails lists the traffic_step details of events, oldest first.
func stepDetails(events []ledger.Event) []string {
	var steps []string
	for _, e := range events {
		if e.Kind == ledger.KindTrafficStep {
			steps = append([]string{e.Detail}, steps...)
		}
	}
	return steps
}

// containsInOrder says whether items holds entries containing each want, in
// that order (not necessarily adjacent).
func containsInOrder(items []string, want ...string) bool {
	i := 0
	for _, it := range items {
		if i < len(want) && strings.Contains(it, want[i]) {
			i++
		}
	}
	return i == len(want)
}

func listenerOf(t *testing.T, s *stack, lb string) string {
	t.Helper()
	arn, err := emulator.ListenerOf(context.Background(), s.AWS, lb)
	if err != nil {
		t.Fatal(err)
	}
	return arn
}
