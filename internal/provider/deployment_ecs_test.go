package provider_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

const ownerTag = "golive:deployment"

// describeService reads a service with its tags through the SDK; nil when
// it is missing or deleted (INACTIVE).
func (e *testEnv) describeService(cluster, name string) (*ecstypes.Service, error) {
	out, err := ecs.NewFromConfig(e.cfg).DescribeServices(context.Background(), &ecs.DescribeServicesInput{Cluster: aws.String(cluster),
		Services: []string{name}, Include: []ecstypes.ServiceField{ecstypes.ServiceFieldTags}})
	if err != nil {
		return nil, err
	}
	for _, s := range out.Services {
		if aws.ToString(s.Status) != "INACTIVE" {
			return &s, nil
		}
	}
	return nil, nil
}

// checkServiceWith checks a service read back through the SDK.
func (e *testEnv) checkServiceWith(cluster, name string, check func(s *ecstypes.Service, tags map[string]string) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		s, err := e.describeService(cluster, name)
		if err != nil {
			return err
		}
		if s == nil {
			return fmt.Errorf("ECS service %s not found", name)
		}
		out, err := ecs.NewFromConfig(e.cfg).ListTagsForResource(context.Background(), &ecs.ListTagsForResourceInput{ResourceArn: s.ServiceArn})
		if err != nil {
			return err
		}
		tags := map[string]string{}
		for _, t := range out.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		return check(s, tags)
	}
}

// checkEvent finds a ledger event of env by kind and outcome.
func (e *testEnv) checkEvent(env, kind, outcome string, check func(ledger.Event) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		events, _, err := e.ledger.Events(context.Background(), ledger.EventQuery{Environment: env, Limit: 50})
		if err != nil {
			return err
		}
		for _, ev := range events {
			if ev.Kind == kind && ev.Outcome == outcome {
				if check == nil {
					return nil
				}
				return check(ev)
			}
		}
		return fmt.Errorf("no %s event with outcome %s in %s", kind, outcome, env)
	}
}

// network makes two subnets and two security groups in vpc, for awsvpc
// services (moto checks that they exist).
func (e *testEnv) network(t *testing.T, vpc string) (subnets, groups []string) {
	t.Helper()
	ctx := context.Background()
	c := ec2.NewFromConfig(e.cfg)
	for i, az := range []string{"us-east-1a", "us-east-1b"} {
		sn, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpc), AvailabilityZone: aws.String(az), CidrBlock: aws.String(fmt.Sprintf("10.0.%d.0/24", 20+i))})
		if err != nil {
			t.Fatal(err)
		}
		subnets = append(subnets, aws.ToString(sn.Subnet.SubnetId))
		sg, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(fmt.Sprintf("api-%d", i)), Description: aws.String("api"), VpcId: aws.String(vpc)})
		if err != nil {
			t.Fatal(err)
		}
		groups = append(groups, aws.ToString(sg.GroupId))
	}
	return subnets, groups
}

// simulatedProvider is the provider block with every endpoint at a fault
// proxy (no faults) whose rewrite simulates what moto lacks.
func (e *testEnv) simulatedProvider(t *testing.T, rewrite func(action string, body []byte) []byte) string {
	t.Helper()
	return e.proxiedProvider(t, emulator.FaultOptions{Rewrite: rewrite})
}

