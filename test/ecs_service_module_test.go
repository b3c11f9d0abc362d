package test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

func TestECSServiceModule(t *testing.T) {
	t.Parallel()
	s := newStack(t, "test/fixtures/ecs-service")
	s.CreateLedger()
	t.Cleanup(s.Destroy)

	// First release: blue goes live, green is filled with the same version.
	// golive creates the ECS services only behind target groups a rule
	// already forwards to, as ECS does: the preview rules come first, the
	// split creates the service's rule after the deployments.
	s.Apply(map[string]any{"release": "1.0.0"})
	wantLive(t, s, "blue", map[string]string{"blue": "1.0.0", "green": "1.0.0"})
	wantRules(t, s)
	ruleARN := s.Output("rule_arn")

	// The same version again: nothing to do.
	if code := s.PlanExitCode(nil); code != 0 {
		t.Errorf("re-applying the live version plans changes (exit code %d)", code)
	}

	// 2.0.0 goes to the idle green slot and takes the traffic linearly.
	s.Apply(map[string]any{"release": "2.0.0"})
	wantLive(t, s, "green", map[string]string{"blue": "1.0.0", "green": "2.0.0"})
	wantRules(t, s)
	if got := s.Output("rule_arn"); got != ruleARN {
		t.Errorf("the release replaced the service's rule: %s, was %s", got, ruleARN)
	}

	events := s.Events("ecstest/dev", 50)
	var steps []string
	verified := false
	for _, e := range events {
		switch {
		case e.Kind == ledger.KindTrafficStep:
			steps = append([]string{e.Detail}, steps...)
		case e.Kind == ledger.KindDeploymentVerified && e.Version == "2.0.0":
			verified = true
		}
	}
	if !verified {
		t.Errorf("no deployment_verified event for 2.0.0 in the ledger")
	}
	// Linear by 50: blue=50/green=50, then green=100 (the first release
	// added one step of its own).
	if len(steps) < 2 || !strings.Contains(steps[len(steps)-2], "green=50") || !strings.Contains(steps[len(steps)-1], "green=100") {
		t.Errorf("traffic steps in the ledger = %q, want green=50 then green=100 last", steps)
	}
}

// wantLive checks, through the AWS SDK, that the listener rule sends all
// traffic to the live slot's target group and that each slot's ECS service
// runs the task definition of its version.
func wantLive(t *testing.T, s *stack, live string, versions map[string]string) {
	t.Helper()
	ctx := context.Background()
	if got := s.Output("live_slot"); got != live {
		t.Errorf("live_slot output = %q, want %q", got, live)
	}
	tgs := s.OutputMap("target_group_arns")
	weights := ruleWeights(t, s, s.Output("listener_arn"))
	for slot, arn := range tgs {
		want := int32(0)
		if slot == live {
			want = 100
		}
		if weights[arn] != want {
			t.Errorf("listener rule weight of %s = %d, want %d (all weights %v)", slot, weights[arn], want, weights)
		}
	}
	e := ecs.NewFromConfig(s.AWS)
	for slot, version := range versions {
		svc, err := e.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(s.Output("cluster_arn")), Services: []string{"api-" + slot}})
		if err != nil || len(svc.Services) != 1 {
			t.Fatalf("ECS service api-%s: %v %+v", slot, err, svc)
		}
		td, err := e.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: svc.Services[0].TaskDefinition})
		if err != nil {
			t.Fatal(err)
		}
		image := aws.ToString(td.TaskDefinition.ContainerDefinitions[0].Image)
		if !strings.HasSuffix(image, ":"+version) {
			c, _ := json.Marshal(td.TaskDefinition.ContainerDefinitions[0])
			t.Errorf("ECS service api-%s runs %s, want version %s (%s)", slot, image, version, c)
		}
	}
}

// ruleWeights reads the forward weights of the listener's service rules by
// target group ARN (preview rules aside).
func ruleWeights(t *testing.T, s *stack, listenerARN string) map[string]int32 {
	t.Helper()
	w, err := emulator.ServiceWeights(context.Background(), s.AWS, listenerARN)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func listenerRules(t *testing.T, s *stack, listenerARN string) []elbtypes.Rule {
	t.Helper()
	out, err := elbv2.NewFromConfig(s.AWS).DescribeRules(context.Background(), &elbv2.DescribeRulesInput{ListenerArn: aws.String(listenerARN)})
	if err != nil {
		t.Fatalf("reading the rules of %s: %v", listenerARN, err)
	}
	return out.Rules
}

// conditionValues are the values of r's condition on field, nil without one.
func conditionValues(r elbtypes.Rule, field string) []string {
	for _, c := range r.Conditions {
		if aws.ToString(c.Field) != field {
			continue
		}
		switch {
		case c.PathPatternConfig != nil:
			return c.PathPatternConfig.Values
		case c.HttpHeaderConfig != nil:
			return append([]string{aws.ToString(c.HttpHeaderConfig.HttpHeaderName)}, c.HttpHeaderConfig.Values...)
		default:
			return c.Values
		}
	}
	return nil
}

// forwardsTo is the one target group a plain forward rule sends to.
func forwardsTo(r elbtypes.Rule) string {
	for _, a := range r.Actions {
		if arn := aws.ToString(a.TargetGroupArn); arn != "" {
			return arn
		}
		if a.ForwardConfig != nil && len(a.ForwardConfig.TargetGroups) == 1 {
			return aws.ToString(a.ForwardConfig.TargetGroups[0].TargetGroupArn)
		}
	}
	return ""
}

// wantRules checks through the SDK the listener's rules that the module
// made: the service's rule, created by the traffic split (rule_arn), at
// priority 100 on /*, and one preview rule per slot, X-Golive-Slot: <slot>
// on /* to that slot's target group at 98 and 99; and that both target
// groups are attached to the load balancer, which ECS needs before it
// creates their services.
func wantRules(t *testing.T, s *stack) {
	t.Helper()
	tgs := s.OutputMap("target_group_arns")
	ruleARN := s.Output("rule_arn")
	type seen struct{ priority, forward string }
	got := map[string]seen{}
	for _, r := range listenerRules(t, s, s.Output("listener_arn")) {
		if aws.ToBool(r.IsDefault) {
			continue
		}
		key := "service"
		if h := conditionValues(r, "http-header"); h != nil {
			key = "preview " + strings.Join(h, "=")
		} else if aws.ToString(r.RuleArn) != ruleARN {
			t.Errorf("rule %s is neither the split's rule (%s) nor a preview rule", aws.ToString(r.RuleArn), ruleARN)
		}
		if p := conditionValues(r, "path-pattern"); len(p) != 1 || p[0] != "/*" {
			t.Errorf("%s rule paths = %v, want [/*]", key, p)
		}
		fwd := forwardsTo(r)
		if key == "service" {
			fwd = ""
		}
		got[key] = seen{aws.ToString(r.Priority), fwd}
	}
	want := map[string]seen{
		"service":                     {"100", ""},
		"preview X-Golive-Slot=blue":  {"98", tgs["blue"]},
		"preview X-Golive-Slot=green": {"99", tgs["green"]},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("listener rules (priority, forward) = %v, want %v", got, want)
	}
	out, err := elbv2.NewFromConfig(s.AWS).DescribeTargetGroups(context.Background(), &elbv2.DescribeTargetGroupsInput{TargetGroupArns: []string{tgs["blue"], tgs["green"]}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range out.TargetGroups {
		if len(tg.LoadBalancerArns) == 0 {
			t.Errorf("target group %s is attached to no load balancer", aws.ToString(tg.TargetGroupName))
		}
	}
}
