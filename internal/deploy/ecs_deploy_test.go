package deploy_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/golive-dev/terraform-provider-golive/internal/deploy"
)

const greenID = "shop/prod/api/green"

func TestECSDeploy_createsServiceTaggedAsOwned(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newSlotFixture(t)
	s := f.service(1)
	s.PlatformVersion, s.PropagateTags, s.Tags = "1.4.0", "TASK_DEFINITION", map[string]string{"team": "shop"}
	a, err := f.deployer.Deploy(ctx, greenID, s, deploy.ClaimTag)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Created || a.Adopted || a.PreviousTaskDefinition != "" || a.Deployment == "" {
		t.Fatalf("applied %+v", a)
	}
	live := f.describe(t, "api-green")
	if got := f.tags(t, aws.ToString(live.ServiceArn)); got[deploy.OwnerTag] != greenID || got["team"] != "shop" || len(got) != 2 {
		t.Fatalf("tags %v", got)
	}
	nc := live.NetworkConfiguration.AwsvpcConfiguration
	switch {
	case live.LaunchType != ecstypes.LaunchTypeFargate, aws.ToString(live.PlatformVersion) != "1.4.0", live.PropagateTags != ecstypes.PropagateTagsTaskDefinition,
		nc.Subnets[0] != f.subnets[0], nc.SecurityGroups[0] != f.groups[0], len(live.LoadBalancers) != 1,
		aws.ToString(live.LoadBalancers[0].TargetGroupArn) != f.tgGreen, live.DesiredCount != 2, aws.ToString(live.TaskDefinition) != f.revs[0]:
		t.Fatalf("service after create: %+v", live)
	}
	// Deploying again as the same deployment is an update, not a refusal.
	a, err = f.deployer.Deploy(ctx, greenID, f.service(2), deploy.ClaimTag)
	if err != nil || a.Created || a.PreviousTaskDefinition != f.revs[0] {
		t.Fatalf("second deploy: %+v, %v", a, err)
	}
}

// An existing service golive did not create is refused, naming the service
// and adopt, and nothing about it changes.
func TestECSDeploy_refusesServiceItDoesNotOwn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newSlotFixture(t)
	made, err := f.ecs.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String(f.cluster), ServiceName: aws.String("api-green"),
		TaskDefinition: aws.String(f.revs[0]), DesiredCount: aws.Int32(1), LaunchType: ecstypes.LaunchTypeEc2})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.deployer.Deploy(ctx, greenID, f.service(2), deploy.ClaimTag)
	var no *deploy.NotOwnedError
	if !errors.As(err, &no) || no.Owner != "" {
		t.Fatalf("deploy over an untagged service: %v", err)
	}
	for _, want := range []string{"ECS service api-green already exists in cluster " + f.cluster, "no golive:deployment tag", "nothing was changed", "adopt = true"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	live := f.describe(t, "api-green")
	if aws.ToString(live.TaskDefinition) != f.revs[0] || live.DesiredCount != 1 || live.LaunchType != ecstypes.LaunchTypeEc2 {
		t.Fatalf("a refused deploy changed the service: %+v", live)
	}
	if got := f.tags(t, aws.ToString(made.Service.ServiceArn)); len(got) != 0 {
		t.Fatalf("a refused deploy tagged the service: %v", got)
	}

	// Owned by another golive deployment: refused too, naming it.
	if _, err := f.ecs.TagResource(ctx, &ecs.TagResourceInput{ResourceArn: made.Service.ServiceArn,
		Tags: []ecstypes.Tag{{Key: aws.String(deploy.OwnerTag), Value: aws.String("shop/staging/api/green")}}}); err != nil {
		t.Fatal(err)
	}
	_, err = f.deployer.Deploy(ctx, greenID, f.service(2), deploy.ClaimTag)
	if !errors.As(err, &no) || no.Owner != "shop/staging/api/green" || !strings.Contains(err.Error(), "it belongs to golive deployment shop/staging/api/green") {
		t.Fatalf("deploy over another deployment's service: %v", err)
	}
}

