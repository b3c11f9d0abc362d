// Package metrics computes the four DORA delivery measures from ledger
// events and verifications. It is pure: callers read the ledger.
package metrics

import (
	"sort"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// Input is what the measures are computed from, for one environment.
type Input struct {
	Window time.Duration
	Now    time.Time
	// Events of the environment within the window, any order.
	Events []ledger.Event
	// LeadTimes are, for each version verified here within the window, the
	// time from its first deployment in the first environment of its
	// promotion chain to its verification here.
	LeadTimes []time.Duration
}

// Result holds the measures. Durations are zero and the Has flags false when
// there was nothing to measure.
type Result struct {
	Deployments         int     // verified deployments in the window
	DeploymentFrequency float64 // per day
	Changes             int     // deployments and traffic cutovers started
	Failures            int     // failed deployments and rolled-back cutovers
	ChangeFailureRate   float64 // Failures / Changes, 0..1
	Restored            int     // failures followed by a success of the same service
	MeanTimeToRestore   time.Duration
	LeadTimeCount       int
	MeanLeadTime        time.Duration
}

// isFailure says whether an event is a failed change: a deployment that
// failed its gates, or a cutover that rolled back. (A deployment's ECS
// put-back comes with its own deployment_failed event and is not counted
// twice.)
func isFailure(e ledger.Event) bool {
	return e.Kind == ledger.KindDeploymentFailed ||
		e.Kind == ledger.KindRolledBack && (e.Outcome == ledger.OutcomeRolledBack || e.Outcome == ledger.OutcomeRollbackFailed)
}

func isSuccess(e ledger.Event) bool {
	return e.Kind == ledger.KindDeploymentVerified || e.Kind == ledger.KindCutoverCompleted
}

// Compute derives the measures.
func Compute(in Input) Result {
	var r Result
	events := append([]ledger.Event(nil), in.Events...)
	sort.Slice(events, func(i, j int) bool { return events[i].At.Before(events[j].At) })
	for _, e := range events {
		switch e.Kind {
		case ledger.KindDeploymentVerified:
			r.Deployments++
		case ledger.KindDeploymentStarted, ledger.KindCutoverStarted:
			r.Changes++
		}
		if isFailure(e) {
			r.Failures++
		}
	}
	if days := in.Window.Hours() / 24; days > 0 {
		r.DeploymentFrequency = float64(r.Deployments) / days
	}
	if r.Changes > 0 {
		r.ChangeFailureRate = float64(r.Failures) / float64(r.Changes)
	}
	var restoreTotal time.Duration
	for i, e := range events {
		if !isFailure(e) {
			continue
		}
		for _, later := range events[i+1:] {
			if later.Service == e.Service && isSuccess(later) {
				restoreTotal += later.At.Sub(e.At)
				r.Restored++
				break
			}
		}
	}
	if r.Restored > 0 {
		r.MeanTimeToRestore = restoreTotal / time.Duration(r.Restored)
	}
	var leadTotal time.Duration
	for _, d := range in.LeadTimes {
		leadTotal += d
	}
	if r.LeadTimeCount = len(in.LeadTimes); r.LeadTimeCount > 0 {
		r.MeanLeadTime = leadTotal / time.Duration(r.LeadTimeCount)
	}
	return r
}
