package oncall

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/metrics"
)

func TestWriteHistoryIsATableNewestFirst(t *testing.T) {
	h := &History{Environment: "shop/prod", Service: "api", More: true, Events: []Event{
		eventOf(ledger.Event{ID: "EVT#2", At: now, Service: "api", Kind: ledger.KindRolledBack, Outcome: ledger.OutcomeRolledBack,
			Actor: "arn:aws:sts::1:assumed-role/ci/run-42", Detail: "at step 1 of 2, back to blue=100 green=0", Reason: "alarm \"5xx\" is ALARM"}),
		eventOf(ledger.Event{ID: "EVT#1", At: now.Add(-time.Minute), Service: "api", Kind: ledger.KindDeploymentVerified, Version: "1.4.2",
			Outcome: ledger.OutcomeSucceeded, Actor: "arn:aws:iam::1:user/alice"}),
	}}
	var b bytes.Buffer
	if err := WriteHistory(&b, h); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	if lines[0] != "Events of shop/prod/api, newest first" || !strings.HasPrefix(lines[2], "AT ") {
		t.Fatalf("history:\n%s", b.String())
	}
	for i, want := range []string{
		"2026-11-26T10:00:00Z  api      rolled_back          -        rolled_back  ci/run-42   at step 1 of 2, back to blue=100 green=0; reason: alarm \"5xx\" is ALARM",
		"2026-11-26T09:59:00Z  api      deployment_verified  1.4.2    succeeded    user/alice  -",
	} {
		if got := lines[3+i]; got != want {
			t.Errorf("line %d:\n got %q\nwant %q", 3+i, got, want)
		}
	}
	if !strings.Contains(b.String(), "older events left out") {
		t.Error("a limited history should say older events were left out")
	}
}

func TestHistoryJSONHasTheNotificationFields(t *testing.T) {
	e := eventOf(ledger.Event{ID: "EVT#1", Environment: "shop/prod", At: now, Service: "api", Kind: ledger.KindTrafficStep, Outcome: "reached", Actor: "arn:x"})
	b, _ := json.Marshal(History{Environment: "shop/prod", Events: []Event{e}})
	want := `{"environment":"shop/prod","events":[{"id":"EVT#1","environment":"shop/prod","service":"api","kind":"traffic_step","outcome":"reached","actor":"arn:x","at":"2026-11-26T10:00:00Z"}],"more":false}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
}

func TestMetricsOfNamesFiguresAsTheDataSource(t *testing.T) {
	m := metricsOf("shop/prod", 720*time.Hour, now, metrics.Result{Deployments: 3, DeploymentFrequency: 0.1, Changes: 4, Failures: 1,
		ChangeFailureRate: 0.25, Restored: 1, MeanTimeToRestore: 90*time.Minute + 400*time.Millisecond})
	b, _ := json.Marshal(m)
	for _, want := range []string{`"deployment_frequency":0.1`, `"change_failure_rate":0.25`, `"mean_time_to_restore":"1h30m0s"`,
		`"mean_time_to_restore_seconds":5400`, `"lead_time":null`, `"lead_time_seconds":null`, `"window":"720h0m0s"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("json lacks %s: %s", want, b)
		}
	}
	var text bytes.Buffer
	_ = WriteMetrics(&text, m)
	for _, want := range []string{"0.10 per day (3 verified deployments)", "25.0% (1 failed of 4 changes)", "1h30m0s (1 restored)", "n/a (no version verified)"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	if none := metricsOf("shop/dev", time.Hour, now, metrics.Result{}); none.ChangeFailureRate != nil {
		t.Errorf("no changes: the rate is null, got %v", *none.ChangeFailureRate)
	}
}

func TestUnlockEventSaysWhoHeldItAndWhetherItWasForced(t *testing.T) {
	info := &ledger.LockInfo{Environment: "shop/prod", Service: "api", Holder: "arn:ci", Operation: "traffic shift to green",
		Since: now.Add(-time.Minute), Expires: now.Add(time.Minute)}
	forced := unlockEvent(info, true, "arn:oncall", "INC-7")
	if forced.Kind != ledger.KindLockBroken || forced.Outcome != ledger.OutcomeForced || forced.Actor != "arn:oncall" || forced.Reason != "INC-7" ||
		forced.Detail != "released the lock held by arn:ci (traffic shift to green) since 2026-11-26T09:59:00Z; its lease still ran until 2026-11-26T10:01:00Z (--force)" {
		t.Fatalf("forced: %+v", forced)
	}
	if expired := unlockEvent(info, false, "arn:oncall", "x"); expired.Outcome != ledger.OutcomeReleased || !strings.Contains(expired.Detail, "had expired at") {
		t.Fatalf("expired: %+v", expired)
	}
}

func TestHolderLiveErrorSaysHowToProceed(t *testing.T) {
	err := &HolderLiveError{Lock: ledger.LockInfo{Environment: "shop/prod", Service: "api", Holder: "arn:ci", Operation: "op",
		Since: now, Expires: now.Add(time.Minute)}, Left: 42*time.Second + 300*time.Millisecond}
	for _, want := range []string{"shop/prod/api", "arn:ci", "(op)", "42s left", "--force"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

func TestShortActor(t *testing.T) {
	for in, want := range map[string]string{
		"arn:aws:sts::123456789012:assumed-role/ci/run-42": "ci/run-42",
		"arn:aws:iam::123456789012:user/alice":             "user/alice",
		"":                                                 "-",
		"someone":                                          "someone",
	} {
		if got := shortActor(in); got != want {
			t.Errorf("shortActor(%q) = %q, want %q", in, got, want)
		}
	}
}