// adopt takes an existing service over (tags it, changes it); undoing the
// adoption puts it back and removes the tag.
func TestECSDeploy_adoptTakesOverAndUndoGivesBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newSlotFixture(t)
	made, err := f.ecs.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String(f.cluster), ServiceName: aws.String("api-green"),
		TaskDefinition: aws.String(f.revs[0]), DesiredCount: aws.Int32(2), LaunchType: ecstypes.LaunchTypeFargate,
		NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{Subnets: f.subnets[1:], SecurityGroups: f.groups[1:]}},
		Tags:                 []ecstypes.Tag{{Key: aws.String("team"), Value: aws.String("shop")}}})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(made.Service.ServiceArn)
	a, err := f.deployer.Deploy(ctx, greenID, f.service(2), deploy.ClaimAdopt)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Adopted || a.Created || a.PreviousTaskDefinition != f.revs[0] {
		t.Fatalf("applied %+v", a)
	}
	live := f.describe(t, "api-green")
	if aws.ToString(live.TaskDefinition) != f.revs[1] || live.NetworkConfiguration.AwsvpcConfiguration.Subnets[0] != f.subnets[0] || len(live.LoadBalancers) != 1 {
		t.Fatalf("adopted service not updated: %+v", live)
	}
	if got := f.tags(t, arn); got[deploy.OwnerTag] != greenID || got["team"] != "shop" {
		t.Fatalf("adopted service tags %v", got)
	}
	what, err := f.deployer.Undo(ctx, a, time.Minute)
	if err != nil || what != "ECS service api-green put back on "+f.revs[0] {
		t.Fatalf("undo: %q, %v", what, err)
	}
	live = f.describe(t, "api-green")
	if aws.ToString(live.TaskDefinition) != f.revs[0] || live.NetworkConfiguration.AwsvpcConfiguration.Subnets[0] != f.subnets[1] || len(live.LoadBalancers) != 0 {
		t.Fatalf("service not put back: %+v", live)
	}
	if got := f.tags(t, arn); got[deploy.OwnerTag] != "" || got["team"] != "shop" {
		t.Fatalf("an undone adoption keeps tags %v", got)
	}
}

// A service UpdateService cannot move to the declared settings is refused
// before anything changes, adopt or not: one deployed by CodeDeploy, and
// one to adopt whose launch type differs from the declared one.
func TestECSDeploy_refusesWhatUpdateServiceCannotChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newSlotFixture(t)
	_, err := f.ecs.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String(f.cluster), ServiceName: aws.String("api-green"),
		TaskDefinition: aws.String(f.revs[0]), DesiredCount: aws.Int32(1), LaunchType: ecstypes.LaunchTypeEc2})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.deployer.Deploy(ctx, greenID, f.service(2), deploy.ClaimAdopt)
	if err == nil || !strings.Contains(err.Error(), "adopting ECS service api-green in cluster shop: launch_type changes from EC2 to FARGATE") {
		t.Fatalf("adopting an EC2 service as FARGATE: %v", err)
	}
	if _, err := f.ecs.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String(f.cluster), ServiceName: aws.String("api-blue"),
		TaskDefinition: aws.String(f.revs[0]), DesiredCount: aws.Int32(1), LaunchType: ecstypes.LaunchTypeFargate,
		DeploymentController: &ecstypes.DeploymentController{Type: ecstypes.DeploymentControllerTypeCodeDeploy},
		NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{Subnets: f.subnets[:1], SecurityGroups: f.groups[:1]}},
	}); err != nil {
		t.Fatal(err)
	}
	blue := f.service(2)
	blue.Name = "api-blue"
	_, err = f.deployer.Deploy(ctx, "shop/prod/api/blue", blue, deploy.ClaimAdopt)
	if err == nil || !strings.Contains(err.Error(), "ECS service api-blue in cluster shop uses the CODE_DEPLOY deployment controller") {
		t.Fatalf("adopting a CodeDeploy service: %v", err)
	}
	for _, name := range []string{"api-green", "api-blue"} {
		live := f.describe(t, name)
		if aws.ToString(live.TaskDefinition) != f.revs[0] || len(f.tags(t, aws.ToString(live.ServiceArn))) != 0 {
			t.Fatalf("a refused adoption changed service %s: %+v", name, live)
		}
	}
}

