// Package deploy makes a version live-able in one slot. Pipeline is the
// workflow of one deployment: apply the target, wait for the rollout, run
// hooks and gates, put back on failure, record. ECS owns the slot's ECS
// service (tagged OwnerTag; created, updated with every setting, followed
// through its rollout state, put back, deleted); LambdaTarget adopts a
// published Lambda version; HTTPHook and ECSTaskHook are the hooks. It has
// no Terraform types.
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

// ECSService is the desired shape of a slot's service: every setting golive
// owns. Create sends them all; Deploy sends every one ECS can change in
// place through UpdateService; ReplacementReason says which changes need a
// new service.
type ECSService struct {
	Cluster        string
	Name           string
	TaskDefinition string
	DesiredCount   int32
	// Autoscaled: DesiredCount is the count at creation only. Application
	// Auto Scaling owns the live count, so updates never send one.
	Autoscaled bool
	LaunchType string // FARGATE | EC2 | EXTERNAL; "" for a capacity provider strategy or the cluster's default
	// CapacityProviders is the capacity provider strategy; it excludes
	// LaunchType.
	CapacityProviders []CapacityProvider
	PlatformVersion   string // Fargate platform version, e.g. LATEST; "" leaves ECS's default
	Subnets           []string
	SecurityGroups    []string
	AssignPublicIP    bool
	LoadBalancer      *LoadBalancer
	// HealthCheckGracePeriod is how long ECS ignores failing load balancer
	// health checks of a new task. Sent only with a load balancer.
	HealthCheckGracePeriod time.Duration
	EnableExecuteCommand   bool
	// CircuitBreaker turns on the ECS deployment circuit breaker with
	// rollback: a deployment whose tasks keep failing to start is FAILED
	// and ECS returns to the last completed one, even if golive is
	// interrupted while it waits.
	CircuitBreaker bool
	// PropagateTags copies the service's tags ("SERVICE") or the task
	// definition's ("TASK_DEFINITION") to its tasks, or none ("NONE").
	// Default SERVICE.
	PropagateTags string
	Tags          map[string]string
}

// CapacityProvider is one item of a capacity provider strategy.
type CapacityProvider struct {
	Name   string
	Weight int32
	Base   int32
}

// LoadBalancer attaches the service to a target group.
type LoadBalancer struct {
	TargetGroupARN string
	ContainerName  string
	ContainerPort  int32
}

// Live is what ECS reports for a service.
type Live struct {
	ARN            string
	TaskDefinition string
	DesiredCount   int32
	RunningCount   int32
	Deployments    int
	// Owner is the golive deployment id in the service's golive:deployment
	// tag, "" when it has none (or the tags were not read).
	Owner string
	// Settings are the live settings, in the terms of ECSService.
	Settings ECSService

	svc ecstypes.Service // the DescribeServices answer, for Reconcile
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
	// PollInterval is the time between reads while waiting; 0 starts at 2s
	// and doubles up to 15s.
	PollInterval time.Duration
}

// Describe reads a service; ErrServiceNotFound when it is missing or INACTIVE.
func (e *ECS) Describe(ctx context.Context, cluster, name string) (*Live, error) {
	s, err := e.find(ctx, cluster, name)
	if err != nil {
		return nil, err
	}
	return liveOf(*s), nil
}

// find reads a service with its tags; ErrServiceNotFound when it is missing
// or INACTIVE (deleted: AWS keeps listing it for a while).
func (e *ECS) find(ctx context.Context, cluster, name string) (*ecstypes.Service, error) {
	out, err := e.Client.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{name},
		Include: []ecstypes.ServiceField{ecstypes.ServiceFieldTags}})
	if err != nil {
		return nil, fmt.Errorf("reading ECS service %s in %s: %w", name, cluster, err)
	}
	for _, s := range out.Services {
		if aws.ToString(s.Status) == "INACTIVE" {
			continue
		}
		return &s, nil
	}
	return nil, fmt.Errorf("ECS service %s in %s: %w", name, cluster, ErrServiceNotFound)
}

// Delete deletes the service (its tasks are stopped) and waits until ECS
// reports it INACTIVE, bounded by ctx: a service of the same name can be
// created only then, which a replacement needs. A missing one is fine.
func (e *ECS) Delete(ctx context.Context, cluster, name string) error {
	if _, err := e.find(ctx, cluster, name); errors.Is(err, ErrServiceNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if err := e.startDelete(ctx, cluster, name); err != nil {
		return err
	}
	return e.waitDeleted(ctx, cluster, name)
}
