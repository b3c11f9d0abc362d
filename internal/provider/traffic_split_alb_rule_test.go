package provider_test

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// ownedRuleSplit routes f's blue and green by a rule the split creates on
// listener, by canary.
func ownedRuleSplit(f *emulator.ALBFixture, listener, rule string, blue, green int) string {
	return fmt.Sprintf(`
resource "golive_traffic_split" "api" {
  environment = golive_environment.prod.id
  service     = "api"
  alb {
    listener_arn = %q
    rule {
      %s
    }
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
`, listener, rule, f.Blue, blue, f.Green, green, fastCanary)
}

// liveRule is a listener rule as AWS reports it.
type liveRule struct {
	arn, priority string
	conditions    map[string][]string // field -> values
	weights       map[string]int32    // target group ARN -> weight
}

// splitRules reads, through the SDK, the rules of listener other than the
// default one and the fixture's own rule (priority 10).
func (e *testEnv) splitRules(listener string) ([]liveRule, error) {
	out, err := elbv2.NewFromConfig(e.cfg).DescribeRules(context.Background(), &elbv2.DescribeRulesInput{ListenerArn: aws.String(listener)})
	if err != nil {
		return nil, err
	}
	var rules []liveRule
	for _, r := range out.Rules {
		if aws.ToBool(r.IsDefault) || aws.ToString(r.Priority) == "10" {
			continue
		}
		lr := liveRule{arn: aws.ToString(r.RuleArn), priority: aws.ToString(r.Priority), conditions: map[string][]string{}, weights: map[string]int32{}}
		for _, c := range r.Conditions {
			switch {
			case c.PathPatternConfig != nil:
				lr.conditions[aws.ToString(c.Field)] = c.PathPatternConfig.Values
			case c.HostHeaderConfig != nil:
				lr.conditions[aws.ToString(c.Field)] = c.HostHeaderConfig.Values
			default:
				lr.conditions[aws.ToString(c.Field)] = c.Values
			}
		}
		for _, a := range r.Actions {
			if a.ForwardConfig != nil {
				for _, tg := range a.ForwardConfig.TargetGroups {
					lr.weights[aws.ToString(tg.TargetGroupArn)] = aws.ToInt32(tg.Weight)
				}
			}
		}
		rules = append(rules, lr)
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].priority < rules[j].priority })
	return rules, nil
}

// checkOwnedRule checks through the SDK that listener has exactly one rule
// besides the fixture's, with this priority, conditions and weights, and
// that it is the rule_arn of the split's state. It stores the ARN in arn.
func (e *testEnv) checkOwnedRule(f *emulator.ALBFixture, listener, priority string, conditions map[string][]string, blue, green int32, arn *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rules, err := e.splitRules(listener)
		if err != nil {
			return err
		}
		if len(rules) != 1 {
			return fmt.Errorf("listener has %d rules besides the fixture's, want 1: %+v", len(rules), rules)
		}
		r := rules[0]
		want := liveRule{arn: r.arn, priority: priority, conditions: conditions, weights: map[string]int32{f.Blue: blue, f.Green: green}}
		if !reflect.DeepEqual(r, want) {
			return fmt.Errorf("rule in AWS:\n %+v\nwant\n %+v", r, want)
		}
		if got := s.RootModule().Resources["golive_traffic_split.api"].Primary.Attributes["alb.0.rule_arn"]; got != r.arn {
			return fmt.Errorf("alb[0].rule_arn in state is %q, the rule in AWS is %q", got, r.arn)
		}
		*arn = r.arn
		return nil
	}
}

func (e *testEnv) checkNoOwnedRule(listener string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		rules, err := e.splitRules(listener)
		if err != nil {
			return err
		}
		if len(rules) != 0 {
			return fmt.Errorf("listener %s still has the split's rule: %+v", listener, rules)
		}
		return nil
	}
}