// proxiedProvider is the provider block with every endpoint at a fault
// proxy with opts.
func (e *testEnv) proxiedProvider(t *testing.T, opts emulator.FaultOptions) string {
	t.Helper()
	proxy, err := emulator.StartFaultProxy(e.server.URL, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	return e.faultsProviderBlock(proxy.URL)
}

func strs(v ...string) config.Variable {
	out := make([]config.Variable, len(v))
	for i, s := range v {
		out[i] = config.StringVariable(s)
	}
	return config.ListVariable(out...)
}

// An existing service golive did not create is refused, naming the service
// and adopt, and left as it was; adopt = true takes it over, tags it and
// records the adoption.
func TestAccDeployment_ecsOwnershipAndAdopt(t *testing.T) {
	e := newTestEnv(t)
	f := e.ecsFixture(t)
	_, err := ecs.NewFromConfig(e.cfg).CreateService(context.Background(), &ecs.CreateServiceInput{Cluster: aws.String(f.cluster),
		ServiceName: aws.String("api-green"), TaskDefinition: aws.String(f.revs[0]), DesiredCount: aws.Int32(1), LaunchType: ecstypes.LaunchTypeEc2})
	if err != nil {
		t.Fatal(err)
	}
	cfg := e.providerBlock() + devEnv + testConfig(t, "main.tf")
	vars := func(adopt bool) config.Variables {
		return config.Variables{"cluster_arn": config.StringVariable(f.cluster), "task_definition": config.StringVariable(f.revs[1]), "adopt": config.BoolVariable(adopt)}
	}
	untouched := e.checkServiceWith(f.cluster, "api-green", func(s *ecstypes.Service, tags map[string]string) error {
		if aws.ToString(s.TaskDefinition) != f.revs[0] || len(tags) != 0 {
			return fmt.Errorf("a refused deployment changed the service: %s, tags %v", aws.ToString(s.TaskDefinition), tags)
		}
		return nil
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             e.checkECSService(f.cluster, "api-green", ""),
		Steps: []resource.TestStep{
			{
				Config: cfg, ConfigVariables: vars(false),
				ExpectError: errorPattern(`ECS service api-green already exists in cluster ` + f.cluster + ` and golive did not create it \(it has no golive:deployment tag\); nothing was changed\. To take it over, set adopt = true in the ecs block`),
			},
			{
				PreConfig: func() {
					if err := untouched(nil); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg, ConfigVariables: vars(true),
				Check: resource.ComposeTestCheckFunc(
					e.checkServiceWith(f.cluster, "api-green", func(s *ecstypes.Service, tags map[string]string) error {
						if aws.ToString(s.TaskDefinition) != f.revs[1] || tags[ownerTag] != "shop/dev/api/green" || tags["managed-by"] != "golive-acctest" {
							return fmt.Errorf("adopted service runs %s, tags %v", aws.ToString(s.TaskDefinition), tags)
						}
						return nil
					}),
					e.checkEvent("shop/dev", ledger.KindAdopted, ledger.OutcomeSucceeded, func(ev ledger.Event) error {
						if ev.Detail != "ECS service api-green in cluster shop taken over by deployment shop/dev/api/green" || ev.Actor != e.actorARN() {
							return fmt.Errorf("adopted event %+v", ev)
						}
						return nil
					}),
				),
			},
			// Owned now: nothing to change, and adopt can go.
			{Config: cfg, ConfigVariables: vars(false), PlanOnly: true, ExpectNonEmptyPlan: true},
			{Config: cfg, ConfigVariables: vars(false)},
			{Config: cfg, ConfigVariables: vars(false), PlanOnly: true},
		},
	})
}

// Every setting reaches AWS through UpdateService, in place (the move from
// a launch type to a capacity provider strategy too), and reads back
// without drift.
func TestAccDeployment_ecsEverySettingReachesAWS(t *testing.T) {
	e := newTestEnv(t)
	f := e.ecsFixture(t)
	alb := e.alb(t)
	subnets, groups := e.network(t, alb.VPC)
	cfg := e.providerBlock() + devEnv + testConfig(t, "main.tf")
	first := config.Variables{
		"cluster_arn": config.StringVariable(f.cluster), "task_definition": config.StringVariable(f.revs[0]), "desired_count": config.IntegerVariable(1),
		"launch_type": config.StringVariable("FARGATE"), "subnets": strs(subnets[0]), "security_groups": strs(groups[0]),
		"assign_public_ip": config.BoolVariable(false), "target_group": config.StringVariable(alb.Green), "platform_version": config.StringVariable("1.4.0"),
		"health_check_grace_period": config.StringVariable("30s"), "enable_execute_command": config.BoolVariable(false),
		"circuit_breaker": config.BoolVariable(true), "propagate_tags": config.StringVariable("TASK_DEFINITION"),
	}
	second := config.Variables{
		"cluster_arn": config.StringVariable(f.cluster), "task_definition": config.StringVariable(f.revs[1]), "desired_count": config.IntegerVariable(2),
		"subnets": strs(subnets...), "security_groups": strs(groups...), "assign_public_ip": config.BoolVariable(true),
		"target_group": config.StringVariable(alb.Blue), "platform_version": config.StringVariable("LATEST"),
		"health_check_grace_period": config.StringVariable("90s"), "enable_execute_command": config.BoolVariable(true),
		"circuit_breaker": config.BoolVariable(false), "propagate_tags": config.StringVariable("NONE"),
		"capacity_providers": config.ListVariable(
			config.ObjectVariable(map[string]config.Variable{"name": config.StringVariable("FARGATE_SPOT"), "weight": config.IntegerVariable(3), "base": config.IntegerVariable(0)}),
			config.ObjectVariable(map[string]config.Variable{"name": config.StringVariable("FARGATE"), "weight": config.IntegerVariable(1), "base": config.IntegerVariable(1)})),
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             e.checkECSService(f.cluster, "api-green", ""),
		Steps: []resource.TestStep{
			{
				Config: cfg, ConfigVariables: first,
				Check: e.checkServiceWith(f.cluster, "api-green", func(s *ecstypes.Service, tags map[string]string) error {
					nc := s.NetworkConfiguration.AwsvpcConfiguration
					if s.LaunchType != ecstypes.LaunchTypeFargate || aws.ToString(s.PlatformVersion) != "1.4.0" || s.PropagateTags != ecstypes.PropagateTagsTaskDefinition ||
						!slices.Equal(nc.Subnets, subnets[:1]) || !slices.Equal(nc.SecurityGroups, groups[:1]) || aws.ToString(s.LoadBalancers[0].TargetGroupArn) != alb.Green ||
						tags[ownerTag] != "shop/dev/api/green" || tags["managed-by"] != "golive-acctest" {
						return fmt.Errorf("service after create: %+v, tags %v", s, tags)
					}
					return nil
				}),
			},
			{
				Config: cfg, ConfigVariables: second,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("golive_deployment.api_green", plancheck.ResourceActionUpdate)}},
				Check: e.checkServiceWith(f.cluster, "api-green", func(s *ecstypes.Service, _ map[string]string) error {
					nc := s.NetworkConfiguration.AwsvpcConfiguration
					var cps []string
					for _, cp := range s.CapacityProviderStrategy {
						cps = append(cps, fmt.Sprintf("%s/%d/%d", aws.ToString(cp.CapacityProvider), cp.Weight, cp.Base))
					}
					slices.Sort(cps)
					if aws.ToString(s.TaskDefinition) != f.revs[1] || s.DesiredCount != 2 || len(nc.Subnets) != 2 || len(nc.SecurityGroups) != 2 ||
						nc.AssignPublicIp != ecstypes.AssignPublicIpEnabled || strings.Join(cps, " ") != "FARGATE/1/1 FARGATE_SPOT/3/0" ||
						aws.ToString(s.LoadBalancers[0].TargetGroupArn) != alb.Blue || aws.ToString(s.PlatformVersion) != "LATEST" ||
						aws.ToInt32(s.HealthCheckGracePeriodSeconds) != 90 || !s.EnableExecuteCommand || s.DeploymentConfiguration.DeploymentCircuitBreaker.Enable ||
						s.PropagateTags != ecstypes.PropagateTagsNone {
						return fmt.Errorf("service after update: %+v", s)
					}
					return nil
				}),
			},
			{Config: cfg, ConfigVariables: second, PlanOnly: true},
		},
	})
}

