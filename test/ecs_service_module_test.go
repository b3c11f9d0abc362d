package test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

func TestECSServiceModule(t *testing.T) {
	t.Parallel()
	s := newStack(t, "test/fixtures/ecs-service")
	s.CreateLedger()
	t.Cleanup(s.Destroy)

	// First release: blue goes live, green is filled with the same version.
	s.Apply(map[string]any{"release": "1.0.0"})
	wantLive(t, s, "blue", map[string]string{"blue": "1.0.0", "green": "1.0.0"})

	// The same version again: nothing to do.
	if code := s.PlanExitCode(nil); code != 0 {
		t.Errorf("re-applying the live version plans changes (exit code %d)", code)
	}

	// 2.0.0 goes to the idle green slot and takes the traffic linearly.
	s.Apply(map[string]any{"release": "2.0.0"})
	wantLive(t, s, "green", map[string]string{"blue": "1.0.0", "green": "2.0.0"})

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

// ruleWeights reads the forward weights of the listener's non-default rule
// by target group ARN.
func ruleWeights(t *testing.T, s *stack, listenerARN string) map[string]int32 {
	t.Helper()
	out, err := elbv2.NewFromConfig(s.AWS).DescribeRules(context.Background(), &elbv2.DescribeRulesInput{ListenerArn: aws.String(listenerARN)})
	if err != nil {
		t.Fatalf("reading the rules of %s: %v", listenerARN, err)
	}
	w := map[string]int32{}
	for _, r := range out.Rules {
		if aws.ToBool(r.IsDefault) {
			continue
		}
		for _, a := range r.Actions {
			if a.ForwardConfig == nil {
				continue
			}
			for _, tg := range a.ForwardConfig.TargetGroups {
				w[aws.ToString(tg.TargetGroupArn)] = aws.ToInt32(tg.Weight)
			}
		}
	}
	return w
}
