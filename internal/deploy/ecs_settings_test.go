package deploy

import (
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// The expand functions are pure; these tests pin what each request carries.

func wantSlot(s ECSService) ECSService {
	s.Cluster, s.Name, s.TaskDefinition, s.DesiredCount = "shop", "api-green", "api:2", 3
	s.LaunchType, s.Subnets, s.SecurityGroups = "FARGATE", []string{"subnet-1"}, []string{"sg-1"}
	s.LoadBalancer = &LoadBalancer{TargetGroupARN: "arn:tg/green", ContainerName: "api", ContainerPort: 8080}
	s.HealthCheckGracePeriod, s.CircuitBreaker = 90*time.Second, true
	return s
}

func TestCreateInputCarriesEverySetting(t *testing.T) {
	s := wantSlot(ECSService{PlatformVersion: "1.4.0", EnableExecuteCommand: true, Tags: map[string]string{"team": "shop", OwnerTag: "shop/prod/api/green"}})
	in := createInput(s, "token-1")
	switch {
	case aws.ToString(in.ClientToken) != "token-1", in.LaunchType != ecstypes.LaunchTypeFargate, aws.ToString(in.PlatformVersion) != "1.4.0",
		aws.ToInt32(in.DesiredCount) != 3, aws.ToInt32(in.HealthCheckGracePeriodSeconds) != 90, !in.EnableExecuteCommand,
		in.PropagateTags != ecstypes.PropagateTagsService, len(in.LoadBalancers) != 1, aws.ToString(in.LoadBalancers[0].TargetGroupArn) != "arn:tg/green",
		in.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp != ecstypes.AssignPublicIpDisabled,
		!in.DeploymentConfiguration.DeploymentCircuitBreaker.Enable, !in.DeploymentConfiguration.DeploymentCircuitBreaker.Rollback,
		len(in.Tags) != 2, aws.ToString(in.Tags[0].Key) != OwnerTag, in.CapacityProviderStrategy != nil:
		t.Fatalf("CreateService input %+v", in)
	}
	s.LaunchType, s.CapacityProviders, s.LoadBalancer = "", []CapacityProvider{{Name: "FARGATE_SPOT", Weight: 1, Base: 1}}, nil
	in = createInput(s, "")
	if in.LaunchType != "" || len(in.CapacityProviderStrategy) != 1 || in.CapacityProviderStrategy[0].Base != 1 ||
		in.HealthCheckGracePeriodSeconds != nil || in.ClientToken != nil || in.LoadBalancers != nil {
		t.Fatalf("CreateService input with a strategy and no load balancer %+v", in)
	}
}

func TestUpdateInput(t *testing.T) {
	live := ecstypes.Service{DesiredCount: 7, EnableExecuteCommand: false,
		DeploymentConfiguration: &ecstypes.DeploymentConfiguration{MaximumPercent: aws.Int32(150), MinimumHealthyPercent: aws.Int32(50)}}
	t.Run("every setting in place", func(t *testing.T) {
		in := updateInput(wantSlot(ECSService{PlatformVersion: "LATEST"}), live)
		switch {
		case aws.ToString(in.TaskDefinition) != "api:2", aws.ToInt32(in.DesiredCount) != 3, aws.ToString(in.PlatformVersion) != "LATEST",
			aws.ToInt32(in.HealthCheckGracePeriodSeconds) != 90, aws.ToBool(in.EnableExecuteCommand), in.PropagateTags != ecstypes.PropagateTagsService,
			len(in.LoadBalancers) != 1, len(in.NetworkConfiguration.AwsvpcConfiguration.Subnets) != 1,
			!in.DeploymentConfiguration.DeploymentCircuitBreaker.Enable, aws.ToInt32(in.DeploymentConfiguration.MaximumPercent) != 150,
			in.CapacityProviderStrategy != nil, in.ForceNewDeployment:
			t.Fatalf("UpdateService input %+v", in)
		}
		if live.DeploymentConfiguration.DeploymentCircuitBreaker != nil {
			t.Fatal("updateInput changed the live deployment configuration")
		}
	})
	t.Run("autoscaled sends no count", func(t *testing.T) {
		if in := updateInput(wantSlot(ECSService{Autoscaled: true}), live); in.DesiredCount != nil {
			t.Fatalf("autoscaled update sends desired count %d", *in.DesiredCount)
		}
	})
	t.Run("strategy change forces a deployment", func(t *testing.T) {
		s := wantSlot(ECSService{})
		s.LaunchType, s.CapacityProviders = "", []CapacityProvider{{Name: "FARGATE_SPOT", Weight: 1}}
		in := updateInput(s, live)
		if len(in.CapacityProviderStrategy) != 1 || !in.ForceNewDeployment {
			t.Fatalf("%+v", in)
		}
		same := live
		same.CapacityProviderStrategy = expandCapacityProviders(s.CapacityProviders)
		if in := updateInput(s, same); in.ForceNewDeployment {
			t.Fatal("an unchanged strategy forced a deployment")
		}
	})
	t.Run("execute command change forces a deployment", func(t *testing.T) {
		if in := updateInput(wantSlot(ECSService{EnableExecuteCommand: true}), live); !in.ForceNewDeployment || !aws.ToBool(in.EnableExecuteCommand) {
			t.Fatalf("%+v", in)
		}
	})
	t.Run("load balancer removed", func(t *testing.T) {
		s := wantSlot(ECSService{})
		s.LoadBalancer = nil
		withLB := live
		withLB.LoadBalancers = []ecstypes.LoadBalancer{{TargetGroupArn: aws.String("arn:tg/green")}}
		in := updateInput(s, withLB)
		if in.LoadBalancers == nil || len(in.LoadBalancers) != 0 || in.HealthCheckGracePeriodSeconds != nil {
			t.Fatalf("removing the load balancer must send an empty list: %+v", in)
		}
		if in := updateInput(s, live); in.LoadBalancers != nil {
			t.Fatal("no load balancer before or after: sends none")
		}
	})
}

func TestRestoreInput(t *testing.T) {
	prev := ecstypes.Service{ServiceName: aws.String("api-green"), TaskDefinition: aws.String("api:1"), DesiredCount: 2, LaunchType: ecstypes.LaunchTypeFargate,
		PlatformVersion: aws.String("1.4.0"), PropagateTags: ecstypes.PropagateTagsNone,
		NetworkConfiguration:    &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{Subnets: []string{"subnet-old"}}},
		DeploymentConfiguration: &ecstypes.DeploymentConfiguration{DeploymentCircuitBreaker: &ecstypes.DeploymentCircuitBreaker{}}}
	now := prev
	now.TaskDefinition, now.DesiredCount, now.LaunchType, now.EnableExecuteCommand = aws.String("api:2"), 4, "", true
	now.CapacityProviderStrategy = []ecstypes.CapacityProviderStrategyItem{{CapacityProvider: aws.String("FARGATE_SPOT"), Weight: 1}}
	now.LoadBalancers = []ecstypes.LoadBalancer{{TargetGroupArn: aws.String("arn:tg/green")}}
	now.HealthCheckGracePeriodSeconds = aws.Int32(60)
	in := restoreInput("shop", prev, now, false)
	switch {
	case aws.ToString(in.TaskDefinition) != "api:1", aws.ToInt32(in.DesiredCount) != 2, aws.ToString(in.PlatformVersion) != "1.4.0",
		in.PropagateTags != ecstypes.PropagateTagsNone, aws.ToBool(in.EnableExecuteCommand),
		in.NetworkConfiguration.AwsvpcConfiguration.Subnets[0] != "subnet-old",
		in.CapacityProviderStrategy == nil || len(in.CapacityProviderStrategy) != 0, // back to the launch type: an empty list
		in.LoadBalancers == nil || len(in.LoadBalancers) != 0, in.HealthCheckGracePeriodSeconds != nil, !in.ForceNewDeployment:
		t.Fatalf("UpdateService input %+v", in)
	}
	if in := restoreInput("shop", prev, now, true); in.DesiredCount != nil {
		t.Fatal("an autoscaled service is put back without a count")
	}
}

