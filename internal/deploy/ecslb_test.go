package deploy_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/golive-dev/terraform-provider-golive/internal/deploy"
)

// ECS creates a service behind a target group only once a listener or rule
// forwards to it; the deployment says so before calling ECS (moto does not
// check it, AWS does).
func TestECSCreateNeedsAnAttachedTargetGroup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := account(t)
	client, lb := ecs.NewFromConfig(cfg), elbv2.NewFromConfig(cfg)
	if _, err := client.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("c")}); err != nil {
		t.Fatal(err)
	}
	td, err := client.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("api"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("api"), Image: aws.String("api"), Memory: aws.Int32(128),
			PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(8080)}}}}})
	if err != nil {
		t.Fatal(err)
	}
	vpc, err := ec2.NewFromConfig(cfg).CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	var subnets []string
	for i, az := range []string{"us-east-1a", "us-east-1b"} {
		sn, err := ec2.NewFromConfig(cfg).CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, AvailabilityZone: aws.String(az),
			CidrBlock: aws.String([]string{"10.0.0.0/24", "10.0.1.0/24"}[i])})
		if err != nil {
			t.Fatal(err)
		}
		subnets = append(subnets, aws.ToString(sn.Subnet.SubnetId))
	}
	tg, err := lb.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{Name: aws.String("api-blue"), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(8080), VpcId: vpc.Vpc.VpcId, TargetType: elbtypes.TargetTypeEnumIp})
	if err != nil {
		t.Fatal(err)
	}
	tgARN := aws.ToString(tg.TargetGroups[0].TargetGroupArn)
	e := &deploy.ECS{Client: client, ELB: lb}
	svc := deploy.ECSService{Cluster: "c", Name: "api-blue", TaskDefinition: aws.ToString(td.TaskDefinition.TaskDefinitionArn), DesiredCount: 1,
		LaunchType: "EC2", LoadBalancer: &deploy.LoadBalancer{TargetGroupARN: tgARN, ContainerName: "api", ContainerPort: 8080}}

	_, err = e.Deploy(ctx, "shop/dev/api/blue", svc, deploy.ClaimTag)
	if !errors.Is(err, deploy.ErrTargetGroupNotAttached) || !strings.Contains(err.Error(), "creating ECS service api-blue in c: target group "+tgARN+" is not attached to a load balancer") {
		t.Fatalf("create behind a detached target group: %v", err)
	}
	if _, err := e.Describe(ctx, "c", "api-blue"); !errors.Is(err, deploy.ErrServiceNotFound) {
		t.Fatalf("a refused create left a service behind: %v", err)
	}

	// A listener that forwards to it attaches it.
	alb, err := lb.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{Name: aws.String("shop"), Subnets: subnets})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lb.CreateListener(ctx, &elbv2.CreateListenerInput{LoadBalancerArn: alb.LoadBalancers[0].LoadBalancerArn, Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(80), DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(tgARN)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Deploy(ctx, "shop/dev/api/blue", svc, deploy.ClaimTag); err != nil {
		t.Fatalf("create behind an attached target group: %v", err)
	}
	out, err := client.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("c"), Services: []string{"api-blue"}})
	if err != nil || len(out.Services) != 1 || len(out.Services[0].LoadBalancers) != 1 || aws.ToString(out.Services[0].LoadBalancers[0].TargetGroupArn) != tgARN {
		t.Fatalf("service after create: %+v %v", out, err)
	}
}
