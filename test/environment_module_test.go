package test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
)

// TestEnvironmentModule puts an environment on a network and load balancer
// that exist already (the fixture makes them with hashicorp/aws): the module
// must create neither, accept traffic from the given load balancer, watch
// it, and write the configuration and release rules. The created network,
// HTTPS and VPC endpoints are checked by TestECSServiceModule.
func TestEnvironmentModule(t *testing.T) {
	t.Parallel()
	s := newStack(t, "test/fixtures/environment")
	s.CreateLedger()
	t.Cleanup(s.Destroy)
	// A deploy window open for the next hours, on every day.
	now := time.Now().UTC()
	window := map[string]any{
		"days":  []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"},
		"start": now.Add(-time.Hour).Format("15:04"), "end": now.Add(3 * time.Hour).Format("15:04"), "timezone": "UTC",
	}
	s.Apply(map[string]any{"db_password": "correct horse", "account_id": s.Account, "deploy_window": window})
	ctx := context.Background()

	if got := s.Output("environment_id"); got != "envtest/staging" {
		t.Fatalf("environment_id = %q, want envtest/staging", got)
	}

	// The given network and listener, and nothing created beside them.
	if got, want := s.Output("vpc_id"), s.Output("shared_vpc_id"); got != want {
		t.Errorf("vpc_id = %s, want the existing VPC %s", got, want)
	}
	if got, want := s.OutputList("subnet_ids"), s.OutputList("private_subnet_ids"); !slices.Equal(got, want) {
		t.Errorf("task subnets = %v, want the existing private subnets %v", got, want)
	}
	if got, want := s.Output("listener_arn"), s.Output("shared_listener_arn"); got != want {
		t.Errorf("listener_arn = %s, want the existing listener %s", got, want)
	}
	lbs, err := elbv2.NewFromConfig(s.AWS).DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(lbs.LoadBalancers) != 1 || aws.ToString(lbs.LoadBalancers[0].LoadBalancerName) != "shared" {
		t.Errorf("load balancers in the account: %d, want only the existing one", len(lbs.LoadBalancers))
	}
	vpcs, err := ec2.NewFromConfig(s.AWS).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{
		Filters: []ec2types.Filter{{Name: aws.String("tag:application"), Values: []string{"envtest"}}},
	})
	if err != nil || len(vpcs.Vpcs) != 0 {
		t.Errorf("the module created VPCs with existing_network: %d (%v)", len(vpcs.Vpcs), err)
	}

	// Tasks accept traffic from the existing load balancer's security group.
	sgs, err := ec2.NewFromConfig(s.AWS).DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{s.Output("task_security_group_id")}})
	if err != nil || len(sgs.SecurityGroups) != 1 {
		t.Fatalf("task security group: %v", err)
	}
	if sg := sgs.SecurityGroups[0]; aws.ToString(sg.VpcId) != s.Output("shared_vpc_id") || !ingressFrom(sg, s.Output("shared_lb_security_group_id")) {
		t.Errorf("task security group %s: VPC %s, ingress %+v; want the existing VPC, traffic from the load balancer's group", aws.ToString(sg.GroupId), aws.ToString(sg.VpcId), sg.IpPermissions)
	}

	clusters, err := ecs.NewFromConfig(s.AWS).DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{s.Output("cluster_arn")}})
	if err != nil || len(clusters.Clusters) != 1 || aws.ToString(clusters.Clusters[0].Status) != "ACTIVE" {
		t.Fatalf("ECS cluster %s not active: %+v %v", s.Output("cluster_arn"), clusters, err)
	}
	if got := slices.Sorted(slices.Values(clusters.Clusters[0].CapacityProviders)); !slices.Equal(got, []string{"FARGATE", "FARGATE_SPOT"}) {
		t.Errorf("cluster capacity providers = %v, want FARGATE, FARGATE_SPOT", got)
	}

	// The environment's alarms watch the existing load balancer.
	alarms := s.OutputList("alarm_names")
	got, err := emulator.CloudWatch(s.AWS).DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: alarms})
	if err != nil || len(alarms) != 2 || len(got.MetricAlarms) != 2 {
		t.Fatalf("want the 5xx and latency alarms, outputs %v, AWS %d (%v)", alarms, len(got.MetricAlarms), err)
	}
	for _, a := range got.MetricAlarms {
		if d := dimensions(a.Dimensions); d["LoadBalancer"] != s.Output("shared_lb_arn_suffix") {
			t.Errorf("alarm %s dimensions = %v, want LoadBalancer %s", aws.ToString(a.AlarmName), d, s.Output("shared_lb_arn_suffix"))
		}
	}

	// Configuration where applications read it, the keys for the services,
	// and the ledger's record with the release rules.
	wantParams(t, s, "/golive/envtest/staging/vars/", map[string]string{"LOG_LEVEL": "info", "STATIC_PATH": "/static"})
	secret, err := ssm.NewFromConfig(s.AWS).GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/golive/envtest/staging/secrets/DB_PASSWORD"), WithDecryption: aws.Bool(true)})
	if err != nil || secret.Parameter.Type != ssmtypes.ParameterTypeSecureString || aws.ToString(secret.Parameter.Value) != "correct horse" {
		t.Errorf("secret DB_PASSWORD: %+v, %v; want the SecureString given", secret, err)
	}
	if got := s.OutputList("variable_keys"); !slices.Equal(got, []string{"LOG_LEVEL", "STATIC_PATH"}) {
		t.Errorf("variable_keys = %v", got)
	}
	if got := s.OutputList("secret_keys"); !slices.Equal(got, []string{"DB_PASSWORD"}) {
		t.Errorf("secret_keys = %v", got)
	}
	env, err := s.Ledger().GetEnvironment(ctx, "envtest/staging")
	if err != nil {
		t.Fatal(err)
	}
	if env.Tier != "staging" || env.PromotesFrom != "dev" || env.Parity != "warn" || env.DeletionProtection || env.AWSAccountID != s.Account {
		t.Errorf("ledger record = %+v, want tier staging, promotes_from dev, parity warn, unprotected, account %s", env, s.Account)
	}
	if w := env.DeployWindow; w == nil || len(w.Days) != 7 || w.Start != window["start"] || w.End != window["end"] || w.Timezone != "UTC" {
		t.Errorf("deploy window in the ledger = %+v", w)
	}
	if n := env.Notify; n == nil || n.SNSTopicARN != s.Output("sns_topic_arn") {
		t.Errorf("notify in the ledger = %+v, want the SNS topic", n)
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

// ingressFrom says whether the security group admits traffic from group.
func ingressFrom(sg ec2types.SecurityGroup, group string) bool {
	for _, p := range sg.IpPermissions {
		for _, pair := range p.UserIdGroupPairs {
			if aws.ToString(pair.GroupId) == group {
				return true
			}
		}
	}
	return false
}

// dimensions turns CloudWatch dimensions into a map.
func dimensions(ds []cwtypes.Dimension) map[string]string {
	m := map[string]string{}
	for _, d := range ds {
		m[aws.ToString(d.Name)] = aws.ToString(d.Value)
	}
	return m
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
