package router_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
	"github.com/golive-dev/terraform-provider-golive/internal/router"
)

// albSetup is a load balancer whose listener authenticates (OIDC, order 1)
// and then forwards with stickiness (order 2) weighted 100/0 to blue and
// green, and whose /api/* rule forwards plainly to blue.
type albSetup struct {
	client             *elbv2.Client
	listener, rule     string
	blue, green, stray string // target group ARNs
	dests              []rollout.Destination
}

const oidcIssuer = "https://idp.example.com"

func newALBSetup(t *testing.T, cfg aws.Config) *albSetup {
	t.Helper()
	ctx := context.Background()
	e := ec2.NewFromConfig(cfg)
	vpc, err := e.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	var subnets []string
	for i, az := range []string{"us-east-1a", "us-east-1b"} {
		sn, err := e.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, AvailabilityZone: aws.String(az),
			CidrBlock: aws.String(fmt.Sprintf("10.0.%d.0/24", i))})
		if err != nil {
			t.Fatal(err)
		}
		subnets = append(subnets, aws.ToString(sn.Subnet.SubnetId))
	}
	lb := elbv2.NewFromConfig(cfg)
	alb, err := lb.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{Name: aws.String("shop"), Subnets: subnets})
	if err != nil {
		t.Fatal(err)
	}
	s := &albSetup{client: lb}
	for _, tg := range []struct {
		name string
		arn  *string
	}{{"blue", &s.blue}, {"green", &s.green}, {"stray", &s.stray}} {
		out, err := lb.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{Name: aws.String("shop-" + tg.name),
			Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80), VpcId: vpc.Vpc.VpcId, TargetType: elbtypes.TargetTypeEnumIp})
		if err != nil {
			t.Fatal(err)
		}
		*tg.arn = aws.ToString(out.TargetGroups[0].TargetGroupArn)
	}
	s.dests = []rollout.Destination{{Name: "blue", Target: s.blue}, {Name: "green", Target: s.green}}
	// moto accepts authenticate-oidc on an HTTP listener (AWS wants HTTPS),
	// so the test needs no certificate. moto also echoes the client secret
	// back, which AWS never does.
	ln, err := lb.CreateListener(ctx, &elbv2.CreateListenerInput{
		LoadBalancerArn: alb.LoadBalancers[0].LoadBalancerArn, Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80),
		DefaultActions: []elbtypes.Action{
			{Type: elbtypes.ActionTypeEnumAuthenticateOidc, Order: aws.Int32(1), AuthenticateOidcConfig: &elbtypes.AuthenticateOidcActionConfig{
				Issuer: aws.String(oidcIssuer), AuthorizationEndpoint: aws.String(oidcIssuer + "/authorize"),
				TokenEndpoint: aws.String(oidcIssuer + "/token"), UserInfoEndpoint: aws.String(oidcIssuer + "/userinfo"),
				ClientId: aws.String("shop"), ClientSecret: aws.String("s3cret"),
			}},
			{Type: elbtypes.ActionTypeEnumForward, Order: aws.Int32(2), ForwardConfig: &elbtypes.ForwardActionConfig{
				TargetGroups: []elbtypes.TargetGroupTuple{
					{TargetGroupArn: aws.String(s.blue), Weight: aws.Int32(100)},
					{TargetGroupArn: aws.String(s.green), Weight: aws.Int32(0)},
				},
				TargetGroupStickinessConfig: &elbtypes.TargetGroupStickinessConfig{Enabled: aws.Bool(true), DurationSeconds: aws.Int32(300)},
			}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	s.listener = aws.ToString(ln.Listeners[0].ListenerArn)
	// moto stores a plain forward as sent (only TargetGroupArn); AWS also
	// reports it as a ForwardConfig with one group of weight 1. The router
	// reads both as 100%.
	rule, err := lb.CreateRule(ctx, &elbv2.CreateRuleInput{
		ListenerArn: aws.String(s.listener), Priority: aws.Int32(10),
		Actions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(s.blue)}},
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"),
			PathPatternConfig: &elbtypes.PathPatternConditionConfig{Values: []string{"/api/*"}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	s.rule = aws.ToString(rule.Rules[0].RuleArn)
	return s
}

// listenerActions reads the listener's default actions straight from the API.
func (s *albSetup) listenerActions(t *testing.T) []elbtypes.Action {
	t.Helper()
	out, err := s.client.DescribeListeners(context.Background(), &elbv2.DescribeListenersInput{ListenerArns: []string{s.listener}})
	if err != nil {
		t.Fatal(err)
	}
	return out.Listeners[0].DefaultActions
}

func (s *albSetup) ruleNow(t *testing.T) elbtypes.Rule {
	t.Helper()
	out, err := s.client.DescribeRules(context.Background(), &elbv2.DescribeRulesInput{RuleArns: []string{s.rule}})
	if err != nil {
		t.Fatal(err)
	}
	return out.Rules[0]
}

// forwardWeights finds the forward action: its weights by target group
// ARN, the action itself.
func forwardWeights(t *testing.T, actions []elbtypes.Action) (map[string]int32, elbtypes.Action) {
	t.Helper()
	for _, a := range actions {
		if a.Type == elbtypes.ActionTypeEnumForward {
			w := map[string]int32{}
			if a.ForwardConfig != nil {
				for _, tg := range a.ForwardConfig.TargetGroups {
					w[aws.ToString(tg.TargetGroupArn)] = aws.ToInt32(tg.Weight)
				}
			}
			return w, a
		}
	}
	t.Fatalf("no forward action in %+v", actions)
	return nil, elbtypes.Action{}
}

func TestALB_String(t *testing.T) {
	t.Parallel()
	mustEqual(t, "listener", router.NewALB(nil, "arn:l", "", nil).String(), "ALB listener arn:l")
	mustEqual(t, "rule", router.NewALB(nil, "", "arn:r", nil).String(), "ALB listener rule arn:r")
}

func TestALBListener_SetKeepsStickinessAndOtherActions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, _ := account(t)
	s := newALBSetup(t, cfg)
	r := router.NewALB(elbv2.NewFromConfig(cfg), s.listener, "", s.dests)

	got, err := r.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "initial", got, rollout.Weights{"blue": 100, "green": 0})

	for _, step := range []struct {
		set  rollout.Weights
		live map[string]int32
	}{
		{rollout.Weights{"blue": 90, "green": 10}, map[string]int32{s.blue: 90, s.green: 10}},
		// blue is absent: it stays attached with weight 0.
		{rollout.Weights{"green": 100}, map[string]int32{s.blue: 0, s.green: 100}},
	} {
		if err := r.Set(ctx, step.set); err != nil {
			t.Fatal(err)
		}
		actions := s.listenerActions(t)
		if len(actions) != 2 {
			t.Fatalf("after Set(%s) the listener has %d actions: %+v", step.set, len(actions), actions)
		}
		oidc := actions[0]
		if oidc.Type != elbtypes.ActionTypeEnumAuthenticateOidc || aws.ToInt32(oidc.Order) != 1 ||
			oidc.AuthenticateOidcConfig == nil || aws.ToString(oidc.AuthenticateOidcConfig.Issuer) != oidcIssuer ||
			aws.ToString(oidc.AuthenticateOidcConfig.ClientId) != "shop" {
			t.Fatalf("after Set(%s) the OIDC action changed: %+v", step.set, oidc)
		}
		live, fwd := forwardWeights(t, actions)
		mustEqual(t, fmt.Sprintf("live weights after Set(%s)", step.set), live, step.live)
		if aws.ToInt32(fwd.Order) != 2 || fwd.TargetGroupArn != nil {
			t.Fatalf("forward action: order %d, TargetGroupArn %v", aws.ToInt32(fwd.Order), aws.ToString(fwd.TargetGroupArn))
		}
		sticky := fwd.ForwardConfig.TargetGroupStickinessConfig
		if sticky == nil || !aws.ToBool(sticky.Enabled) || aws.ToInt32(sticky.DurationSeconds) != 300 {
			t.Fatalf("stickiness not kept: %+v", sticky)
		}
	}
	got, err = r.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "Read after 0/100", got, rollout.Weights{"blue": 0, "green": 100})

	// The rule was not touched.
	rule := s.ruleNow(t)
	if aws.ToString(rule.Actions[0].TargetGroupArn) != s.blue {
		t.Fatalf("rule changed: %+v", rule.Actions)
	}
}