// Every setting golive owns reaches AWS on update, and Undo puts every one
// back.
func TestECSDeploy_updateSendsEverySettingAndUndoRestores(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newSlotFixture(t)
	first := f.service(1)
	first.PlatformVersion, first.HealthCheckGracePeriod, first.PropagateTags = "1.4.0", 30*time.Second, "SERVICE"
	if _, err := f.deployer.Deploy(ctx, greenID, first, deploy.ClaimTag); err != nil {
		t.Fatal(err)
	}
	// moto keeps only some settings of CreateService; an update it keeps
	// whole, so put the first settings in place through an update.
	if _, err := f.deployer.Deploy(ctx, greenID, first, deploy.ClaimTag); err != nil {
		t.Fatal(err)
	}
	second := f.service(2)
	second.DesiredCount, second.Subnets, second.SecurityGroups, second.AssignPublicIP = 4, f.subnets, f.groups, true
	second.LaunchType, second.CapacityProviders = "", []deploy.CapacityProvider{{Name: "FARGATE_SPOT", Weight: 3}, {Name: "FARGATE", Weight: 1, Base: 1}}
	second.LoadBalancer = &deploy.LoadBalancer{TargetGroupARN: f.tgBlue, ContainerName: "api", ContainerPort: 8080}
	second.PlatformVersion, second.HealthCheckGracePeriod, second.EnableExecuteCommand = "LATEST", 2*time.Minute, true
	second.CircuitBreaker, second.PropagateTags, second.Tags = false, "NONE", map[string]string{"cost-center": "42"}
	if reason := deploy.ReplacementReason(first, second); reason != "" {
		t.Fatalf("premise: every change is in place, got %q", reason)
	}
	a, err := f.deployer.Deploy(ctx, greenID, second, deploy.ClaimTag)
	if err != nil {
		t.Fatal(err)
	}
	live := f.describe(t, "api-green")
	nc := live.NetworkConfiguration.AwsvpcConfiguration
	switch {
	case aws.ToString(live.TaskDefinition) != f.revs[1], live.DesiredCount != 4, len(nc.Subnets) != 2, len(nc.SecurityGroups) != 2,
		nc.AssignPublicIp != ecstypes.AssignPublicIpEnabled, len(live.CapacityProviderStrategy) != 2,
		aws.ToString(live.LoadBalancers[0].TargetGroupArn) != f.tgBlue, aws.ToString(live.PlatformVersion) != "LATEST",
		aws.ToInt32(live.HealthCheckGracePeriodSeconds) != 120, !live.EnableExecuteCommand,
		live.DeploymentConfiguration.DeploymentCircuitBreaker.Enable, live.PropagateTags != ecstypes.PropagateTagsNone:
		t.Fatalf("service after update: %+v", live)
	}
	if got := f.tags(t, aws.ToString(live.ServiceArn)); got["cost-center"] != "42" || got[deploy.OwnerTag] != greenID {
		t.Fatalf("tags after update %v", got)
	}

	if _, err := f.deployer.Undo(ctx, a, time.Minute); err != nil {
		t.Fatal(err)
	}
	live = f.describe(t, "api-green")
	nc = live.NetworkConfiguration.AwsvpcConfiguration
	switch {
	case aws.ToString(live.TaskDefinition) != f.revs[0], live.DesiredCount != 2, len(nc.Subnets) != 1, nc.AssignPublicIp == ecstypes.AssignPublicIpEnabled,
		len(live.CapacityProviderStrategy) != 0, aws.ToString(live.LoadBalancers[0].TargetGroupArn) != f.tgGreen, aws.ToString(live.PlatformVersion) != "1.4.0",
		aws.ToInt32(live.HealthCheckGracePeriodSeconds) != 30, live.EnableExecuteCommand,
		!live.DeploymentConfiguration.DeploymentCircuitBreaker.Enable, live.PropagateTags != ecstypes.PropagateTagsService:
		t.Fatalf("service after undo: %+v", live)
	}
}