// A launch type ECS cannot change in place replaces the deployment: the
// service is deleted and created again under the same name.
func TestAccDeployment_ecsReplacedWhenECSCannotUpdate(t *testing.T) {
	e := newTestEnv(t)
	f := e.ecsFixture(t)
	alb := e.alb(t)
	subnets, groups := e.network(t, alb.VPC)
	cfg := e.providerBlock() + devEnv + testConfig(t, "main.tf")
	vars := func(launchType string) config.Variables {
		return config.Variables{"cluster_arn": config.StringVariable(f.cluster), "task_definition": config.StringVariable(f.revs[0]),
			"launch_type": config.StringVariable(launchType), "subnets": strs(subnets...), "security_groups": strs(groups...)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             e.checkECSService(f.cluster, "api-green", ""),
		Steps: []resource.TestStep{
			{Config: cfg, ConfigVariables: vars("EC2")},
			{
				Config: cfg, ConfigVariables: vars("FARGATE"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("golive_deployment.api_green", plancheck.ResourceActionDestroyBeforeCreate)}},
				Check: e.checkServiceWith(f.cluster, "api-green", func(s *ecstypes.Service, tags map[string]string) error {
					if s.LaunchType != ecstypes.LaunchTypeFargate || tags[ownerTag] != "shop/dev/api/green" {
						return fmt.Errorf("replaced service %s, tags %v", s.LaunchType, tags)
					}
					return nil
				}),
			},
		},
	})
}