// secondListener adds a listener on port 8080 to f's load balancer, with
// the fixture's forward as its default action.
func (e *testEnv) secondListener(t *testing.T, f *emulator.ALBFixture) string {
	t.Helper()
	ctx := context.Background()
	lb := elbv2.NewFromConfig(e.cfg)
	first, err := lb.DescribeListeners(ctx, &elbv2.DescribeListenersInput{ListenerArns: []string{f.Listener}})
	if err != nil {
		t.Fatal(err)
	}
	out, err := lb.CreateListener(ctx, &elbv2.CreateListenerInput{
		LoadBalancerArn: first.Listeners[0].LoadBalancerArn, Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(8080),
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(f.Blue)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Listeners[0].ListenerArn)
}

// The split creates its listener rule on the declared weights (no canary:
// nothing is live), canaries on it afterwards, moves it in place when its
// priority or conditions change, survives import, brings out-of-band
// weights back, creates it again when it is deleted behind its back,
// replaces it when the listener changes, and deletes it on destroy.
func TestAccTrafficSplit_albRuleOwnedBySplit(t *testing.T) {
	e := newTestEnv(t)
	f := e.alb(t)
	other := e.secondListener(t, f)
	lb := elbv2.NewFromConfig(e.cfg)
	const first = `priority      = 100
      path_patterns = ["/shop/*"]
      host_headers  = ["shop.example.com"]`
	const moved = `priority      = 200
      path_patterns = ["/shop/*", "/store/*"]`
	firstConds := map[string][]string{"path-pattern": {"/shop/*"}, "host-header": {"shop.example.com"}}
	movedConds := map[string][]string{"path-pattern": {"/shop/*", "/store/*"}}
	cfg := func(listener, rule string, blue, green int) string {
		return e.providerBlock() + splitEnv + ownedRuleSplit(f, listener, rule, blue, green)
	}
	ruleARN := tfjsonpath.New("alb").AtSliceIndex(0).AtMapKey("rule_arn")
	knownARN := knownvalue.StringRegexp(regexp.MustCompile(`:listener-rule/`))
	var arn, firstARN string
	createPlan := func(blue, green int64, text string) []plancheck.PlanCheck {
		return append(expectCutover("golive_traffic_split.api", "blue", "green", [][2]int64{{blue, green}}, text),
			plancheck.ExpectResourceAction("golive_traffic_split.api", plancheck.ResourceActionCreate),
			plancheck.ExpectUnknownValue("golive_traffic_split.api", ruleARN))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy: resource.ComposeTestCheckFunc(
			e.checkNoOwnedRule(f.Listener),
			e.checkNoOwnedRule(other),
			// What the split did not create is as it was.
			e.checkListener(f, 100, 0),
			func(*terraform.State) error {
				if w, _, err := emulator.ListenerWeights(context.Background(), e.cfg, "", f.Rule); err != nil || !reflect.DeepEqual(w, map[string]int32{f.Blue: 100, f.Green: 0}) {
					return fmt.Errorf("the fixture's rule changed: %v %v", w, err)
				}
				events, _, err := e.ledger.Events(context.Background(), ledger.EventQuery{Environment: "shop/prod", Service: "api", Limit: 1})
				if err != nil {
					return err
				}
				if want := "deleted ALB listener rule " + arn + ", which the split had created"; len(events) != 1 || events[0].Kind != ledger.KindSplitDeleted || events[0].Detail != want {
					return fmt.Errorf("last event %+v, want %s: %q", events, ledger.KindSplitDeleted, want)
				}
				return nil
			},
		),
		Steps: []resource.TestStep{
			// The environment first, so that the split's plan is known.
			{Config: e.providerBlock() + splitEnv},
			{
				Config: cfg(f.Listener, first, 100, 0),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: createPlan(100, 0,
					"create ALB listener rule (priority 100, path /shop/*, host shop.example.com) at blue=100 green=0 (no live traffic to canary)")},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue("golive_traffic_split.api", ruleARN, knownARN)},
				Check: resource.ComposeTestCheckFunc(
					e.checkOwnedRule(f, f.Listener, "100", firstConds, 100, 0, &arn),
					func(*terraform.State) error {
						firstARN = arn
						// One event, no steps: nothing was live to canary from.
						events, _, err := e.ledger.Events(context.Background(), ledger.EventQuery{Environment: "shop/prod", Service: "api", Limit: 10})
						if err != nil {
							return err
						}
						want := "create ALB listener rule (priority 100, path /shop/*, host shop.example.com) at blue=100 green=0 (no live traffic to canary)"
						if len(events) != 1 || events[0].Kind != ledger.KindCutoverCompleted || events[0].Detail != want {
							return fmt.Errorf("events of shop/prod/api: %+v, want one cutover_completed: %q", events, want)
						}
						rec, err := e.ledger.GetSplit(context.Background(), "shop/prod", "api")
						if err != nil {
							return err
						}
						if !rec.RuleCreated || rec.RuleARN != arn || rec.Rule == nil || rec.Rule.Priority != 100 {
							return fmt.Errorf("ledger record of the split: %+v", rec)
						}
						return nil
					},
					// The provider's default_tags are on the rule.
					func(*terraform.State) error {
						out, err := lb.DescribeTags(context.Background(), &elbv2.DescribeTagsInput{ResourceArns: []string{arn}})
						if err != nil {
							return err
						}
						tags := map[string]string{}
						for _, d := range out.TagDescriptions {
							for _, tag := range d.Tags {
								tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
							}
						}
						if want := map[string]string{"managed-by": "golive-acctest"}; !reflect.DeepEqual(tags, want) {
							return fmt.Errorf("tags of the rule: %v, want %v", tags, want)
						}
						return nil
					},
					// Nothing else on the listener moved.
					e.checkListener(f, 100, 0),
				),
			},
			{
				// From here on, a change of weights is an ordinary canary.
				Config: cfg(f.Listener, first, 0, 100),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("golive_traffic_split.api", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("golive_traffic_split.api", ruleARN, knownARN),
					plancheck.ExpectKnownValue("golive_traffic_split.api", tfjsonpath.New("cutover"),
						knownvalue.StringExact("green 0 → 100: 10% for 2s, 50% for 2s, then 100%")),
				}},
				Check: resource.ComposeTestCheckFunc(
					e.checkOwnedRule(f, f.Listener, "100", firstConds, 0, 100, &arn),
					e.checkEventKinds("shop/prod", "api", []string{ledger.KindCutoverCompleted, ledger.KindTrafficStep, ledger.KindTrafficStep, ledger.KindTrafficStep, ledger.KindCutoverStarted}),
				),
			},
			{
				// New priority and conditions: the same rule, updated in place.
				Config: cfg(f.Listener, moved, 0, 100),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("golive_traffic_split.api", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("golive_traffic_split.api", ruleARN, knownARN),
				}},
				Check: resource.ComposeTestCheckFunc(
					e.checkOwnedRule(f, f.Listener, "200", movedConds, 0, 100, &arn),
					func(*terraform.State) error {
						if arn != firstARN {
							return fmt.Errorf("the rule was replaced (%s, was %s); it must be updated in place", arn, firstARN)
						}
						return nil
					},
				),
			},
			{
				// The rule block comes back from the ledger.
				ResourceName: "golive_traffic_split.api", ImportState: true, ImportStateId: "shop/prod/api", ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"strategy", "planned_steps", "cutover"},
			},
			{
				// Weights moved by hand on the rule are drift, walked back.
				PreConfig: func() {
					_, err := lb.ModifyRule(context.Background(), &elbv2.ModifyRuleInput{RuleArn: aws.String(arn), Actions: []elbtypes.Action{{
						Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{TargetGroups: []elbtypes.TargetGroupTuple{
							{TargetGroupArn: aws.String(f.Blue), Weight: aws.Int32(70)}, {TargetGroupArn: aws.String(f.Green), Weight: aws.Int32(30)},
						}}}}})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg(f.Listener, moved, 0, 100),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("golive_traffic_split.api", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("golive_traffic_split.api", tfjsonpath.New("cutover"),
						knownvalue.StringExact("green 30 → 100: 50% for 2s, then 100%")),
				}},
				Check: e.checkOwnedRule(f, f.Listener, "200", movedConds, 0, 100, &arn),
			},
			{
				// The rule is deleted behind golive's back: the split drops out
				// of state and the apply creates both again, on the declared weights.
				PreConfig: func() {
					if _, err := lb.DeleteRule(context.Background(), &elbv2.DeleteRuleInput{RuleArn: aws.String(arn)}); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg(f.Listener, moved, 0, 100),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: createPlan(0, 100,
					"create ALB listener rule (priority 200, path /shop/* or /store/*) at blue=0 green=100 (no live traffic to canary)")},
				Check: e.checkOwnedRule(f, f.Listener, "200", movedConds, 0, 100, &arn),
			},
			{
				// Another listener is another rule: the split is replaced, the
				// old rule deleted.
				Config: cfg(other, moved, 0, 100),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("golive_traffic_split.api", plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectUnknownValue("golive_traffic_split.api", ruleARN),
				}},
				Check: resource.ComposeTestCheckFunc(
					e.checkNoOwnedRule(f.Listener),
					e.checkOwnedRule(f, other, "200", movedConds, 0, 100, &arn),
				),
			},
		},
	})
}

