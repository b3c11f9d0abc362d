// Package deploy makes a version live-able in one slot: it owns the slot's
// ECS service (create, move to a new task definition revision, wait until
// stable, put back, delete), adopts published Lambda versions, and runs
// deployment hooks. It has no Terraform types.
package deploy

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// ECSService is the desired shape of a slot's service.
type ECSService struct {
	Cluster        string
	Name           string
	TaskDefinition string
	DesiredCount   int32
	LaunchType     string // FARGATE | EC2 | EXTERNAL; "" for the cluster's default
	Subnets        []string
	SecurityGroups []string
	AssignPublicIP bool
	LoadBalancer   *LoadBalancer
	Tags           map[string]string
}

// LoadBalancer attaches the service to a target group.
type LoadBalancer struct {
	TargetGroupARN string
	ContainerName  string
	ContainerPort  int32
}

// Live is what ECS reports for a service.
type Live struct {
	TaskDefinition string
	DesiredCount   int32
	RunningCount   int32
	Deployments    int
}

// ErrServiceNotFound says the service does not exist (or was deleted).
var ErrServiceNotFound = errors.New("ECS service not found")

// ECS manages services through one client.
type ECS struct {
	Client *ecs.Client
	// ELB, if set, is used before CreateService to check that the
	// service's target group is attached to a load balancer, as ECS
	// requires (see checkAttached).
	ELB *elbv2.Client
	// Logf reports progress of long waits. May be nil.
	Logf func(format string, args ...any)
}

// Describe reads a service; ErrServiceNotFound when it is missing or INACTIVE.
func (e *ECS) Describe(ctx context.Context, cluster, name string) (*Live, error) {
	out, err := e.Client.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{name}})
	if err != nil {
		return nil, fmt.Errorf("reading ECS service %s in %s: %w", name, cluster, err)
	}
	for _, s := range out.Services {
		if aws.ToString(s.Status) == "INACTIVE" {
			continue
		}
		return &Live{TaskDefinition: aws.ToString(s.TaskDefinition), DesiredCount: s.DesiredCount, RunningCount: s.RunningCount, Deployments: len(s.Deployments)}, nil
	}
	return nil, fmt.Errorf("ECS service %s in %s: %w", name, cluster, ErrServiceNotFound)
}

// Apply creates the service, or moves it to s.TaskDefinition and
// s.DesiredCount. It returns the task definition it ran before ("" if new).
func (e *ECS) Apply(ctx context.Context, s ECSService) (previous string, err error) {
	live, err := e.Describe(ctx, s.Cluster, s.Name)
	if errors.Is(err, ErrServiceNotFound) {
		return "", e.create(ctx, s)
	}
	if err != nil {
		return "", err
	}
	_, err = e.Client.UpdateService(ctx, &ecs.UpdateServiceInput{
		Cluster: aws.String(s.Cluster), Service: aws.String(s.Name),
		TaskDefinition: aws.String(s.TaskDefinition), DesiredCount: aws.Int32(s.DesiredCount),
	})
	if err != nil {
		return live.TaskDefinition, fmt.Errorf("updating ECS service %s to %s: %w", s.Name, s.TaskDefinition, err)
	}
	return live.TaskDefinition, nil
}

func (e *ECS) create(ctx context.Context, s ECSService) error {
	in := &ecs.CreateServiceInput{
		Cluster: aws.String(s.Cluster), ServiceName: aws.String(s.Name), TaskDefinition: aws.String(s.TaskDefinition),
		DesiredCount: aws.Int32(s.DesiredCount), PropagateTags: ecstypes.PropagateTagsService,
	}
	if s.LaunchType != "" {
		in.LaunchType = ecstypes.LaunchType(s.LaunchType)
	}
	if len(s.Subnets) > 0 {
		assign := ecstypes.AssignPublicIpDisabled
		if s.AssignPublicIP {
			assign = ecstypes.AssignPublicIpEnabled
		}
		in.NetworkConfiguration = &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
			Subnets: s.Subnets, SecurityGroups: s.SecurityGroups, AssignPublicIp: assign,
		}}
	}
	if lb := s.LoadBalancer; lb != nil {
		if e.ELB != nil {
			if err := e.checkAttached(ctx, lb.TargetGroupARN); err != nil {
				return fmt.Errorf("creating ECS service %s in %s: %w", s.Name, s.Cluster, err)
			}
		}
		in.LoadBalancers = []ecstypes.LoadBalancer{{TargetGroupArn: aws.String(lb.TargetGroupARN), ContainerName: aws.String(lb.ContainerName), ContainerPort: aws.Int32(lb.ContainerPort)}}
	}
	for k, v := range s.Tags {
		in.Tags = append(in.Tags, ecstypes.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	if _, err := e.Client.CreateService(ctx, in); err != nil {
		return fmt.Errorf("creating ECS service %s in %s: %w", s.Name, s.Cluster, err)
	}
	return nil
}

// WaitStable polls until the service runs its desired count on one
// deployment, or timeout passes.
func (e *ECS) WaitStable(ctx context.Context, cluster, name string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	delay := time.Second
	for {
		live, err := e.Describe(ctx, cluster, name)
		if err != nil {
			return err
		}
		if live.Deployments <= 1 && live.RunningCount == live.DesiredCount {
			return nil
		}
		if e.Logf != nil {
			e.Logf("ECS service %s: %d of %d tasks running, %d deployments; waiting", name, live.RunningCount, live.DesiredCount, live.Deployments)
		}
		if time.Now().Add(delay).After(deadline) {
			return fmt.Errorf("ECS service %s did not become stable within %s: %d of %d tasks running, %d deployments in progress",
				name, timeout, live.RunningCount, live.DesiredCount, live.Deployments)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for ECS service %s: %w", name, context.Cause(ctx))
		case <-time.After(delay):
		}
		delay = min(delay*2, 15*time.Second)
	}
}

// PutBack moves the service to taskDefinition again (after a failed wait or
// gate), on a fresh bounded context: the caller's may be what failed.
func (e *ECS) PutBack(ctx context.Context, cluster, name, taskDefinition string) error {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	_, err := e.Client.UpdateService(rctx, &ecs.UpdateServiceInput{Cluster: aws.String(cluster), Service: aws.String(name), TaskDefinition: aws.String(taskDefinition)})
	if err != nil {
		return fmt.Errorf("putting ECS service %s back on %s: %w", name, taskDefinition, err)
	}
	return nil
}

// Delete scales the service to zero and deletes it; a missing one is fine.
func (e *ECS) Delete(ctx context.Context, cluster, name string) error {
	if _, err := e.Describe(ctx, cluster, name); errors.Is(err, ErrServiceNotFound) {
		return nil
	}
	if _, err := e.Client.DeleteService(ctx, &ecs.DeleteServiceInput{Cluster: aws.String(cluster), Service: aws.String(name), Force: aws.Bool(true)}); err != nil {
		return fmt.Errorf("deleting ECS service %s in %s: %w", name, cluster, err)
	}
	return nil
}
