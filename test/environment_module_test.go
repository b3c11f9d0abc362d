package test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
)

func TestEnvironmentModule(t *testing.T) {
	t.Parallel()
	s := newStack(t, "test/fixtures/environment")
	s.CreateLedger()
	t.Cleanup(s.Destroy)
	s.Apply(nil)
	ctx := context.Background()

	if got := s.Output("environment_id"); got != "envtest/staging" {
		t.Fatalf("environment_id = %q, want envtest/staging", got)
	}

	// Network: the VPC with its CIDR, a subnet per availability zone.
	vpcs, err := ec2.NewFromConfig(s.AWS).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{s.Output("vpc_id")}})
	if err != nil || len(vpcs.Vpcs) != 1 {
		t.Fatalf("VPC %s not found: %v", s.Output("vpc_id"), err)
	}
	if got := aws.ToString(vpcs.Vpcs[0].CidrBlock); got != "10.42.0.0/16" {
		t.Errorf("VPC CIDR = %s, want 10.42.0.0/16", got)
	}
	subnets, err := ec2.NewFromConfig(s.AWS).DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: s.OutputList("subnet_ids")})
	if err != nil || len(subnets.Subnets) != 2 {
		t.Fatalf("want 2 subnets, got %v (%v)", subnets, err)
	}
	zones := map[string]bool{}
	for _, sn := range subnets.Subnets {
		zones[aws.ToString(sn.AvailabilityZone)] = true
	}
	if len(zones) != 2 {
		t.Errorf("subnets share an availability zone: %v", zones)
	}

	// The load balancer's listener answers unmatched paths with 404 until a
	// service adds its rule.
	ls, err := elbv2.NewFromConfig(s.AWS).DescribeListeners(ctx, &elbv2.DescribeListenersInput{ListenerArns: []string{s.Output("listener_arn")}})
	if err != nil || len(ls.Listeners) != 1 {
		t.Fatalf("listener not found: %v", err)
	}
	if act := ls.Listeners[0].DefaultActions; len(act) != 1 || act[0].FixedResponseConfig == nil || aws.ToString(act[0].FixedResponseConfig.StatusCode) != "404" {
		t.Errorf("listener default action = %+v, want a fixed 404", act)
	}

	clusters, err := ecs.NewFromConfig(s.AWS).DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{s.Output("cluster_arn")}})
	if err != nil || len(clusters.Clusters) != 1 || aws.ToString(clusters.Clusters[0].Status) != "ACTIVE" {
		t.Fatalf("ECS cluster %s not active: %+v %v", s.Output("cluster_arn"), clusters, err)
	}

	alarms := s.OutputList("alarm_names")
	got, err := emulator.CloudWatch(s.AWS).DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: alarms})
	if err != nil || len(alarms) != 2 || len(got.MetricAlarms) != 2 {
		t.Fatalf("want the 5xx and latency alarms, outputs %v, AWS %d (%v)", alarms, len(got.MetricAlarms), err)
	}
	metrics := map[string]bool{}
	for _, a := range got.MetricAlarms {
		metrics[aws.ToString(a.MetricName)] = true
	}
	if !metrics["HTTPCode_Target_5XX_Count"] || !metrics["TargetResponseTime"] {
		t.Errorf("alarm metrics = %v, want 5xx count and response time", metrics)
	}

	// Configuration where applications read it, and the ledger's record.
	wantParams(t, s, "/golive/envtest/staging/vars/", map[string]string{"LOG_LEVEL": "info", "STATIC_PATH": "/static"})
	env, err := s.Ledger().GetEnvironment(ctx, "envtest/staging")
	if err != nil {
		t.Fatal(err)
	}
	if env.Tier != "staging" || env.PromotesFrom != "dev" || env.Parity != "warn" || env.DeletionProtection {
		t.Errorf("ledger record = %+v, want tier staging, promotes_from dev, parity warn, unprotected", env)
	}

	if code := s.PlanExitCode(nil); code != 0 {
		t.Errorf("a second plan wants changes (exit code %d)", code)
	}

	// A changed variable and a freeze window reach SSM and the ledger.
	s.Apply(map[string]any{
		"log_level": "debug",
		"freezes":   []map[string]any{{"start": "2030-12-24T00:00:00Z", "end": "2030-12-27T00:00:00Z", "reason": "holiday freeze"}},
	})
	wantParams(t, s, "/golive/envtest/staging/vars/", map[string]string{"LOG_LEVEL": "debug", "STATIC_PATH": "/static"})
	env, err = s.Ledger().GetEnvironment(ctx, "envtest/staging")
	if err != nil {
		t.Fatal(err)
	}
	if len(env.Freezes) != 1 || env.Freezes[0].Reason != "holiday freeze" || env.Freezes[0].Start != "2030-12-24T00:00:00Z" {
		t.Errorf("freezes in the ledger = %+v, want the holiday freeze", env.Freezes)
	}
}

// wantParams checks the parameters under path are exactly want (key → value).
func wantParams(t *testing.T, s *stack, path string, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	p := ssm.NewGetParametersByPathPaginator(ssm.NewFromConfig(s.AWS), &ssm.GetParametersByPathInput{Path: aws.String(path), Recursive: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("reading %s from SSM: %v", path, err)
		}
		for _, prm := range page.Parameters {
			got[strings.TrimPrefix(aws.ToString(prm.Name), path)] = aws.ToString(prm.Value)
		}
	}
	if len(got) != len(want) {
		t.Errorf("SSM %s = %v, want %v", path, got, want)
		return
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("SSM %s%s = %q, want %q", path, k, got[k], v)
		}
	}
}