// autoscaled: the desired count is set at creation only; the count that
// Application Auto Scaling sets survives updates and undo.
func TestECSDeploy_autoscaledKeepsTheLiveCount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newSlotFixture(t)
	s := f.service(1)
	s.Autoscaled = true
	if _, err := f.deployer.Deploy(ctx, greenID, s, deploy.ClaimTag); err != nil {
		t.Fatal(err)
	}
	if live := f.describe(t, "api-green"); live.DesiredCount != 2 {
		t.Fatalf("created with %d tasks, want 2", live.DesiredCount)
	}
	// Application Auto Scaling scales out.
	if _, err := f.ecs.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String(f.cluster), Service: aws.String("api-green"), DesiredCount: aws.Int32(6)}); err != nil {
		t.Fatal(err)
	}
	s = f.service(2)
	s.Autoscaled = true
	a, err := f.deployer.Deploy(ctx, greenID, s, deploy.ClaimTag)
	if err != nil {
		t.Fatal(err)
	}
	if live := f.describe(t, "api-green"); live.DesiredCount != 6 || aws.ToString(live.TaskDefinition) != f.revs[1] {
		t.Fatalf("after an autoscaled update: %d tasks of %s, want 6 of %s", live.DesiredCount, aws.ToString(live.TaskDefinition), f.revs[1])
	}
	if _, err := f.deployer.Undo(ctx, a, time.Minute); err != nil {
		t.Fatal(err)
	}
	if live := f.describe(t, "api-green"); live.DesiredCount != 6 || aws.ToString(live.TaskDefinition) != f.revs[0] {
		t.Fatalf("after undo: %d tasks of %s, want 6 of %s", live.DesiredCount, aws.ToString(live.TaskDefinition), f.revs[0])
	}
}

// Undoing a first deployment deletes the service it created; Delete of a
// missing service is fine.
func TestECSDeploy_undoDeletesWhatItCreated(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newSlotFixture(t)
	a, err := f.deployer.Deploy(ctx, greenID, f.service(1), deploy.ClaimTag)
	if err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	what, err := f.deployer.Undo(cancelled, a, time.Minute)
	if err != nil || what != "ECS service api-green, which this deployment created, deleted" {
		t.Fatalf("undo on a cancelled context: %q, %v", what, err)
	}
	if live := f.describe(t, "api-green"); live != nil {
		t.Fatalf("service still %s", aws.ToString(live.Status))
	}
	if err := f.deployer.Delete(ctx, f.cluster, "api-green"); err != nil {
		t.Fatal(err)
	}
	// A new first deployment creates it again.
	if a, err := f.deployer.Deploy(ctx, greenID, f.service(1), deploy.ClaimTag); err != nil || !a.Created {
		t.Fatalf("deploy after delete: %+v, %v", a, err)
	}
}

// A service Terraform already tracks but golive never tagged (made by a
// golive release before ownership tags) is tagged and updated, without an
// adoption; one tagged for another deployment is still refused.
func TestECSDeploy_trackedUntaggedServiceIsTagged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newSlotFixture(t)
	made, err := f.ecs.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String(f.cluster), ServiceName: aws.String("api-green"),
		TaskDefinition: aws.String(f.revs[0]), DesiredCount: aws.Int32(1), LaunchType: ecstypes.LaunchTypeEc2})
	if err != nil {
		t.Fatal(err)
	}
	a, err := f.deployer.Deploy(ctx, greenID, f.service(2), deploy.ClaimTracked)
	if err != nil || a.Adopted || a.Created {
		t.Fatalf("tracked deploy: %+v, %v", a, err)
	}
	if got := f.tags(t, aws.ToString(made.Service.ServiceArn)); got[deploy.OwnerTag] != greenID {
		t.Fatalf("tags %v", got)
	}
	if _, err := f.ecs.TagResource(ctx, &ecs.TagResourceInput{ResourceArn: made.Service.ServiceArn,
		Tags: []ecstypes.Tag{{Key: aws.String(deploy.OwnerTag), Value: aws.String("shop/staging/api/green")}}}); err != nil {
		t.Fatal(err)
	}
	var no *deploy.NotOwnedError
	if _, err := f.deployer.Deploy(ctx, greenID, f.service(3), deploy.ClaimTracked); !errors.As(err, &no) {
		t.Fatalf("tracked deploy over another deployment's service: %v", err)
	}
}