func TestSettingsOf(t *testing.T) {
	s := ecstypes.Service{ClusterArn: aws.String("arn:aws:ecs:us-east-1:123456789012:cluster/shop"), ServiceName: aws.String("api-green"),
		TaskDefinition: aws.String("api:2"), DesiredCount: 2, LaunchType: ecstypes.LaunchTypeFargate, HealthCheckGracePeriodSeconds: aws.Int32(30),
		NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{Subnets: []string{"subnet-1"},
			SecurityGroups: []string{"sg-1"}, AssignPublicIp: ecstypes.AssignPublicIpEnabled}},
		LoadBalancers:           []ecstypes.LoadBalancer{{TargetGroupArn: aws.String("arn:tg"), ContainerName: aws.String("api"), ContainerPort: aws.Int32(8080)}},
		DeploymentConfiguration: &ecstypes.DeploymentConfiguration{DeploymentCircuitBreaker: &ecstypes.DeploymentCircuitBreaker{Enable: true}},
		Tags:                    []ecstypes.Tag{{Key: aws.String(OwnerTag), Value: aws.String("shop/prod/api/green")}},
		PropagateTags:           ecstypes.PropagateTagsService, EnableExecuteCommand: true, PlatformVersion: aws.String("LATEST"),
	}
	got := settingsOf(s)
	if got.Cluster != "arn:aws:ecs:us-east-1:123456789012:cluster/shop" || got.HealthCheckGracePeriod != 30*time.Second || !got.AssignPublicIP ||
		got.LoadBalancer.ContainerPort != 8080 || !got.CircuitBreaker || got.Tags[OwnerTag] != "shop/prod/api/green" || !got.EnableExecuteCommand ||
		got.PlatformVersion != "LATEST" || got.PropagateTags != "SERVICE" {
		t.Fatalf("settingsOf = %+v", got)
	}
	if l := liveOf(s); l.Owner != "shop/prod/api/green" {
		t.Fatalf("owner %q", l.Owner)
	}
}