func TestALBRule_PlainForwardBecomesWeighted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, _ := account(t)
	s := newALBSetup(t, cfg)
	r := router.NewALB(elbv2.NewFromConfig(cfg), "", s.rule, s.dests)

	got, err := r.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "initial (plain forward to blue)", got, rollout.Weights{"blue": 100, "green": 0})

	for _, w := range []rollout.Weights{{"blue": 90, "green": 10}, {"blue": 0, "green": 100}} {
		if err := r.Set(ctx, w); err != nil {
			t.Fatal(err)
		}
		rule := s.ruleNow(t)
		live, fwd := forwardWeights(t, rule.Actions)
		mustEqual(t, fmt.Sprintf("rule weights after Set(%s)", w), live, map[string]int32{s.blue: int32(w["blue"]), s.green: int32(w["green"])})
		if fwd.TargetGroupArn != nil {
			t.Fatalf("TargetGroupArn left beside the ForwardConfig: %s", aws.ToString(fwd.TargetGroupArn))
		}
		if aws.ToString(rule.Priority) != "10" || len(rule.Conditions) != 1 ||
			rule.Conditions[0].PathPatternConfig == nil || rule.Conditions[0].PathPatternConfig.Values[0] != "/api/*" {
			t.Fatalf("rule priority or conditions changed: %s %+v", aws.ToString(rule.Priority), rule.Conditions)
		}
		got, err := r.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		mustEqual(t, "Read after Set", got, w)
	}
	// The listener's default actions were not touched.
	live, _ := forwardWeights(t, s.listenerActions(t))
	mustEqual(t, "listener weights", live, map[string]int32{s.blue: 100, s.green: 0})
}

