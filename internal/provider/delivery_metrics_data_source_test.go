package provider_test

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// A seeded history with known answers: 10-day window, 2 verified
// deployments, 4 changes of which 1 failed and was restored 3 h later, and
// lead times of 5 h and 7 h from dev to prod.
func TestAccDeliveryMetricsDataSource_knownHistory(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	for _, env := range []ledger.Environment{
		{Application: "shop", Name: "dev", Tier: "development", Parity: "off"},
		{Application: "shop", Name: "staging", Tier: "staging", Parity: "off", PromotesFrom: "dev"},
		{Application: "shop", Name: "prod", Tier: "production", Parity: "off", PromotesFrom: "staging"},
	} {
		if err := e.ledger.CreateEnvironment(ctx, env); err != nil {
			t.Fatal(err)
		}
	}
	for _, v := range []ledger.Verification{
		{Environment: "shop/dev", Service: "api", Version: "1.0", Status: "verified", FirstDeployedAt: at(0), VerifiedAt: at(0)},
		{Environment: "shop/dev", Service: "api", Version: "1.1", Status: "verified", FirstDeployedAt: at(20), VerifiedAt: at(20)},
		{Environment: "shop/prod", Service: "api", Version: "1.0", Status: "verified", FirstDeployedAt: at(5), VerifiedAt: at(5)},
		{Environment: "shop/prod", Service: "api", Version: "1.1", Status: "verified", FirstDeployedAt: at(27), VerifiedAt: at(27)},
	} {
		if err := e.ledger.PutVerification(ctx, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, ev := range []ledger.Event{
		{Kind: ledger.KindDeploymentStarted, Service: "api", Version: "1.0", At: at(4)},
		{Kind: ledger.KindDeploymentVerified, Service: "api", Version: "1.0", Outcome: "succeeded", At: at(5)},
		{Kind: ledger.KindCutoverStarted, Service: "api", At: at(6)},
		{Kind: ledger.KindRolledBack, Service: "api", Outcome: "rolled_back", At: at(7)},
		{Kind: ledger.KindDeploymentStarted, Service: "api", Version: "1.1", At: at(9)},
		{Kind: ledger.KindDeploymentVerified, Service: "api", Version: "1.1", Outcome: "succeeded", At: at(10)},
		{Kind: ledger.KindCutoverStarted, Service: "api", At: at(11)},
		{Kind: ledger.KindCutoverCompleted, Service: "api", Outcome: "succeeded", At: at(12)},
		// Outside the window: ignored.
		{Kind: ledger.KindDeploymentFailed, Service: "api", Version: "0.9", At: t0.Add(-30 * 24 * time.Hour)},
	} {
		ev.Environment, ev.Actor = "shop/prod", "arn:test"
		if _, err := e.ledger.RecordEvent(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	ds := "data.golive_delivery_metrics.prod"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(fixedClock(t, "2026-11-10T00:00:00Z")),
		Steps: []resource.TestStep{{
			Config: e.providerBlock() + `
data "golive_delivery_metrics" "prod" {
  environment = "shop/prod"
  window      = "240h"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("deployments"), knownvalue.Int64Exact(2)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("deployment_frequency"), knownvalue.Float64Exact(0.2)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("changes"), knownvalue.Int64Exact(4)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("failures"), knownvalue.Int64Exact(1)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("change_failure_rate"), knownvalue.Float64Exact(0.25)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("mean_time_to_restore"), knownvalue.StringExact("3h0m0s")),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("mean_time_to_restore_seconds"), knownvalue.Int64Exact(10800)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("lead_time"), knownvalue.StringExact("6h0m0s")),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("lead_time_versions"), knownvalue.Int64Exact(2)),
			},
		}},
	})
}
