package test

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/gruntwork-io/terratest/modules/terraform"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// TestECSServiceModule releases through modules/ecs-service in an
// environment that modules/environment creates whole (private subnets with
// VPC endpoints, HTTPS with HTTP redirected): the environment's
// configuration reaches the container through SSM, the execution role may
// read exactly those parameters, logs and per-slot alarms exist, the
// services run on capacity providers under Application Auto Scaling, and a
// release leaves the count autoscaling set alone.
func TestECSServiceModule(t *testing.T) {
	t.Parallel()
	s := newStack(t, "test/fixtures/ecs-service")
	s.CreateLedger()
	certificate := importCertificate(t, s, "api.ecstest.example")
	s.with(map[string]any{
		"aws_endpoint": s.Server.URL, "autoscaling_endpoint": startAutoScalingShim(t, s.Server.URL),
		"certificate_arn": certificate, "db_password": "correct horse",
	})
	t.Cleanup(s.Destroy)
	ctx := context.Background()

	// First release: blue goes live, green is filled with the same version.
	// golive creates the ECS services only behind target groups a rule
	// already forwards to, as ECS does: the preview rules come first, the
	// split creates the service's rule after the deployments.
	s.Apply(map[string]any{"release": "1.0.0"})
	wantLive(t, s, "blue", map[string]string{"blue": "1.0.0", "green": "1.0.0"})
	wantRules(t, s)
	wantHTTPS(t, s, s.Output("load_balancer_arn"), s.Output("listener_arn"), certificate)
	wantEndpoints(t, s)
	ruleARN := s.Output("rule_arn")

	// The configuration of ecstest/dev reaches both slots' containers from
	// SSM; the execution role may read exactly those parameters.
	tds := s.OutputMap("task_definition_arns")
	var params []string
	for _, slot := range []string{"blue", "green"} {
		params = wantTaskConfiguration(t, s, tds[slot], "ecstest/dev", []string{"LOG_LEVEL", "STATIC_PATH"}, []string{"DB_PASSWORD"}, s.Output("log_group_name"))
	}
	wantExecutionPolicy(t, s, s.Output("execution_role_arn"), params)
	wantLogGroup(t, s, "/ecs/ecstest/dev/api", 30)
	alarms := map[string][]string{}
	terraform.OutputStruct(t, s.Opts, "slot_alarm_names", &alarms)
	wantSlotAlarms(t, s, alarms, s.OutputMap("target_group_arns"))
	wantScaling(t, s, "ecstest-dev", 1, 4)

	// The same version again: nothing to do.
	if code := s.PlanExitCode(nil); code != 0 {
		t.Errorf("re-applying the live version plans changes (exit code %d)", code)
	}

	// Application Auto Scaling raised green's count (set here through the
	// ECS API, as it would). 2.0.0 goes to green and takes the traffic
	// linearly; the count stays what autoscaling set.
	if _, err := ecs.NewFromConfig(s.AWS).UpdateService(ctx, &ecs.UpdateServiceInput{
		Cluster: aws.String(s.Output("cluster_arn")), Service: aws.String("api-green"), DesiredCount: aws.Int32(3),
	}); err != nil {
		t.Fatal(err)
	}
	s.Apply(map[string]any{"release": "2.0.0"})
	wantLive(t, s, "green", map[string]string{"blue": "1.0.0", "green": "2.0.0"})
	wantRules(t, s)
	if got := s.Output("rule_arn"); got != ruleARN {
		t.Errorf("the release replaced the service's rule: %s, was %s", got, ruleARN)
	}
	if got := desiredCount(t, s, "api-green"); got != 3 {
		t.Errorf("api-green desired count after the release = %d, want the 3 autoscaling set", got)
	}
	if code := s.PlanExitCode(nil); code != 0 {
		t.Errorf("after the release, a plan wants changes (exit code %d): the autoscaled count must not be drift", code)
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

// wantHTTPS checks the load balancer's listeners: HTTPS on 443 with the
// certificate (the listener services use), HTTP on 80 redirecting to it.
func wantHTTPS(t *testing.T, s *stack, loadBalancerARN, listenerARN, certificate string) {
	t.Helper()
	out, err := elbv2.NewFromConfig(s.AWS).DescribeListeners(context.Background(), &elbv2.DescribeListenersInput{LoadBalancerArn: aws.String(loadBalancerARN)})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int32]bool{}
	for _, l := range out.Listeners {
		port := aws.ToInt32(l.Port)
		seen[port] = true
		switch port {
		case 443:
			if l.Protocol != elbtypes.ProtocolEnumHttps || len(l.Certificates) == 0 || aws.ToString(l.Certificates[0].CertificateArn) != certificate || aws.ToString(l.ListenerArn) != listenerARN {
				t.Errorf("listener 443: %s %+v; want HTTPS with %s, the module's listener_arn", l.Protocol, l.Certificates, certificate)
			}
		case 80:
			if len(l.DefaultActions) != 1 || l.DefaultActions[0].RedirectConfig == nil || aws.ToString(l.DefaultActions[0].RedirectConfig.Protocol) != "HTTPS" || aws.ToString(l.DefaultActions[0].RedirectConfig.Port) != "443" {
				t.Errorf("listener 80 default actions = %+v, want a redirect to HTTPS:443", l.DefaultActions)
			}
		default:
			t.Errorf("unexpected listener on port %d", port)
		}
	}
	if !seen[443] || !seen[80] {
		t.Errorf("listeners on ports %v, want 80 and 443", seen)
	}
}

// wantEndpoints checks that the private subnets reach AWS through VPC
// endpoints (ECR, S3, logs, SSM) and that there is no NAT gateway.
func wantEndpoints(t *testing.T, s *stack) {
	t.Helper()
	c := ec2.NewFromConfig(s.AWS)
	vpc := []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{s.Output("vpc_id")}}}
	eps, err := c.DescribeVpcEndpoints(context.Background(), &ec2.DescribeVpcEndpointsInput{Filters: vpc})
	if err != nil {
		t.Fatal(err)
	}
	var services []string
	for _, e := range eps.VpcEndpoints {
		services = append(services, strings.TrimPrefix(aws.ToString(e.ServiceName), "com.amazonaws."+emulator.Region+"."))
	}
	slices.Sort(services)
	if want := []string{"ecr.api", "ecr.dkr", "logs", "s3", "ssm"}; !slices.Equal(services, want) {
		t.Errorf("VPC endpoints = %v, want %v", services, want)
	}
	nats, err := c.DescribeNatGateways(context.Background(), &ec2.DescribeNatGatewaysInput{Filter: vpc})
	if err != nil || len(nats.NatGateways) != 0 {
		t.Errorf("NAT gateways with private_endpoints: %d (%v), want none", len(nats.NatGateways), err)
	}
	if got, want := s.OutputList("subnet_ids"), s.OutputList("private_subnet_ids"); len(got) != 2 || !slices.Equal(got, want) {
		t.Errorf("task subnets %v, want the two private subnets %v", got, want)
	}
}