func TestALB_UnknownTargetGroupUnderItsARN(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, _ := account(t)
	s := newALBSetup(t, cfg)
	// Someone else weighted the listener 3:1 to blue and a group golive does
	// not declare: relative weights read back as percentages.
	_, err := s.client.ModifyListener(ctx, &elbv2.ModifyListenerInput{ListenerArn: aws.String(s.listener),
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{
			TargetGroups: []elbtypes.TargetGroupTuple{
				{TargetGroupArn: aws.String(s.blue), Weight: aws.Int32(3)},
				{TargetGroupArn: aws.String(s.stray), Weight: aws.Int32(1)},
			}}}}})
	if err != nil {
		t.Fatal(err)
	}
	r := router.NewALB(elbv2.NewFromConfig(cfg), s.listener, "", s.dests)
	got, err := r.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "initial", got, rollout.Weights{"blue": 75, "green": 0, s.stray: 25})

	if err := r.Set(ctx, rollout.Weights{"blue": 50, "green": 0, s.stray: 50}); err != nil {
		t.Fatal(err)
	}
	live, _ := forwardWeights(t, s.listenerActions(t))
	mustEqual(t, "stray kept by its ARN", live, map[string]int32{s.blue: 50, s.green: 0, s.stray: 50})

	// A raw key set to 0 detaches the group; declared ones stay attached.
	if err := r.Set(ctx, rollout.Weights{"blue": 0, "green": 100, s.stray: 0}); err != nil {
		t.Fatal(err)
	}
	live, _ = forwardWeights(t, s.listenerActions(t))
	mustEqual(t, "stray detached", live, map[string]int32{s.blue: 0, s.green: 100})
	got, err = r.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "Read after detaching", got, rollout.Weights{"blue": 0, "green": 100})
}

func TestALB_ErrorsNameTheListenerOrRule(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, acct := account(t)
	s := newALBSetup(t, cfg)
	counting, calls := counted(cfg)
	client := elbv2.NewFromConfig(counting)
	missing := "arn:aws:elasticloadbalancing:us-east-1:" + acct + ":listener/app/shop/0123456789abcdef/0123456789abcdef"

	if _, err := router.NewALB(client, missing, "", s.dests).Read(ctx); err == nil || !strings.Contains(err.Error(), "ALB listener "+missing) {
		t.Fatalf("Read of a missing listener: %v", err)
	}
	if err := router.NewALB(client, missing, "", s.dests).Set(ctx, rollout.Weights{"blue": 100}); err == nil || !strings.Contains(err.Error(), "ALB listener "+missing) {
		t.Fatalf("Set on a missing listener: %v", err)
	}

	calls.reset()
	for _, tc := range []struct {
		name, listener, rule string
		w                    rollout.Weights
		want                 string
	}{
		{"both ARNs", s.listener, s.rule, rollout.Weights{"blue": 100}, "exactly one of a listener ARN and a rule ARN"},
		{"no ARN", "", "", rollout.Weights{"blue": 100}, "exactly one of a listener ARN and a rule ARN"},
		{"weight over 100", "", s.rule, rollout.Weights{"blue": 150}, `ALB listener rule ` + s.rule + `: weight of "blue" is 150`},
	} {
		err := router.NewALB(client, tc.listener, tc.rule, s.dests).Set(ctx, tc.w)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: want an error containing %q, got %v", tc.name, tc.want, err)
		}
	}
	if n := calls.matching("", ""); n != 0 {
		t.Fatalf("refused Sets made %d AWS calls", n)
	}
	if rule := s.ruleNow(t); aws.ToString(rule.Actions[0].TargetGroupArn) != s.blue {
		t.Fatalf("a refused Set changed the rule: %+v", rule.Actions)
	}
}