func TestReconcile(t *testing.T) {
	configured := wantSlot(ECSService{PlatformVersion: "LATEST", PropagateTags: "SERVICE"})
	configured.TaskDefinition, configured.Subnets = "api:2", []string{"subnet-1", "subnet-2"}
	live := &Live{svc: ecstypes.Service{TaskDefinition: aws.String("arn:aws:ecs:us-east-1:123456789012:task-definition/api:2"), DesiredCount: 3,
		LaunchType: ecstypes.LaunchTypeFargate, PlatformVersion: aws.String("LATEST"), PropagateTags: ecstypes.PropagateTagsService,
		NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{Subnets: []string{"subnet-2", "subnet-1"},
			SecurityGroups: []string{"sg-1"}, AssignPublicIp: ecstypes.AssignPublicIpDisabled}},
		LoadBalancers:                 []ecstypes.LoadBalancer{{TargetGroupArn: aws.String("arn:tg/green"), ContainerName: aws.String("api"), ContainerPort: aws.Int32(8080)}},
		HealthCheckGracePeriodSeconds: aws.Int32(90),
		DeploymentConfiguration:       &ecstypes.DeploymentConfiguration{DeploymentCircuitBreaker: &ecstypes.DeploymentCircuitBreaker{Enable: true, Rollback: true}}}}
	live.Settings = settingsOf(live.svc)
	if got := live.Reconcile(configured); !reflect.DeepEqual(got, configured) {
		t.Fatalf("no drift, but Reconcile = %+v\nwant %+v", got, configured)
	}

	// Changed outside Terraform: each shows.
	live.svc.TaskDefinition, live.svc.DesiredCount = aws.String("arn:aws:ecs:us-east-1:123456789012:task-definition/api:1"), 9
	live.svc.NetworkConfiguration.AwsvpcConfiguration.Subnets = []string{"subnet-3"}
	live.svc.HealthCheckGracePeriodSeconds, live.svc.EnableExecuteCommand = aws.Int32(5), true
	live.svc.DeploymentConfiguration.DeploymentCircuitBreaker.Enable = false
	live.svc.LoadBalancers = nil
	live.Settings = settingsOf(live.svc)
	got := live.Reconcile(configured)
	if got.TaskDefinition != "arn:aws:ecs:us-east-1:123456789012:task-definition/api:1" || got.DesiredCount != 9 || got.Subnets[0] != "subnet-3" ||
		got.HealthCheckGracePeriod != 5*time.Second || !got.EnableExecuteCommand || got.CircuitBreaker || got.LoadBalancer != nil {
		t.Fatalf("drift not shown: %+v", got)
	}
	// Autoscaled: the count is never drift.
	configured.Autoscaled = true
	if got := live.Reconcile(configured); got.DesiredCount != 3 {
		t.Fatalf("autoscaled count reconciled to %d", got.DesiredCount)
	}
	// Left out of the answer (moto's CreateService drops these): configured stays.
	live.svc.HealthCheckGracePeriodSeconds, live.svc.DeploymentConfiguration = nil, nil
	if got := live.Reconcile(configured); got.HealthCheckGracePeriod != 90*time.Second || !got.CircuitBreaker {
		t.Fatalf("unreported settings changed: %+v", got)
	}
}
