package verify_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/golive-dev/terraform-provider-golive/internal/verify"
)

// webFixture is a VPC with two running instances and two instance target
// groups: "web" with both instances registered (one on another port), and
// "empty" with none.
type webFixture struct {
	ec2        *ec2.Client
	lb         *elbv2.Client
	instances  []string
	web, empty string // target group ARNs
}

func newWebFixture(t *testing.T) *webFixture {
	t.Helper()
	ctx := context.Background()
	cfg := account(t)
	f := &webFixture{ec2: ec2.NewFromConfig(cfg), lb: elbv2.NewFromConfig(cfg)}
	vpc, err := f.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.1.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	subnet, err := f.ec2.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String("10.1.1.0/24"), AvailabilityZone: aws.String("us-east-1a")})
	if err != nil {
		t.Fatal(err)
	}
	run, err := f.ec2.RunInstances(ctx, &ec2.RunInstancesInput{
		ImageId: aws.String("ami-12c6146b"), InstanceType: ec2types.InstanceTypeT3Micro, MinCount: aws.Int32(2), MaxCount: aws.Int32(2),
		SubnetId: subnet.Subnet.SubnetId,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range run.Instances {
		f.instances = append(f.instances, aws.ToString(i.InstanceId))
	}
	group := func(name string) string {
		out, err := f.lb.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{
			Name: aws.String(name), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(8080), VpcId: vpc.Vpc.VpcId,
			TargetType: elbtypes.TargetTypeEnumInstance,
		})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.TargetGroups[0].TargetGroupArn)
	}
	f.web, f.empty = group("web"), group("empty")
	_, err = f.lb.RegisterTargets(ctx, &elbv2.RegisterTargetsInput{TargetGroupArn: aws.String(f.web), Targets: []elbtypes.TargetDescription{
		{Id: aws.String(f.instances[0])},
		{Id: aws.String(f.instances[1]), Port: aws.Int32(9090)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestTargetHealth_registeredTargetsPass(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newWebFixture(t)
	gate := verify.NewTargetHealth(f.lb, []string{f.web})
	if got := gate.Name(); got != `target health of target groups "web"` {
		t.Fatalf("Name() = %q", got)
	}
	if err := gate.Check(ctx); err != nil {
		t.Fatalf("registered targets (moto: always healthy): %v", err)
	}
	// The premise: two targets, reported healthy.
	out, err := f.lb.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(f.web)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.TargetHealthDescriptions) != 2 {
		t.Fatalf("%d targets registered, want 2", len(out.TargetHealthDescriptions))
	}
	for _, d := range out.TargetHealthDescriptions {
		if d.TargetHealth.State != elbtypes.TargetHealthStateEnumHealthy {
			t.Fatalf("target %s is %s", aws.ToString(d.Target.Id), d.TargetHealth.State)
		}
	}
}

func TestTargetHealth_groupWithoutTargetsFails(t *testing.T) {
	t.Parallel()
	f := newWebFixture(t)
	wantErr(t, verify.NewTargetHealth(f.lb, []string{f.web, f.empty}).Check(context.Background()), `target group "empty" has no registered targets`)
}

// moto reports a stopped instance target as unused (Target.InvalidState),
// as AWS does, which gives an unhealthy target to test with.
func TestTargetHealth_unhealthyTargetFails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newWebFixture(t)
	if _, err := f.ec2.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{f.instances[1]}}); err != nil {
		t.Fatal(err)
	}
	wantErr(t, verify.NewTargetHealth(f.lb, []string{f.web, f.empty}).Check(ctx),
		`target `+f.instances[1]+`:9090 in target group "web" is unused (Target.InvalidState: Target is in the stopped state); `+
			`target group "empty" has no registered targets`)
}

func TestTargetHealth_unknownGroupFails(t *testing.T) {
	t.Parallel()
	f := newWebFixture(t)
	missing := strings.Replace(f.web, "targetgroup/web/", "targetgroup/gone/", 1)
	err := verify.NewTargetHealth(f.lb, []string{missing}).Check(context.Background())
	if err == nil || !strings.HasPrefix(err.Error(), "reading target health of target group "+missing+": ") || !strings.Contains(err.Error(), "TargetGroupNotFound") {
		t.Fatalf("unknown group: %v", err)
	}
}