// wantScaling checks, through Application Auto Scaling, that both slots'
// services of cluster scale between min and max with target tracking.
func wantScaling(t *testing.T, s *stack, cluster string, minCapacity, maxCapacity int32) {
	t.Helper()
	c := applicationautoscaling.NewFromConfig(s.AWS)
	ids := []string{"service/" + cluster + "/api-blue", "service/" + cluster + "/api-green"}
	targets, err := c.DescribeScalableTargets(context.Background(), &applicationautoscaling.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceIds: ids})
	if err != nil || len(targets.ScalableTargets) != 2 {
		t.Fatalf("scalable targets %v: %+v (%v)", ids, targets, err)
	}
	for _, st := range targets.ScalableTargets {
		if aws.ToInt32(st.MinCapacity) != minCapacity || aws.ToInt32(st.MaxCapacity) != maxCapacity {
			t.Errorf("%s scales %d-%d, want %d-%d", aws.ToString(st.ResourceId), aws.ToInt32(st.MinCapacity), aws.ToInt32(st.MaxCapacity), minCapacity, maxCapacity)
		}
	}
	policies, err := c.DescribeScalingPolicies(context.Background(), &applicationautoscaling.DescribeScalingPoliciesInput{ServiceNamespace: aastypes.ServiceNamespaceEcs})
	if err != nil {
		t.Fatal(err)
	}
	if len(policies.ScalingPolicies) != 4 {
		t.Errorf("scaling policies = %d, want CPU and requests per target for each slot", len(policies.ScalingPolicies))
	}
	// The services' capacity provider strategy is not read back: moto keeps
	// none (DescribeServices answers an empty capacityProviderStrategy), so
	// that it reaches ECS is left to the provider's acceptance tests and the
	// module's terraform test.
}

func desiredCount(t *testing.T, s *stack, service string) int32 {
	t.Helper()
	out, err := ecs.NewFromConfig(s.AWS).DescribeServices(context.Background(), &ecs.DescribeServicesInput{Cluster: aws.String(s.Output("cluster_arn")), Services: []string{service}})
	if err != nil || len(out.Services) != 1 {
		t.Fatalf("ECS service %s: %v", service, err)
	}
	return out.Services[0].DesiredCount
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