// Adding the rule block to a split on a listener's default action replaces
// the split with one that creates its rule; removing it deletes the rule.
func TestAccTrafficSplit_albRuleBlockAddedAndRemoved(t *testing.T) {
	e := newTestEnv(t)
	f := e.alb(t)
	ruleARN := tfjsonpath.New("alb").AtSliceIndex(0).AtMapKey("rule_arn")
	var arn string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{
				Config: e.providerBlock() + splitEnv + albSplit(f, 100, 0, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// On a listener's default action there is no rule ARN, not even one to come.
					plancheck.ExpectKnownValue("golive_traffic_split.api", ruleARN, knownvalue.Null()),
				}},
				Check: resource.ComposeTestCheckFunc(e.checkListener(f, 100, 0), e.checkNoOwnedRule(f.Listener)),
			},
			{
				Config: e.providerBlock() + splitEnv + ownedRuleSplit(f, f.Listener, `priority      = 300
      path_patterns = ["/x/*"]`, 100, 0),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("golive_traffic_split.api", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: resource.ComposeTestCheckFunc(
					e.checkOwnedRule(f, f.Listener, "300", map[string][]string{"path-pattern": {"/x/*"}}, 100, 0, &arn),
					e.checkListener(f, 100, 0),
				),
			},
			{
				Config: e.providerBlock() + splitEnv + albSplit(f, 100, 0, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("golive_traffic_split.api", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: resource.ComposeTestCheckFunc(e.checkNoOwnedRule(f.Listener), e.checkListener(f, 100, 0)),
			},
		},
	})
}
