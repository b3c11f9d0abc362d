package deploy

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/golive-dev/terraform-provider-golive/internal/detached"
)

// Target is where a deployment's version runs: the slot's ECS service
// (ECSTarget) or a published Lambda version (LambdaTarget).
type Target interface {
	// Apply makes the version run in the slot. The Change it returns (nil
	// when nothing changed) is waited on and, if the deployment fails,
	// undone; it may come with an error when Apply changed something
	// before failing.
	Apply(ctx context.Context) (Change, error)
}

// Change is what a Target's Apply did.
type Change interface {
	// Wait returns once the version runs, or why it does not.
	Wait(ctx context.Context) error
	// Undo reverses the change on a fresh, bounded context (the caller's
	// may be what failed) and says what it did.
	Undo(ctx context.Context) (string, error)
	// Created: the change created what it runs on (an ECS service), so
	// Undo deletes it.
	Created() bool
	// Adopted says, when not "", what existing object the change took over.
	Adopted() string
}

// ECSTarget runs the version as the slot's ECS service, owned by golive
// deployment ID.
type ECSTarget struct {
	ECS     *ECS
	Service ECSService
	ID      string // the golive deployment id, the value of OwnerTag
	Claim   Claim  // what entitles it to an existing service
	// Wait follows the rollout until it completes (wait_for_steady_state).
	Wait bool
	// WaitTimeout bounds the wait; 0 waits until ctx's deadline (10m
	// without one).
	WaitTimeout time.Duration
	// UndoTimeout bounds putting the service back or deleting it; default
	// detached.RollbackTimeout.
	UndoTimeout time.Duration
}

// Apply deploys the service (ECS.Deploy).
func (t *ECSTarget) Apply(ctx context.Context) (Change, error) {
	a, err := t.ECS.Deploy(ctx, t.ID, t.Service, t.Claim)
	if a == nil {
		return nil, err
	}
	return &ecsChange{t: t, a: a}, err
}

type ecsChange struct {
	t *ECSTarget
	a *Applied
}

func (c *ecsChange) Wait(ctx context.Context) error {
	if !c.t.Wait {
		return nil
	}
	timeout := c.t.WaitTimeout
	if timeout <= 0 {
		timeout = time.Until(deadlineOf(ctx, 10*time.Minute))
	}
	return c.t.ECS.WaitRollout(ctx, c.a, timeout)
}

func (c *ecsChange) Undo(ctx context.Context) (string, error) {
	timeout := c.t.UndoTimeout
	if timeout <= 0 {
		timeout = detached.RollbackTimeout
	}
	return c.t.ECS.Undo(ctx, c.a, timeout)
}

func (c *ecsChange) Created() bool { return c.a.Created }

func (c *ecsChange) Adopted() string {
	if !c.a.Adopted {
		return ""
	}
	return "ECS service " + c.a.Service + " in cluster " + clusterName(c.a.Cluster)
}

// LambdaTarget adopts a published Lambda version: it changes nothing, so
// there is nothing to wait on or undo.
type LambdaTarget struct {
	Client   *lambda.Client
	Function string
	Version  string
}

// Apply checks the version (CheckLambdaVersion).
func (t *LambdaTarget) Apply(ctx context.Context) (Change, error) {
	return nil, CheckLambdaVersion(ctx, t.Client, t.Function, t.Version)
}

// deadlineOf is ctx's deadline, or now+fallback.
func deadlineOf(ctx context.Context, fallback time.Duration) time.Time {
	if d, ok := ctx.Deadline(); ok {
		return d
	}
	return time.Now().Add(fallback)
}
