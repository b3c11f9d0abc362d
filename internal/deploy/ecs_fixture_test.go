package deploy_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/deploy"
)

// slotFixture is a cluster "shop" in a fresh emulator account with three
// revisions of task definition "api", a VPC with two subnets and two
// security groups, and two target groups.
type slotFixture struct {
	cfg      aws.Config
	ecs      *ecs.Client
	cluster  string   // ARN
	revs     []string // task definition ARNs api:1..3
	subnets  []string
	groups   []string
	tgBlue   string
	tgGreen  string
	deployer *deploy.ECS
}

func newSlotFixture(t *testing.T) *slotFixture {
	t.Helper()
	ctx := context.Background()
	cfg := account(t)
	f := &slotFixture{cfg: cfg, ecs: ecs.NewFromConfig(cfg)}
	cl, err := f.ecs.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("shop")})
	if err != nil {
		t.Fatal(err)
	}
	f.cluster = aws.ToString(cl.Cluster.ClusterArn)
	for i := 1; i <= 3; i++ {
		td, err := f.ecs.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("api"), NetworkMode: ecstypes.NetworkModeAwsvpc,
			RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate}, Cpu: aws.String("256"), Memory: aws.String("512"),
			ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("api"), Image: aws.String(fmt.Sprintf("shop/api:%d.0", i)),
				Memory: aws.Int32(512), PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(8080)}}}}})
		if err != nil {
			t.Fatal(err)
		}
		f.revs = append(f.revs, aws.ToString(td.TaskDefinition.TaskDefinitionArn))
	}
	ec := ec2.NewFromConfig(cfg)
	vpc, err := ec.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	for i, az := range []string{"us-east-1a", "us-east-1b"} {
		sn, err := ec.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, AvailabilityZone: aws.String(az), CidrBlock: aws.String(fmt.Sprintf("10.0.%d.0/24", i))})
		if err != nil {
			t.Fatal(err)
		}
		f.subnets = append(f.subnets, aws.ToString(sn.Subnet.SubnetId))
		sg, err := ec.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(fmt.Sprintf("api-%d", i)), Description: aws.String("api"), VpcId: vpc.Vpc.VpcId})
		if err != nil {
			t.Fatal(err)
		}
		f.groups = append(f.groups, aws.ToString(sg.GroupId))
	}
	lb := elbv2.NewFromConfig(cfg)
	for _, name := range []string{"api-blue", "api-green"} {
		tg, err := lb.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{Name: aws.String(name), Protocol: elbtypes.ProtocolEnumHttp,
			Port: aws.Int32(8080), VpcId: vpc.Vpc.VpcId, TargetType: elbtypes.TargetTypeEnumIp})
		if err != nil {
			t.Fatal(err)
		}
		if name == "api-blue" {
			f.tgBlue = aws.ToString(tg.TargetGroups[0].TargetGroupArn)
		} else {
			f.tgGreen = aws.ToString(tg.TargetGroups[0].TargetGroupArn)
		}
	}
	f.deployer = &deploy.ECS{Client: f.ecs, Logf: t.Logf}
	return f
}

// throughProxy routes the deployer's calls through the emulator's fault
// proxy (no faults) with rewrite; the fixture's own client still reads the
// emulator directly.
func (f *slotFixture) throughProxy(t *testing.T, rewrite func(action string, body []byte) []byte) {
	t.Helper()
	proxy, err := emulator.StartFaultProxy(emulator.Shared(t).URL, emulator.FaultOptions{Rewrite: rewrite})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	cfg := f.cfg.Copy()
	cfg.BaseEndpoint = aws.String(proxy.URL)
	f.deployer = &deploy.ECS{Client: ecs.NewFromConfig(cfg), Logf: t.Logf, PollInterval: 20 * time.Millisecond}
}

// service is the green slot on Fargate behind its target group.
func (f *slotFixture) service(rev int) deploy.ECSService {
	return deploy.ECSService{Cluster: f.cluster, Name: "api-green", TaskDefinition: f.revs[rev-1], DesiredCount: 2, LaunchType: "FARGATE",
		Subnets: f.subnets[:1], SecurityGroups: f.groups[:1], CircuitBreaker: true,
		LoadBalancer: &deploy.LoadBalancer{TargetGroupARN: f.tgGreen, ContainerName: "api", ContainerPort: 8080}}
}

// describe reads the service back through the SDK, with its tags.
func (f *slotFixture) describe(t *testing.T, name string) *ecstypes.Service {
	t.Helper()
	out, err := f.ecs.DescribeServices(context.Background(), &ecs.DescribeServicesInput{Cluster: aws.String(f.cluster), Services: []string{name},
		Include: []ecstypes.ServiceField{ecstypes.ServiceFieldTags}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range out.Services {
		if aws.ToString(s.Status) != "INACTIVE" {
			return &s
		}
	}
	return nil
}

// tags reads the service's tags with ListTagsForResource.
func (f *slotFixture) tags(t *testing.T, arn string) map[string]string {
	t.Helper()
	out, err := f.ecs.ListTagsForResource(context.Background(), &ecs.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, tag := range out.Tags {
		m[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
	}
	return m
}