// autoscaled: the desired count is the one at creation; a count set by
// Application Auto Scaling is no drift and survives a new version.
func TestAccDeployment_ecsAutoscaled(t *testing.T) {
	e := newTestEnv(t)
	f := e.ecsFixture(t)
	cfg := e.providerBlock() + devEnv + testConfig(t, "main.tf")
	vars := func(version string, rev int) config.Variables {
		return config.Variables{"cluster_arn": config.StringVariable(f.cluster), "task_definition": config.StringVariable(f.revs[rev-1]), "release_version": config.StringVariable(version)}
	}
	count := func(want int32, rev int) resource.TestCheckFunc {
		return e.checkServiceWith(f.cluster, "api-green", func(s *ecstypes.Service, _ map[string]string) error {
			if s.DesiredCount != want || aws.ToString(s.TaskDefinition) != f.revs[rev-1] {
				return fmt.Errorf("service runs %d tasks of %s, want %d of %s", s.DesiredCount, aws.ToString(s.TaskDefinition), want, f.revs[rev-1])
			}
			return nil
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{Config: cfg, ConfigVariables: vars("1.0.0", 1), Check: count(1, 1)},
			{
				// Application Auto Scaling scales out: no drift.
				PreConfig: func() {
					_, err := ecs.NewFromConfig(e.cfg).UpdateService(context.Background(), &ecs.UpdateServiceInput{Cluster: aws.String(f.cluster),
						Service: aws.String("api-green"), DesiredCount: aws.Int32(4)})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg, ConfigVariables: vars("1.0.0", 1), PlanOnly: true,
			},
			{Config: cfg, ConfigVariables: vars("2.0.0", 2), Check: count(4, 2)},
			{
				// A new desired_count is for a new service only: no release.
				Config: cfg, ConfigVariables: withVar(vars("2.0.0", 2), "desired_count", config.IntegerVariable(3)),
				Check: resource.ComposeTestCheckFunc(count(4, 2), e.checkEventCount("shop/dev", ledger.KindDeploymentStarted, 2)),
			},
		},
	})
}

// withVar is vars with one more variable.
func withVar(vars config.Variables, name string, v config.Variable) config.Variables {
	out := config.Variables{name: v}
	maps.Copy(out, vars)
	return out
}

// checkEventCount checks how many events of a kind env's ledger holds.
func (e *testEnv) checkEventCount(env, kind string, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		events, _, err := e.ledger.Events(context.Background(), ledger.EventQuery{Environment: env, Limit: 100})
		if err != nil {
			return err
		}
		n := 0
		for _, ev := range events {
			if ev.Kind == kind {
				n++
			}
		}
		if n != want {
			return fmt.Errorf("%d %s events in %s, want %d", n, kind, env, want)
		}
		return nil
	}
}
