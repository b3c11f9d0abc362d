package deploy

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/golive-dev/terraform-provider-golive/internal/detached"
)

// RolloutError says why an ECS deployment did not complete: ECS marked it
// FAILED (the circuit breaker), another deployment replaced it, or the wait
// ran out. It carries the stopped tasks of that deployment and the
// service's latest events, which say why tasks did not start or stay up.
type RolloutError struct {
	Service, Deployment string
	// TimedOut: the rollout was still in progress when the wait ended.
	TimedOut bool
	Timeout  time.Duration
	// Reason is ECS's rolloutStateReason, or the progress when timed out.
	Reason  string
	Stopped []StoppedTask // newest first, at most one page (100)
	Events  []string      // the service's latest events since the deployment began, newest first
	// Unread says what could not be read to explain the failure.
	Unread string
}

func (e *RolloutError) Error() string {
	var b strings.Builder
	if e.TimedOut {
		fmt.Fprintf(&b, "ECS service %s did not finish rolling out within %s: %s", e.Service, e.Timeout, e.Reason)
	} else {
		fmt.Fprintf(&b, "ECS deployment %s of service %s failed: %s", e.Deployment, e.Service, e.Reason)
	}
	if len(e.Stopped) > 0 {
		fmt.Fprintf(&b, "\nstopped tasks of deployment %s:", e.Deployment)
		for _, l := range summarizeStopped(e.Stopped) {
			b.WriteString("\n  - " + l)
		}
	}
	if len(e.Events) > 0 {
		b.WriteString("\nlatest service events:")
		for _, ev := range e.Events {
			b.WriteString("\n  - " + ev)
		}
	}
	if e.Unread != "" {
		b.WriteString("\n(" + e.Unread + ")")
	}
	return b.String()
}

// rolloutState is where one ECS deployment stands.
type rolloutState struct {
	deployment string // the deployment followed
	done       bool
	failed     bool
	reason     string // why it failed, or its progress
	startedAt  time.Time
}

// rolloutOf reads the state of deployment id (the PRIMARY one when id is
// "") from a DescribeServices answer: done once ECS reports its rollout
// COMPLETED and it runs its desired count. ECS reports rolloutState for
// services with the rolling update (ECS) deployment controller; without it
// the service is done when it runs its desired count on one deployment.
func rolloutOf(s ecstypes.Service, id, taskDefinition string) rolloutState {
	var d, primary *ecstypes.Deployment
	for i := range s.Deployments {
		x := &s.Deployments[i]
		if aws.ToString(x.Status) == "PRIMARY" {
			primary = x
		}
		if id != "" && aws.ToString(x.Id) == id {
			d = x
		}
	}
	if d == nil && id != "" && primary != nil && aws.ToString(primary.TaskDefinition) != taskDefinition {
		return rolloutState{deployment: id, failed: true, reason: fmt.Sprintf("it is no longer listed: the service now runs %s (deployment %s), "+
			"so it was rolled back or replaced by another deployment", aws.ToString(primary.TaskDefinition), aws.ToString(primary.Id))}
	}
	if d == nil {
		d = primary
	}
	if d == nil {
		return rolloutState{deployment: id, reason: "no deployment listed yet"}
	}
	r := rolloutState{deployment: aws.ToString(d.Id), startedAt: aws.ToTime(d.CreatedAt)}
	progress := fmt.Sprintf("deployment %s %s: %d of %d tasks running, %d pending, %d failed", r.deployment, orUnknown(string(d.RolloutState)),
		d.RunningCount, d.DesiredCount, d.PendingCount, d.FailedTasks)
	switch d.RolloutState {
	case ecstypes.DeploymentRolloutStateCompleted:
		// A change of the count alone starts no deployment: the one that
		// completed earlier scales, still COMPLETED, until it runs them all.
		r.done = d.RunningCount >= d.DesiredCount
	case ecstypes.DeploymentRolloutStateFailed:
		r.failed, r.reason = true, aws.ToString(d.RolloutStateReason)
		if r.reason == "" {
			r.reason = "ECS marked the rollout FAILED"
		}
		return r
	case "":
		r.done = len(s.Deployments) == 1 && s.RunningCount == s.DesiredCount
	}
	r.reason = progress
	return r
}

func orUnknown(state string) string {
	if state == "" {
		return "(no rollout state)"
	}
	return state
}

// WaitRollout follows the ECS deployment that a started until ECS reports
// its rollout COMPLETED (nil), FAILED (the circuit breaker gave up on it),
// or replaced by another; or until timeout passes. Any of those but
// COMPLETED is a *RolloutError listing the deployment's stopped tasks and
// the service's latest events. Progress goes to Logf.
func (e *ECS) WaitRollout(ctx context.Context, a *Applied, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	delay := e.PollInterval
	if delay <= 0 {
		delay = 2 * time.Second
	}
	var last string
	lastLog := time.Time{}
	for {
		s, err := e.find(ctx, a.Cluster, a.Service)
		if err != nil {
			return fmt.Errorf("waiting for ECS service %s to roll out: %w", a.Service, err)
		}
		r := rolloutOf(*s, a.Deployment, a.TaskDefinition)
		if r.done {
			e.logf("ECS service %s: %s", a.Service, r.reason)
			return nil
		}
		if r.failed {
			return e.rolloutError(ctx, a, *s, r, false, timeout)
		}
		if r.reason != last || time.Since(lastLog) >= time.Minute {
			e.logf("ECS service %s: %s; waiting (%s left)", a.Service, r.reason, time.Until(deadline).Round(time.Second))
			last, lastLog = r.reason, time.Now()
		}
		if time.Now().Add(delay).After(deadline) {
			return e.rolloutError(ctx, a, *s, r, true, timeout)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for ECS service %s to roll out (%s): %w", a.Service, r.reason, context.Cause(ctx))
		case <-time.After(delay):
		}
		if e.PollInterval <= 0 {
			delay = min(delay*2, 15*time.Second)
		}
	}
}

// maxEvents bounds the service events an error quotes.
const maxEvents = 5

// rolloutError explains a rollout that failed or timed out, reading the
// deployment's stopped tasks on a context of its own: the wait's may have
// ended.
func (e *ECS) rolloutError(ctx context.Context, a *Applied, s ecstypes.Service, r rolloutState, timedOut bool, timeout time.Duration) error {
	re := &RolloutError{Service: a.Service, Deployment: r.deployment, TimedOut: timedOut, Timeout: timeout, Reason: r.reason}
	if re.Deployment != "" {
		rctx, cancel := detached.WithTimeout(ctx, detached.CallTimeout)
		defer cancel()
		stopped, err := e.stoppedTasks(rctx, a.Cluster, re.Deployment)
		if err != nil {
			re.Unread = err.Error()
		}
		re.Stopped = stopped
	}
	for _, ev := range s.Events { // newest first
		if len(re.Events) == maxEvents || !r.startedAt.IsZero() && aws.ToTime(ev.CreatedAt).Before(r.startedAt) {
			break
		}
		msg := aws.ToString(ev.Message)
		if strings.Contains(msg, "has reached a steady state") {
			continue
		}
		re.Events = append(re.Events, aws.ToTime(ev.CreatedAt).UTC().Format(time.RFC3339)+" "+clip(msg, 300))
	}
	return re
}
