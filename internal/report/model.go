// Package report builds golive's release report: one self-contained HTML
// page (inline CSS and SVG, no script, nothing fetched) with the release
// timeline of every environment of an application and its deployment
// frequency and change failure rate over time. It is pure: callers read the
// ledger and pass the events in.
package report

import (
	"sort"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/metrics"
)

// Input is what a report is built from.
type Input struct {
	Application string
	Generated   time.Time
	// From and To bound the releases shown.
	From, To time.Time
	// Window is how far back each point of the charts looks: a point is the
	// measure over the window ending at its release, as
	// golive_delivery_metrics computes it.
	Window       time.Duration
	Environments []EnvironmentInput
}

// EnvironmentInput is one environment and its events from From-Window to
// To, in any order.
type EnvironmentInput struct {
	Environment ledger.Environment
	Events      []ledger.Event
	// Current are the figures over the window ending at To (metrics.Read).
	Current metrics.Result
}

// Release is a change that ended: a deployment verified or failed, a
// cutover completed or rolled back. Each is one point of each chart.
type Release struct {
	Environment string    `json:"environment"`
	Service     string    `json:"service"`
	Version     string    `json:"version,omitempty"`
	Change      string    `json:"change"`  // deployment | cutover
	Outcome     string    `json:"outcome"` // verified | failed | completed | rolled_back | rollback_failed
	Failed      bool      `json:"failed"`
	At          time.Time `json:"at"`
	Actor       string    `json:"actor"`
	Detail      string    `json:"detail,omitempty"`
	// DeploymentFrequency and ChangeFailureRate are the measures over the
	// window ending at At; the rate is nil when the window holds no change.
	DeploymentFrequency float64  `json:"deployment_frequency"`
	ChangeFailureRate   *float64 `json:"change_failure_rate"`
}

// releaseOf says whether e ends a change, and how.
func releaseOf(e ledger.Event) (change, outcome string, failed, ok bool) {
	switch {
	case e.Kind == ledger.KindDeploymentVerified:
		return "deployment", "verified", false, true
	case e.Kind == ledger.KindDeploymentFailed:
		return "deployment", "failed", true, true
	case e.Kind == ledger.KindCutoverCompleted:
		return "cutover", "completed", false, true
	case e.Kind == ledger.KindRolledBack && (e.Outcome == ledger.OutcomeRolledBack || e.Outcome == ledger.OutcomeRollbackFailed):
		return "cutover", e.Outcome, true, true
	}
	return "", "", false, false
}

// releases are the changes of one environment that ended between from and
// to, oldest first, each with the measures of the window ending there.
func releases(env EnvironmentInput, from, to time.Time, window time.Duration) []Release {
	events := sortedEvents(env.Events)
	var out []Release
	for _, e := range events {
		change, outcome, failed, ok := releaseOf(e)
		if !ok || e.At.Before(from) || e.At.After(to) {
			continue
		}
		r := metrics.Compute(metrics.Input{Window: window, Now: e.At, Events: within(events, e.At.Add(-window), e.At)})
		rel := Release{
			Environment: env.Environment.ID(), Service: e.Service, Version: e.Version, Change: change, Outcome: outcome,
			Failed: failed, At: e.At.UTC(), Actor: e.Actor, Detail: e.Detail, DeploymentFrequency: r.DeploymentFrequency,
		}
		if r.Changes > 0 {
			rate := r.ChangeFailureRate
			rel.ChangeFailureRate = &rate
		}
		out = append(out, rel)
	}
	return out
}

// sortedEvents is events oldest first (by time, then ID).
func sortedEvents(events []ledger.Event) []ledger.Event {
	out := append([]ledger.Event(nil), events...)
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.Before(out[j].At)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// within is the events of sorted in (from, to].
func within(sorted []ledger.Event, from, to time.Time) []ledger.Event {
	var out []ledger.Event
	for _, e := range sorted {
		if e.At.After(from) && !e.At.After(to) {
			out = append(out, e)
		}
	}
	return out
}
