package router_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
	"github.com/golive-dev/terraform-provider-golive/internal/router"
)

// viaFaultProxy is cfg with its calls through a fault proxy (no faults
// unless the test injects them) and the SDK's standard retryer.
func viaFaultProxy(t *testing.T, cfg aws.Config) (aws.Config, *emulator.FaultProxy) {
	t.Helper()
	p, err := emulator.StartFaultProxy(emulator.Shared(t).URL, emulator.FaultOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	out := cfg.Copy()
	out.BaseEndpoint = aws.String(p.URL)
	out.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 10 * time.Millisecond, nil })
		})
	}
	return out, p
}

// A rule create whose answer is lost after ELB applied it is retried by
// the SDK, which meets PriorityInUse: the rule there is ours, and adopted.
// Someone else's rule at the priority still fails the create.
func TestALBRule_CreateSurvivesALostAnswer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, _ := account(t)
	s := newALBSetup(t, cfg)
	faulty, proxy := viaFaultProxy(t, cfg)
	spec := router.ALBRule{Priority: 30, PathPatterns: []string{"/shop/*"}}

	proxy.Inject(emulator.FaultResetAfter)
	r, err := router.CreateALBRule(ctx, elbv2.NewFromConfig(faulty), s.listener, spec, s.dests, rollout.Weights{"blue": 90, "green": 10}, nil)
	if err != nil {
		t.Fatalf("creating with a lost answer: %v", err)
	}
	if proxy.Counts()["reset-after"] != 1 {
		t.Fatalf("the answer was not lost: %s", proxy)
	}
	rules, err := s.client.DescribeRules(ctx, &elbv2.DescribeRulesInput{ListenerArn: aws.String(s.listener)})
	if err != nil {
		t.Fatal(err)
	}
	at30 := 0
	for _, rule := range rules.Rules {
		if aws.ToString(rule.Priority) == "30" {
			at30++
			if aws.ToString(rule.RuleArn) != r.RuleARN() {
				t.Fatalf("adopted %s, but the rule at 30 is %s", r.RuleARN(), aws.ToString(rule.RuleArn))
			}
		}
	}
	if at30 != 1 {
		t.Fatalf("%d rules at priority 30, want 1", at30)
	}
	if got, err := r.Read(ctx); err != nil || got["blue"] != 90 || got["green"] != 10 {
		t.Fatalf("read back %v, %v", got, err)
	}

	// Same priority, other conditions: not ours.
	other := router.ALBRule{Priority: 30, PathPatterns: []string{"/other/*"}}
	_, err = router.CreateALBRule(ctx, elbv2.NewFromConfig(faulty), s.listener, other, s.dests, rollout.Weights{"blue": 90, "green": 10}, nil)
	var inUse *elbtypes.PriorityInUseException
	if !errors.As(err, &inUse) {
		t.Fatalf("over someone else's rule: want PriorityInUse, got %v", err)
	}
	// Same conditions, other weights: not ours either.
	_, err = router.CreateALBRule(ctx, elbv2.NewFromConfig(faulty), s.listener, spec, s.dests, rollout.Weights{"blue": 100, "green": 0}, nil)
	if !errors.As(err, &inUse) {
		t.Fatalf("over a rule with other weights: want PriorityInUse, got %v", err)
	}
}

// An alias create whose answer is lost after Lambda applied it is retried
// by the SDK, which meets ResourceConflict: the alias is ours.
func TestLambdaAlias_CreateSurvivesALostAnswer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, _ := account(t)
	l := newVersions(t, cfg)
	faulty, proxy := viaFaultProxy(t, cfg)
	r := router.NewLambdaAlias(lambda.NewFromConfig(faulty), function, "canary", versionDests)

	proxy.Inject(emulator.FaultResetAfter)
	if err := r.Create(ctx, rollout.Weights{"v1": 90, "v2": 10}); err != nil {
		t.Fatalf("creating with a lost answer: %v", err)
	}
	if proxy.Counts()["reset-after"] != 1 {
		t.Fatalf("the answer was not lost: %s", proxy)
	}
	primary, add := namedAliasRouting(t, l, "canary")
	if primary != "1" || !mapEqual(add, map[string]float64{"2": 0.1}) {
		t.Fatalf("alias routes to %s + %v", primary, add)
	}
	// The alias with other weights is not ours.
	if err := r.Create(ctx, rollout.Weights{"v1": 0, "v2": 100}); err == nil {
		t.Fatal("Create over an alias with other weights succeeded")
	}
}
