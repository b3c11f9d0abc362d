package verify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/verify"
)

// webFixture is a VPC with two running instances and two instance target
// groups: "web" with both instances registered (one on another port), and
// "empty" with none.
type webFixture struct {
	cfg        aws.Config
	ec2        *ec2.Client
	lb         *elbv2.Client
	instances  []string
	web, empty string // target group ARNs
}

func newWebFixture(t *testing.T) *webFixture {
	t.Helper()
	ctx := context.Background()
	cfg := account(t)
	f := &webFixture{cfg: cfg, ec2: ec2.NewFromConfig(cfg), lb: elbv2.NewFromConfig(cfg)}
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

// healthAnswers is an ELB client whose DescribeTargetHealth answers go
// through the fault proxy with the states given (emulator.TargetHealthAnswers):
// moto reports every registered target of a running instance healthy.
func healthAnswers(t *testing.T, cfg aws.Config, states ...string) *elbv2.Client {
	t.Helper()
	answers := &emulator.TargetHealthAnswers{}
	answers.Set(states...)
	proxy, err := emulator.StartFaultProxy(emulator.Shared(t).URL, emulator.FaultOptions{Rewrite: answers.Rewrite})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	c := cfg.Copy()
	c.BaseEndpoint = aws.String(proxy.URL)
	return elbv2.NewFromConfig(c)
}

// Polled with Until, the gate waits while targets fail their health checks
// and passes once every one is healthy.
func TestTargetHealth_polledUntilHealthy(t *testing.T) {
	t.Parallel()
	f := newWebFixture(t)
	client := healthAnswers(t, f.cfg, "unhealthy", "unhealthy", "healthy")
	var progress []string
	err := verify.Until(context.Background(), verify.NewTargetHealth(client, []string{f.web}), 10*time.Millisecond, 1, time.Minute,
		func(s string) { progress = append(progress, s) })
	if err != nil {
		t.Fatal(err)
	}
	if len(progress) != 3 || !strings.Contains(progress[0], "Target.ResponseCodeMismatch") || !strings.Contains(progress[2], "healthy") {
		t.Fatalf("progress %q", progress)
	}
}

// Targets that stay unhealthy fail the gate when its timeout ends, naming
// each target and its reason code.
func TestTargetHealth_unhealthyUntilTimeoutNamesTargets(t *testing.T) {
	t.Parallel()
	f := newWebFixture(t)
	client := healthAnswers(t, f.cfg, "unhealthy")
	err := verify.Until(context.Background(), verify.NewTargetHealth(client, []string{f.web}), 10*time.Millisecond, 1, 200*time.Millisecond, nil)
	want := `target health of target groups "web": not healthy after 200ms: ` +
		`target ` + f.instances[0] + `:8080 in target group "web" is unhealthy (Target.ResponseCodeMismatch: Health checks failed with these codes: [502]); ` +
		`target ` + f.instances[1] + `:9090 in target group "web" is unhealthy (Target.ResponseCodeMismatch: Health checks failed with these codes: [502])`
	if err == nil || err.Error() != want {
		t.Fatalf("got:\n%v\nwant:\n%s", err, want)
	}
}

// Draining targets (the tasks a rolling deployment replaces) are not
// judged, but a group must keep a healthy target.
func TestTargetHealth_drainingTargets(t *testing.T) {
	t.Parallel()
	f := newWebFixture(t)
	ctx := context.Background()
	err := verify.NewTargetHealth(healthAnswers(t, f.cfg, "first draining"), []string{f.web}).Check(ctx)
	if err != nil {
		t.Fatalf("a draining target beside a healthy one: %v", err)
	}
	err = verify.NewTargetHealth(healthAnswers(t, f.cfg, "draining"), []string{f.web}).Check(ctx)
	wantErr(t, err, `target group "web" has no healthy targets (2 draining)`)
}
