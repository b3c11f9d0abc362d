package test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// TestCompleteExample runs examples/complete as a user would (what `make
// demo` shows): bootstrap, 1.0.0 everywhere, a promotion refused at plan,
// 2.0.0 promoted dev → staging → prod by canary, and a bad 3.0.0 whose
// canary alarm fires during the bake and is rolled back by itself.
func TestCompleteExample(t *testing.T) {
	t.Parallel()
	s := newStack(t, "examples/complete")
	boot := s.Sub("bootstrap")
	common := map[string]any{"aws_endpoint": s.Server.URL, "prod_deletion_protection": false, "bake": "3s"}
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
	for _, env := range []string{"dev", "staging", "prod"} {
		wantServing(t, s, "shop-"+env, "blue")
	}

	// Production refuses what staging has not verified, at plan time.
	if _, err := s.PlanE(release("1.0.0", "1.0.0", "2.0.0")); err == nil || !strings.Contains(err.Error(), "staging") {
		t.Fatalf("plan of 2.0.0 into prod: want a promotion gate error naming staging, got %v", err)
	}

	for _, r := range []map[string]any{release("2.0.0", "1.0.0", "1.0.0"), release("2.0.0", "2.0.0", "1.0.0"), release("2.0.0", "2.0.0", "2.0.0")} {
		s.Apply(r)
	}
	for _, env := range []string{"dev", "staging", "prod"} {
		wantServing(t, s, "shop-"+env, "green")
	}
	if steps := stepDetails(s.Events("shop/prod", 100)); !containsInOrder(steps, "green=10", "green=50", "green=100") {
		t.Errorf("prod's traffic steps = %q, want green 10, 50, then 100", steps)
	}

	// 3.0.0: verified through dev and staging; in prod, its canary fires the
	// 5xx alarm and the cutover rolls back.
	s.Apply(release("3.0.0", "2.0.0", "2.0.0"))
	s.Apply(release("3.0.0", "3.0.0", "2.0.0"))
	listener := listenerOf(t, s, "shop-prod")
	fired := emulator.FireAlarmWhen(s.AWS, "shop-prod-5xx", "5xx from the 3.0.0 canary", 5*time.Minute, func(ctx context.Context) bool {
		return emulator.CanaryUnderway(ruleWeights(t, s, listener))
	})
	out, err := s.ApplyE(release("3.0.0", "3.0.0", "3.0.0"))
	if ferr := <-fired; ferr != nil {
		t.Fatal(ferr)
	}
	if err == nil || !strings.Contains(out+err.Error(), "shop-prod-5xx") {
		t.Fatalf("the bad canary must fail the apply naming the alarm; err = %v", err)
	}
	wantServing(t, s, "shop-prod", "green")
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

// wantServing checks, through the SDK, that the api rule of the named load
// balancer sends all traffic to the slot's target group.
func wantServing(t *testing.T, s *stack, lb, slot string) {
	t.Helper()
	weights := ruleWeights(t, s, listenerOf(t, s, lb))
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

func listenerOf(t *testing.T, s *stack, lb string) string {
	t.Helper()
	arn, err := emulator.ListenerOf(context.Background(), s.AWS, lb)
	if err != nil {
		t.Fatal(err)
	}
	return arn
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
