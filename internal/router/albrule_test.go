package router_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
	"github.com/golive-dev/terraform-provider-golive/internal/router"
)

// ruleConditions reads a rule's conditions straight from the API as field
// -> values.
func ruleConditions(t *testing.T, r elbtypes.Rule) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, c := range r.Conditions {
		switch {
		case c.PathPatternConfig != nil:
			out[aws.ToString(c.Field)] = c.PathPatternConfig.Values
		case c.HostHeaderConfig != nil:
			out[aws.ToString(c.Field)] = c.HostHeaderConfig.Values
		default:
			out[aws.ToString(c.Field)] = c.Values
		}
	}
	return out
}

func describeRule(t *testing.T, client *elbv2.Client, arn string) elbtypes.Rule {
	t.Helper()
	out, err := client.DescribeRules(context.Background(), &elbv2.DescribeRulesInput{RuleArns: []string{arn}})
	if err != nil {
		t.Fatal(err)
	}
	return out.Rules[0]
}

func TestALBRule_CreateUpdateDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, _ := account(t)
	s := newALBSetup(t, cfg)
	counting, calls := counted(cfg)
	client := elbv2.NewFromConfig(counting)
	spec := router.ALBRule{Priority: 20, PathPatterns: []string{"/shop/*"}, HostHeaders: []string{"api.example.com"}}

	r, err := router.CreateALBRule(ctx, client, s.listener, spec, s.dests, rollout.Weights{"blue": 100, "green": 0}, map[string]string{"team": "platform"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.RuleARN(), ":listener-rule/") || r.String() != "ALB listener rule "+r.RuleARN() {
		t.Fatalf("router after create: %q on %q", r.String(), r.RuleARN())
	}
	rule := describeRule(t, s.client, r.RuleARN())
	mustEqual(t, "priority", aws.ToString(rule.Priority), "20")
	mustEqual(t, "conditions", ruleConditions(t, rule), map[string][]string{"path-pattern": {"/shop/*"}, "host-header": {"api.example.com"}})
	live, _ := forwardWeights(t, rule.Actions)
	mustEqual(t, "weights of the new rule", live, map[string]int32{s.blue: 100, s.green: 0})
	tags, err := s.client.DescribeTags(ctx, &elbv2.DescribeTagsInput{ResourceArns: []string{r.RuleARN()}})
	if err != nil {
		t.Fatal(err)
	}
	if len(tags.TagDescriptions) != 1 || len(tags.TagDescriptions[0].Tags) != 1 || aws.ToString(tags.TagDescriptions[0].Tags[0].Value) != "platform" {
		t.Fatalf("tags of the new rule: %+v", tags.TagDescriptions)
	}
	got, err := r.Rule(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "Rule()", got, spec)

	// Weights move on the rule's action only.
	if err := r.Set(ctx, rollout.Weights{"blue": 90, "green": 10}); err != nil {
		t.Fatal(err)
	}
	rule = describeRule(t, s.client, r.RuleARN())
	live, _ = forwardWeights(t, rule.Actions)
	mustEqual(t, "weights after Set", live, map[string]int32{s.blue: 90, s.green: 10})
	mustEqual(t, "conditions after Set", ruleConditions(t, rule), map[string][]string{"path-pattern": {"/shop/*"}, "host-header": {"api.example.com"}})

	// Nothing to change: one read, no write; none at all for the router
	// that made the rule, which remembers it as it last wrote it.
	calls.reset()
	reordered := router.ALBRule{Priority: 20, PathPatterns: []string{"/shop/*"}, HostHeaders: []string{"api.example.com"}}
	if changed, err := router.NewALB(client, "", r.RuleARN(), s.dests).UpdateRule(ctx, reordered); err != nil || changed {
		t.Fatalf("UpdateRule to the same rule: changed %v, err %v", changed, err)
	}
	mustEqual(t, "calls of a no-op UpdateRule", calls.matching("", ""), 1)
	if changed, err := r.UpdateRule(ctx, reordered); err != nil || changed {
		t.Fatalf("UpdateRule to the same rule: changed %v, err %v", changed, err)
	}
	mustEqual(t, "calls of a no-op UpdateRule by the rule's maker", calls.matching("", ""), 1)

	// New priority and conditions, in place: same ARN, weights kept.
	moved := router.ALBRule{Priority: 30, PathPatterns: []string{"/v2/*", "/v3/*"}}
	if changed, err := r.UpdateRule(ctx, moved); err != nil || !changed {
		t.Fatalf("UpdateRule: changed %v, err %v", changed, err)
	}
	rule = describeRule(t, s.client, r.RuleARN())
	mustEqual(t, "priority after UpdateRule", aws.ToString(rule.Priority), "30")
	mustEqual(t, "conditions after UpdateRule", ruleConditions(t, rule), map[string][]string{"path-pattern": {"/v2/*", "/v3/*"}})
	live, _ = forwardWeights(t, rule.Actions)
	mustEqual(t, "weights after UpdateRule", live, map[string]int32{s.blue: 90, s.green: 10})

	// A priority taken by another rule is refused, naming both priorities.
	if _, err := r.UpdateRule(ctx, router.ALBRule{Priority: 10, PathPatterns: []string{"/v2/*", "/v3/*"}}); err == nil ||
		!strings.Contains(err.Error(), "moving ALB listener rule "+r.RuleARN()+" from priority 30 to 10") {
		t.Fatalf("UpdateRule onto a taken priority: %v", err)
	}

	if err := r.DeleteRule(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.client.DescribeRules(ctx, &elbv2.DescribeRulesInput{RuleArns: []string{r.RuleARN()}}); err == nil {
		t.Fatal("the rule is still there after DeleteRule")
	}
	if _, err := r.Read(ctx); !errors.Is(err, router.ErrNotFound) || !strings.Contains(err.Error(), "ALB listener rule "+r.RuleARN()+" does not exist") {
		t.Fatalf("Read of a deleted rule: %v, want an error wrapping router.ErrNotFound that names the rule", err)
	}
	if _, err := r.Rule(ctx); !errors.Is(err, router.ErrNotFound) {
		t.Fatalf("Rule() of a deleted rule: %v, want router.ErrNotFound", err)
	}
	if err := r.DeleteRule(ctx); err != nil {
		t.Fatalf("second DeleteRule: %v", err)
	}
	// The setup's own rule and the listener are untouched.
	if rule := s.ruleNow(t); aws.ToString(rule.Priority) != "10" {
		t.Fatalf("the other rule changed: %+v", rule)
	}
	live, _ = forwardWeights(t, s.listenerActions(t))
	mustEqual(t, "listener weights", live, map[string]int32{s.blue: 100, s.green: 0})
}

func TestALBRule_CreateRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, _ := account(t)
	s := newALBSetup(t, cfg)
	counting, calls := counted(cfg)
	client := elbv2.NewFromConfig(counting)

	for _, tc := range []struct {
		name string
		spec router.ALBRule
		w    rollout.Weights
		want string
	}{
		{"no condition", router.ALBRule{Priority: 20}, rollout.Weights{"blue": 100}, "a rule needs at least one path pattern or host header"},
		{"weight over 100", router.ALBRule{Priority: 20, PathPatterns: []string{"/*"}}, rollout.Weights{"blue": 150}, `weight of "blue" is 150`},
	} {
		if _, err := router.CreateALBRule(ctx, client, s.listener, tc.spec, s.dests, tc.w, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: want an error containing %q, got %v", tc.name, tc.want, err)
		}
	}
	if n := calls.matching("", ""); n != 0 {
		t.Fatalf("refused creates made %d AWS calls", n)
	}

	// AWS refuses a priority in use; the error says what was being created where.
	_, err := router.CreateALBRule(ctx, client, s.listener, router.ALBRule{Priority: 10, PathPatterns: []string{"/*"}}, s.dests, rollout.Weights{"blue": 100}, nil)
	if err == nil || !strings.Contains(err.Error(), "creating ALB listener rule (priority 10, path /*) on "+s.listener+" at blue=100") {
		t.Fatalf("create on a taken priority: %v", err)
	}
	out, err := s.client.DescribeRules(ctx, &elbv2.DescribeRulesInput{ListenerArn: aws.String(s.listener)})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(out.Rules); n != 2 { // the setup's rule and the default rule
		t.Fatalf("the listener has %d rules after a refused create, want 2", n)
	}
}

func TestALBRule_String(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		spec router.ALBRule
		want string
	}{
		{router.ALBRule{Priority: 100, PathPatterns: []string{"/*"}}, "priority 100, path /*"},
		{router.ALBRule{Priority: 7, HostHeaders: []string{"a.example.com", "b.example.com"}}, "priority 7, host a.example.com or b.example.com"},
		{router.ALBRule{Priority: 1, PathPatterns: []string{"/api/*", "/v2/*"}, HostHeaders: []string{"api.example.com"}}, "priority 1, path /api/* or /v2/*, host api.example.com"},
	} {
		mustEqual(t, "String", tc.spec.String(), tc.want)
	}
	if !(router.ALBRule{PathPatterns: []string{"/a", "/b"}}).SameConditions(router.ALBRule{Priority: 9, PathPatterns: []string{"/b", "/a"}}) {
		t.Error("value order must not matter")
	}
	if (router.ALBRule{PathPatterns: []string{"/a"}}).SameConditions(router.ALBRule{HostHeaders: []string{"/a"}}) {
		t.Error("a path pattern is not a host header")
	}
}
