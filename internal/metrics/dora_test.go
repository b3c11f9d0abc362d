package metrics

import (
	"testing"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

func TestComputeOnAKnownHistory(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	ev := func(h int, svc, kind, outcome string) ledger.Event {
		return ledger.Event{At: at(h), Service: svc, Kind: kind, Outcome: outcome}
	}
	events := []ledger.Event{
		// api: deploy ok, cutover ok
		ev(0, "api", ledger.KindDeploymentStarted, "started"), ev(1, "api", ledger.KindDeploymentVerified, "succeeded"),
		ev(2, "api", ledger.KindCutoverStarted, "started"), ev(3, "api", ledger.KindCutoverCompleted, "succeeded"),
		// api: deploy fails (with an ECS put-back), fixed 4 h later
		ev(10, "api", ledger.KindDeploymentStarted, "started"), ev(11, "api", ledger.KindDeploymentFailed, "failed"),
		ev(11, "api", ledger.KindRolledBack, "put_back"),
		ev(14, "api", ledger.KindDeploymentStarted, "started"), ev(15, "api", ledger.KindDeploymentVerified, "succeeded"),
		// web: cutover rolls back, restored 2 h later by the next cutover
		ev(20, "web", ledger.KindCutoverStarted, "started"), ev(21, "web", ledger.KindRolledBack, "rolled_back"),
		ev(22, "web", ledger.KindCutoverStarted, "started"), ev(23, "web", ledger.KindCutoverCompleted, "succeeded"),
		// noise
		ev(5, "", ledger.KindEnvironmentUpdated, "succeeded"), ev(6, "api", ledger.KindTrafficStep, "reached"),
	}
	r := Compute(Input{Window: 10 * 24 * time.Hour, Now: at(24), Events: events,
		LeadTimes: []time.Duration{2 * time.Hour, 4 * time.Hour, 9 * time.Hour}})
	want := Result{
		Deployments: 2, DeploymentFrequency: 0.2, Changes: 6, Failures: 2, ChangeFailureRate: 2.0 / 6,
		Restored: 2, MeanTimeToRestore: 3 * time.Hour, LeadTimeCount: 3, MeanLeadTime: 5 * time.Hour,
	}
	if r != want {
		t.Fatalf("got  %+v\nwant %+v", r, want)
	}
}

func TestComputeWithNothingToMeasure(t *testing.T) {
	r := Compute(Input{Window: 24 * time.Hour})
	if r != (Result{}) {
		t.Fatalf("got %+v", r)
	}
	// A failure not yet restored counts as a failure but not in MTTR.
	r = Compute(Input{Window: 24 * time.Hour, Events: []ledger.Event{
		{Kind: ledger.KindDeploymentStarted, Service: "api"}, {Kind: ledger.KindDeploymentFailed, Service: "api", At: time.Unix(10, 0)},
	}})
	if r.Failures != 1 || r.ChangeFailureRate != 1 || r.Restored != 0 || r.MeanTimeToRestore != 0 {
		t.Fatalf("got %+v", r)
	}
}
