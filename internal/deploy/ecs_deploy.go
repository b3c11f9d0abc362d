package deploy

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/golive-dev/terraform-provider-golive/internal/detached"
)

// Applied says what Deploy changed, so that it can be waited on (WaitRollout)
// and undone (Undo).
type Applied struct {
	Cluster, Service string
	// Created: the service did not exist before; Undo deletes it.
	Created bool
	// Adopted: an existing service without golive's tag was taken over.
	Adopted bool
	// Deployment is the ECS deployment the change started (ecs-svc/...),
	// "" when ECS named none.
	Deployment string
	// TaskDefinition is what the service runs now; PreviousTaskDefinition
	// what it ran before ("" when created).
	TaskDefinition, PreviousTaskDefinition string

	previous   *ecstypes.Service
	autoscaled bool
}

// Deploy makes the slot's service look like s on behalf of golive
// deployment id. A missing service is created, tagged OwnerTag = id. An
// existing one is changed only when its OwnerTag names id or claim allows
// it (it is then tagged first); otherwise Deploy fails with a
// *NotOwnedError and changes nothing. It also changes nothing, and fails,
// when UpdateService cannot move the service to s (checkDeployable). An update sends every setting ECS
// changes in place, and the desired count unless s is autoscaled.
func (e *ECS) Deploy(ctx context.Context, id string, s ECSService, claim Claim) (*Applied, error) {
	tags := maps.Clone(s.Tags)
	if tags == nil {
		tags = map[string]string{}
	}
	tags[OwnerTag] = id
	s.Tags = tags
	live, err := e.findSettled(ctx, s.Cluster, s.Name)
	if errors.Is(err, ErrServiceNotFound) {
		out, err := e.create(ctx, s, newClientToken())
		if err != nil {
			return nil, err
		}
		return &Applied{Cluster: s.Cluster, Service: s.Name, Created: true, TaskDefinition: s.TaskDefinition,
			Deployment: primaryDeployment(out), autoscaled: s.Autoscaled}, nil
	}
	if err != nil {
		return nil, err
	}
	adopting, err := checkOwner(*live, s.Cluster, id, claim)
	if err != nil {
		return nil, err
	}
	if err := checkDeployable(*live, s, adopting); err != nil {
		return nil, err
	}
	a := &Applied{Cluster: s.Cluster, Service: s.Name, Adopted: adopting, TaskDefinition: s.TaskDefinition,
		PreviousTaskDefinition: aws.ToString(live.TaskDefinition), previous: live, autoscaled: s.Autoscaled}
	// Tag before changing anything: a run killed halfway leaves a service
	// that the next run recognises as its own.
	if err := e.tag(ctx, *live, s.Tags); err != nil {
		return nil, err
	}
	out, err := e.Client.UpdateService(ctx, updateInput(s, *live))
	if err != nil {
		return a, fmt.Errorf("updating ECS service %s in %s: %w", s.Name, s.Cluster, err)
	}
	a.Deployment = primaryDeployment(out.Service)
	return a, nil
}

// create makes the service. token makes the call idempotent: a retry of a
// CreateService whose answer was lost returns the same service.
func (e *ECS) create(ctx context.Context, s ECSService, token string) (*ecstypes.Service, error) {
	if lb := s.LoadBalancer; lb != nil && e.ELB != nil {
		if err := e.checkAttached(ctx, lb.TargetGroupARN); err != nil {
			return nil, fmt.Errorf("creating ECS service %s in %s: %w", s.Name, s.Cluster, err)
		}
	}
	out, err := e.Client.CreateService(ctx, createInput(s, token))
	if err != nil {
		return nil, fmt.Errorf("creating ECS service %s in %s: %w", s.Name, s.Cluster, err)
	}
	return out.Service, nil
}

// findSettled is find, after waiting out a service that is being deleted
// (DRAINING): ECS creates a service of the same name only once it is gone.
func (e *ECS) findSettled(ctx context.Context, cluster, name string) (*ecstypes.Service, error) {
	s, err := e.find(ctx, cluster, name)
	if err != nil || aws.ToString(s.Status) != "DRAINING" {
		return s, err
	}
	if err := e.waitDeleted(ctx, cluster, name); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("ECS service %s in %s: %w", name, cluster, ErrServiceNotFound)
}

// Undo reverses what Deploy did, on a fresh context bounded by timeout (the
// caller's may be what failed): a service it created is deleted; one it
// changed is put back on its previous task definition and settings (and an
// adoption loses golive's tag). It says what it did, for the error and the
// ledger.
func (e *ECS) Undo(ctx context.Context, a *Applied, timeout time.Duration) (string, error) {
	uctx, cancel := detached.WithTimeout(ctx, timeout)
	defer cancel()
	if a.Created {
		if err := e.startDelete(uctx, a.Cluster, a.Service); err != nil {
			return "", fmt.Errorf("deleting ECS service %s, which this deployment created: %w", a.Service, err)
		}
		return fmt.Sprintf("ECS service %s, which this deployment created, deleted", a.Service), nil
	}
	live, err := e.find(uctx, a.Cluster, a.Service)
	if err != nil {
		return "", fmt.Errorf("putting ECS service %s back on %s: %w", a.Service, a.PreviousTaskDefinition, err)
	}
	if _, err := e.Client.UpdateService(uctx, restoreInput(a.Cluster, *a.previous, *live, a.autoscaled)); err != nil {
		return "", fmt.Errorf("putting ECS service %s back on %s: %w", a.Service, a.PreviousTaskDefinition, err)
	}
	if a.Adopted {
		if err := e.untagOwner(uctx, aws.ToString(live.ServiceArn), a.Service); err != nil {
			return "", fmt.Errorf("ECS service %s put back on %s, but %w", a.Service, a.PreviousTaskDefinition, err)
		}
	}
	return fmt.Sprintf("ECS service %s put back on %s", a.Service, a.PreviousTaskDefinition), nil
}

// startDelete deletes the service without waiting for its tasks to drain.
func (e *ECS) startDelete(ctx context.Context, cluster, name string) error {
	_, err := e.Client.DeleteService(ctx, &ecs.DeleteServiceInput{Cluster: aws.String(cluster), Service: aws.String(name), Force: aws.Bool(true)})
	var nf *ecstypes.ServiceNotFoundException
	if err != nil && !errors.As(err, &nf) {
		return fmt.Errorf("deleting ECS service %s in %s: %w", name, cluster, err)
	}
	return nil
}

// waitDeleted polls until the service is INACTIVE or gone, or ctx ends.
func (e *ECS) waitDeleted(ctx context.Context, cluster, name string) error {
	delay := time.Second
	for {
		_, err := e.find(ctx, cluster, name)
		if errors.Is(err, ErrServiceNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("waiting for ECS service %s in %s to be deleted: %w", name, cluster, err)
		}
		e.logf("ECS service %s: draining; waiting until it is deleted", name)
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for ECS service %s in %s to be deleted: %w", name, cluster, context.Cause(ctx))
		case <-time.After(delay):
		}
		delay = min(delay*2, 15*time.Second)
	}
}

// primaryDeployment is the id of the service's PRIMARY deployment: the one
// a CreateService or UpdateService answer shows it starting.
func primaryDeployment(s *ecstypes.Service) string {
	if s == nil {
		return ""
	}
	for _, d := range s.Deployments {
		if aws.ToString(d.Status) == "PRIMARY" {
			return aws.ToString(d.Id)
		}
	}
	return ""
}

// newClientToken is a CreateService idempotency token: fixed for the SDK's
// retries of one call, new for every call.
func newClientToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
