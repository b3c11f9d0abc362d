package deploy

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func deployment(id, status string, state ecstypes.DeploymentRolloutState, td string) ecstypes.Deployment {
	return ecstypes.Deployment{Id: aws.String(id), Status: aws.String(status), RolloutState: state, TaskDefinition: aws.String(td),
		DesiredCount: 2, RunningCount: 1, PendingCount: 1, FailedTasks: 3, RolloutStateReason: aws.String("reason of " + id)}
}

// running is d running all its tasks.
func running(d ecstypes.Deployment) ecstypes.Deployment {
	d.RunningCount, d.PendingCount = d.DesiredCount, 0
	return d
}

func TestRolloutOf(t *testing.T) {
	cases := []struct {
		name         string
		svc          ecstypes.Service
		id           string
		done, failed bool
		reason       string // substring
	}{
		{name: "completed", id: "ecs-svc/2", svc: ecstypes.Service{Deployments: []ecstypes.Deployment{
			running(deployment("ecs-svc/2", "PRIMARY", ecstypes.DeploymentRolloutStateCompleted, "api:2"))}}, done: true},
		{name: "completed, scaling out to a new count", id: "ecs-svc/2", svc: ecstypes.Service{Deployments: []ecstypes.Deployment{
			deployment("ecs-svc/2", "PRIMARY", ecstypes.DeploymentRolloutStateCompleted, "api:2")}},
			reason: "deployment ecs-svc/2 COMPLETED: 1 of 2 tasks running, 1 pending"},
		{name: "in progress", id: "ecs-svc/2", svc: ecstypes.Service{Deployments: []ecstypes.Deployment{
			deployment("ecs-svc/2", "PRIMARY", ecstypes.DeploymentRolloutStateInProgress, "api:2"),
			deployment("ecs-svc/1", "ACTIVE", ecstypes.DeploymentRolloutStateCompleted, "api:1")}},
			reason: "deployment ecs-svc/2 IN_PROGRESS: 1 of 2 tasks running, 1 pending, 3 failed"},
		{name: "failed", id: "ecs-svc/2", svc: ecstypes.Service{Deployments: []ecstypes.Deployment{
			deployment("ecs-svc/2", "PRIMARY", ecstypes.DeploymentRolloutStateFailed, "api:2")}}, failed: true, reason: "reason of ecs-svc/2"},
		{name: "failed and being rolled back by the circuit breaker", id: "ecs-svc/2", svc: ecstypes.Service{Deployments: []ecstypes.Deployment{
			deployment("ecs-svc/3", "PRIMARY", ecstypes.DeploymentRolloutStateInProgress, "api:1"),
			deployment("ecs-svc/2", "ACTIVE", ecstypes.DeploymentRolloutStateFailed, "api:2")}}, failed: true, reason: "reason of ecs-svc/2"},
		{name: "gone: rolled back", id: "ecs-svc/2", svc: ecstypes.Service{Deployments: []ecstypes.Deployment{
			deployment("ecs-svc/3", "PRIMARY", ecstypes.DeploymentRolloutStateCompleted, "api:1")}},
			failed: true, reason: "no longer listed: the service now runs api:1 (deployment ecs-svc/3)"},
		{name: "gone: replaced by the same revision", id: "ecs-svc/2", svc: ecstypes.Service{Deployments: []ecstypes.Deployment{
			running(deployment("ecs-svc/3", "PRIMARY", ecstypes.DeploymentRolloutStateCompleted, "api:2"))}}, done: true},
		{name: "primary when no id", svc: ecstypes.Service{Deployments: []ecstypes.Deployment{
			running(deployment("ecs-svc/9", "PRIMARY", ecstypes.DeploymentRolloutStateCompleted, "api:2"))}}, done: true},
		{name: "no rollout state: counts, steady", svc: ecstypes.Service{DesiredCount: 2, RunningCount: 2, Deployments: []ecstypes.Deployment{
			deployment("ecs-svc/9", "PRIMARY", "", "api:2")}}, done: true},
		{name: "no rollout state: counts, not steady", svc: ecstypes.Service{DesiredCount: 2, RunningCount: 1, Deployments: []ecstypes.Deployment{
			deployment("ecs-svc/9", "PRIMARY", "", "api:2")}}, reason: "(no rollout state)"},
		{name: "no deployment", svc: ecstypes.Service{}, reason: "no deployment listed yet"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := rolloutOf(c.svc, c.id, "api:2")
			if r.done != c.done || r.failed != c.failed || !strings.Contains(r.reason, c.reason) {
				t.Fatalf("rolloutOf = %+v, want done %v failed %v reason ~%q", r, c.done, c.failed, c.reason)
			}
		})
	}
}

