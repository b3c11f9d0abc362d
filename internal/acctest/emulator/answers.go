package emulator

import (
	"strings"
	"sync"
	"time"
)

// ECSAnswers simulates what moto's ECS lacks, as a FaultOptions.Rewrite:
// moto sets a deployment's rolloutState once, at CreateService, and never
// fails one; its stopped tasks carry no stop code and exit 0. Without
// SetRollout, DescribeServices answers are left alone.
type ECSAnswers struct {
	mu       sync.Mutex
	states   []string
	reads    int
	reason   string
	exitCode int
}

// SetRollout makes the next DescribeServices answers give each service's
// PRIMARY deployment these rollout states in turn (the last one repeats);
// a COMPLETED one runs its desired count, a FAILED one carries reason as
// its rolloutStateReason, and the service an event saying the deployment
// failed.
func (a *ECSAnswers) SetRollout(reason string, states ...string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.states, a.reads, a.reason = states, 0, reason
}

// SetExitCode makes the containers of stopped tasks exit with code.
func (a *ECSAnswers) SetExitCode(code int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.exitCode = code
}

// Reads is how many DescribeServices answers SetRollout's states served.
func (a *ECSAnswers) Reads() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.reads
}

// Rewrite is the FaultOptions.Rewrite of the simulation.
func (a *ECSAnswers) Rewrite(action string, body []byte) []byte {
	switch action {
	case "DescribeServices":
		return EditJSON(body, a.services)
	case "DescribeTasks":
		return EditJSON(body, a.tasks)
	}
	return body
}

func (a *ECSAnswers) services(m map[string]any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.states) == 0 {
		return
	}
	state := a.states[min(a.reads, len(a.states)-1)]
	a.reads++
	for _, s := range list(m["services"]) {
		svc := s.(map[string]any)
		for _, d := range list(svc["deployments"]) {
			dep := d.(map[string]any)
			if dep["status"] != "PRIMARY" {
				continue
			}
			dep["rolloutState"] = state
			if state == "COMPLETED" { // as in ECS: a completed rollout runs every task
				dep["runningCount"], dep["pendingCount"] = dep["desiredCount"], 0
			}
			if state == "FAILED" {
				dep["rolloutStateReason"] = a.reason
				svc["events"] = []any{map[string]any{"id": "golive-simulated", "createdAt": float64(time.Now().Unix() + 60),
					"message": "(service " + svc["serviceName"].(string) + ") (deployment " + dep["id"].(string) + ") deployment failed: tasks failed to start."}}
			}
		}
	}
}

func (a *ECSAnswers) tasks(m map[string]any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, x := range list(m["tasks"]) {
		task := x.(map[string]any)
		if task["lastStatus"] != "STOPPED" {
			continue
		}
		task["stopCode"] = "EssentialContainerExited"
		if r, _ := task["stoppedReason"].(string); r == "" {
			task["stoppedReason"] = "Essential container in task exited"
		}
		for _, c := range list(task["containers"]) {
			c.(map[string]any)["exitCode"] = a.exitCode
		}
	}
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

// TargetHealthAnswers simulates targets that are not healthy, as a
// FaultOptions.Rewrite: moto reports every registered target healthy.
type TargetHealthAnswers struct {
	mu     sync.Mutex
	states []string
	reads  int
}

// Set makes the next DescribeTargetHealth answers report the targets in
// these states in turn (the last one repeats): "healthy" (moto's own
// answer), "unhealthy" (failing health checks with HTTP 502), "draining",
// or "first draining" (the first target draining, the others healthy).
func (a *TargetHealthAnswers) Set(states ...string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.states, a.reads = states, 0
}

// Reads is how many DescribeTargetHealth answers Set's states served.
func (a *TargetHealthAnswers) Reads() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.reads
}

// Rewrite is the FaultOptions.Rewrite of the simulation.
func (a *TargetHealthAnswers) Rewrite(action string, body []byte) []byte {
	if action != "DescribeTargetHealth" {
		return body
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.states) == 0 {
		return body
	}
	state := a.states[min(a.reads, len(a.states)-1)]
	a.reads++
	const healthy = "<State>healthy</State>"
	switch state {
	case "unhealthy":
		return []byte(strings.ReplaceAll(string(body), healthy,
			"<State>unhealthy</State><Reason>Target.ResponseCodeMismatch</Reason><Description>Health checks failed with these codes: [502]</Description>"))
	case "draining":
		return []byte(strings.ReplaceAll(string(body), healthy, "<State>draining</State><Reason>Target.DeregistrationInProgress</Reason>"))
	case "first draining":
		return []byte(strings.Replace(string(body), healthy, "<State>draining</State><Reason>Target.DeregistrationInProgress</Reason>", 1))
	}
	return body
}

// Rewrites chains rewrites: each gets the answer the previous returned.
func Rewrites(rs ...func(action string, body []byte) []byte) func(action string, body []byte) []byte {
	return func(action string, body []byte) []byte {
		for _, r := range rs {
			body = r(action, body)
		}
		return body
	}
}
