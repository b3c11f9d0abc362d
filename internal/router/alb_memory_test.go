package router_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
	"github.com/golive-dev/terraform-provider-golive/internal/router"
)

// TestALB_RemembersWhatItReadAndWrote: a router reads its listener once;
// each weight change is then one write, and what it saw, carried as JSON
// to another router (a plan's read, given to its apply), needs no read
// there either. The other actions survive, the OIDC one included.
func TestALB_RemembersWhatItReadAndWrote(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, _ := account(t)
	s := newALBSetup(t, cfg)
	counting, calls := counted(cfg)
	client := elbv2.NewFromConfig(counting)

	r := router.NewALB(client, s.listener, "", s.dests)
	if _, ok := r.Seen(); ok {
		t.Fatal("a new router says it has seen its listener")
	}
	w, err := r.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "weights", w, rollout.Weights{"blue": 100, "green": 0})
	for _, step := range []rollout.Weights{{"blue": 90, "green": 10}, {"blue": 50, "green": 50}} {
		if err := r.Set(ctx, step); err != nil {
			t.Fatal(err)
		}
	}
	if w, err = r.Read(ctx); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "weights after two steps", w, rollout.Weights{"blue": 50, "green": 50})
	mustEqual(t, "calls: one read, one write per step", calls.matching("", ""), 3)

	st, ok := r.Seen()
	if !ok {
		t.Fatal("the router has not seen its listener")
	}
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	var carried router.ALBState
	if err := json.Unmarshal(b, &carried); err != nil {
		t.Fatal(err)
	}
	calls.reset()
	apply := router.NewALB(client, s.listener, "", s.dests)
	apply.Remember(carried)
	if w, err = apply.Read(ctx); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "weights of the carried read", w, rollout.Weights{"blue": 50, "green": 50})
	if err := apply.Set(ctx, rollout.Weights{"blue": 0, "green": 100}); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "calls of a router given what another read: the write alone", calls.matching("", ""), 1)
	actions := s.listenerActions(t)
	if len(actions) != 2 || actions[0].Type != elbtypes.ActionTypeEnumAuthenticateOidc ||
		!aws.ToBool(actions[1].ForwardConfig.TargetGroupStickinessConfig.Enabled) {
		t.Fatalf("actions after the carried write: %+v", actions)
	}
	live, _ := forwardWeights(t, actions)
	mustEqual(t, "weights in AWS", live, map[string]int32{s.blue: 0, s.green: 100})
}

// TestALB_AFailedWriteForgets: after a write fails, the router reads
// again instead of trusting what it remembered.
func TestALB_AFailedWriteForgets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, _ := account(t)
	s := newALBSetup(t, cfg)
	r := router.NewALB(s.client, "", s.rule, s.dests)
	if _, err := r.Read(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.client.DeleteRule(ctx, &elbv2.DeleteRuleInput{RuleArn: aws.String(s.rule)}); err != nil {
		t.Fatal(err)
	}
	if err := r.Set(ctx, rollout.Weights{"blue": 0, "green": 100}); err == nil {
		t.Fatal("Set on a deleted rule succeeded")
	}
	if _, err := r.Read(ctx); !errors.Is(err, router.ErrNotFound) {
		t.Fatalf("Read after a failed write: %v, want ErrNotFound from a fresh read", err)
	}
}

// TestALB_ListenerRulesServeEveryRuleOfTheListener: one read of a listener
// gives each split's router its rule, as ReadRule would read it.
func TestALB_ListenerRulesServeEveryRuleOfTheListener(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, _ := account(t)
	s := newALBSetup(t, cfg)
	var arns []string
	for i, host := range []string{"a.example.com", "b.example.com"} {
		r, err := router.CreateALBRule(ctx, s.client, s.listener, router.ALBRule{Priority: int32(20 + i), HostHeaders: []string{host}},
			s.dests, rollout.Weights{"blue": 100 - 10*i, "green": 10 * i}, nil)
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, r.RuleARN())
	}
	counting, calls := counted(cfg)
	client := elbv2.NewFromConfig(counting)
	rules, err := router.ListenerRules(ctx, client, s.listener)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "calls", calls.matching("", ""), 1)
	for _, arn := range append(arns, s.rule) {
		listener, ok := router.ListenerOfRule(arn)
		mustEqual(t, "listener of "+arn, listener, s.listener)
		if !ok {
			t.Fatalf("no listener for %s", arn)
		}
		rule, ok := rules[arn]
		if !ok {
			t.Fatalf("rule %s not among the listener's", arn)
		}
		remembered := router.NewALB(client, "", arn, s.dests)
		remembered.RememberRule(rule)
		w, spec, err := remembered.ReadRule(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wantW, wantSpec, err := router.NewALB(s.client, "", arn, s.dests).ReadRule(ctx)
		if err != nil {
			t.Fatal(err)
		}
		mustEqual(t, "weights of "+arn, w, wantW)
		mustEqual(t, "rule "+arn, spec, wantSpec)
	}
	mustEqual(t, "calls after the rules were given out", calls.matching("", ""), 1)
}

func TestListenerOfRule(t *testing.T) {
	for _, c := range []struct {
		rule, listener string
		ok             bool
	}{
		{"arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee",
			"arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2", true},
		{"arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2", "", false},
		{"arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/9683b2d02a6cabee", "", false},
		{"", "", false},
	} {
		got, ok := router.ListenerOfRule(c.rule)
		if got != c.listener || ok != c.ok {
			t.Errorf("ListenerOfRule(%q) = %q, %t; want %q, %t", c.rule, got, ok, c.listener, c.ok)
		}
	}
}