func stopped(id, code, reason string, exit *int32, containerReason string) StoppedTask {
	return StoppedTask{ID: id, StopCode: code, Reason: reason, Containers: []StoppedContainer{{Name: "api", ExitCode: exit, Reason: containerReason}}}
}

func TestSummarizeStopped(t *testing.T) {
	one, oom := aws.Int32(1), aws.Int32(137)
	tasks := []StoppedTask{
		stopped("a1", "EssentialContainerExited", "Essential container in task exited", one, ""),
		stopped("b2", "TaskFailedToStart", "CannotPullContainerError: pull image manifest has been retried 5 time(s): not found", nil, ""),
		stopped("c3", "EssentialContainerExited", "Essential container in task exited", one, ""),
		stopped("d4", "EssentialContainerExited", "Essential container in task exited", oom, "OutOfMemoryError: Container killed due to memory usage"),
		stopped("e5", "EssentialContainerExited", "Essential container in task exited", one, ""),
		stopped("f6", "EssentialContainerExited", "Essential container in task exited", one, ""),
	}
	got := strings.Join(summarizeStopped(tasks), "\n")
	want := strings.Join([]string{
		"4 tasks (a1, c3, e5 and 1 more): Essential container in task exited [EssentialContainerExited]; container api exited with code 1",
		"1 task (b2): CannotPullContainerError: pull image manifest has been retried 5 time(s): not found [TaskFailedToStart]",
		"1 task (d4): Essential container in task exited [EssentialContainerExited]; container api exited with code 137 (OutOfMemoryError: Container killed due to memory usage)",
	}, "\n")
	if got != want {
		t.Fatalf("summary:\n%s\nwant:\n%s", got, want)
	}
	var many []StoppedTask
	for i := range 8 {
		many = append(many, stopped(string(rune('a'+i)), "", "reason "+string(rune('a'+i)), nil, ""))
	}
	lines := summarizeStopped(many)
	if len(lines) != maxReasonGroups+1 || lines[maxReasonGroups] != "and 3 more tasks stopped for other reasons" {
		t.Fatalf("bounded summary: %q", lines)
	}
}

func TestRolloutErrorText(t *testing.T) {
	e := &RolloutError{Service: "api-green", Deployment: "ecs-svc/2", Reason: "ECS deployment circuit breaker: tasks failed to start.",
		Stopped: []StoppedTask{stopped("a1", "EssentialContainerExited", "Essential container in task exited", aws.Int32(3), "")},
		Events:  []string{"2026-11-20T10:00:00Z (service api-green) deployment ecs-svc/2 deployment failed: tasks failed to start."}}
	want := "ECS deployment ecs-svc/2 of service api-green failed: ECS deployment circuit breaker: tasks failed to start.\n" +
		"stopped tasks of deployment ecs-svc/2:\n" +
		"  - 1 task (a1): Essential container in task exited [EssentialContainerExited]; container api exited with code 3\n" +
		"latest service events:\n" +
		"  - 2026-11-20T10:00:00Z (service api-green) deployment ecs-svc/2 deployment failed: tasks failed to start."
	if e.Error() != want {
		t.Fatalf("error:\n%s\nwant:\n%s", e.Error(), want)
	}
	e = &RolloutError{Service: "api-green", Deployment: "ecs-svc/2", TimedOut: true, Timeout: 10 * time.Minute, Reason: "deployment ecs-svc/2 IN_PROGRESS: 0 of 2 tasks running",
		Unread: "listing the stopped tasks of ECS deployment ecs-svc/2: AccessDeniedException"}
	want = "ECS service api-green did not finish rolling out within 10m0s: deployment ecs-svc/2 IN_PROGRESS: 0 of 2 tasks running\n" +
		"(listing the stopped tasks of ECS deployment ecs-svc/2: AccessDeniedException)"
	if e.Error() != want {
		t.Fatalf("error:\n%s\nwant:\n%s", e.Error(), want)
	}
}

func TestClip(t *testing.T) {
	if got := clip("  héllo wörld  ", 5); got != "héll…" {
		t.Fatalf("clip = %q", got)
	}
	if got := clip("ok", 5); got != "ok" {
		t.Fatalf("clip = %q", got)
	}
}
