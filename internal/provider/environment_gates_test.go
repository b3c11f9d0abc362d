package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

func gatedEnv(logLevel, override string) string {
	return fmt.Sprintf(`
resource "golive_environment" "test" {
  application = "shop"
  name        = "prod"
  tier        = "production"
  deletion_protection = false
  variables   = { LOG_LEVEL = %q }
  freeze {
    start  = "2026-12-24T00:00:00Z"
    end    = "2026-12-27T00:00:00Z"
    reason = "holiday freeze"
  }
  deploy_window {
    days     = ["Mon", "Tue", "Wed", "Thu", "Fri"]
    start    = "09:00"
    end      = "17:00"
    timezone = "UTC"
  }
  %s
}
`, logLevel, override)
}

func TestAccEnvironment_freezeRefusesChangeUnlessOverridden(t *testing.T) {
	e := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		// Friday 25 December, 10:00 UTC: inside the window, inside the freeze.
		ProtoV6ProviderFactories: factories(fixedClock(t, "2026-12-25T10:00:00Z")),
		CheckDestroy:             e.checkEnvironmentGone("shop/prod"),
		Steps: []resource.TestStep{
			{Config: e.providerBlock() + gatedEnv("info", "")}, // creating is never gated
			{
				Config:      e.providerBlock() + gatedEnv("debug", ""),
				ExpectError: errorPattern(`changing the configuration of shop/prod \(variables set: LOG_LEVEL\) is refused: inside freeze window "holiday freeze" from 2026-12-24T00:00:00Z to 2026-12-27T00:00:00Z.*override`),
			},
			{
				// The refused plan changed nothing; the override lets it through and is recorded.
				PreConfig: func() {
					if got := e.parameters("/golive/shop/prod/vars/"); got["/golive/shop/prod/vars/LOG_LEVEL"] != "String:info" {
						t.Errorf("refused change reached Parameter Store: %v", got)
					}
				},
				Config: e.providerBlock() + gatedEnv("debug", `override { reason = "hotfix INC-1234" }`),
				Check: resource.ComposeTestCheckFunc(
					e.checkParameters("/golive/shop/prod/", map[string]string{"/golive/shop/prod/vars/LOG_LEVEL": "String:debug"}),
					e.checkEvents("shop/prod", []string{ledger.KindEnvironmentUpdated, ledger.KindOverride, ledger.KindEnvironmentCreated}),
					e.checkOverrideRecorded("shop/prod", "hotfix INC-1234"),
				),
			},
		},
	})
}

func TestAccEnvironment_deployWindowRefusesOutside(t *testing.T) {
	e := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		// Saturday 5 December: outside the Mon-Fri window.
		ProtoV6ProviderFactories: factories(fixedClock(t, "2026-12-05T10:00:00Z")),
		CheckDestroy:             e.checkEnvironmentGone("shop/prod"),
		Steps: []resource.TestStep{
			{Config: e.providerBlock() + gatedEnv("info", "")},
			{
				Config:      e.providerBlock() + gatedEnv("debug", ""),
				ExpectError: errorPattern(`is refused: outside the deploy window Mon,Tue,Wed,Thu,Fri 09:00–17:00 UTC \(it is Sat 10:00 there now\)`),
			},
			{
				// The refused change left Parameter Store as it was.
				Config: e.providerBlock() + gatedEnv("info", ""),
				Check:  e.checkParameters("/golive/shop/prod/", map[string]string{"/golive/shop/prod/vars/LOG_LEVEL": "String:info"}),
			},
		},
	})
}

func (e *testEnv) checkOverrideRecorded(env, reason string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		events, _, err := e.ledger.Events(context.Background(), ledger.EventQuery{Environment: env, Limit: 10})
		if err != nil {
			return err
		}
		for _, ev := range events {
			if ev.Kind == ledger.KindOverride {
				if ev.Reason != reason || ev.Actor != e.actorARN() {
					return fmt.Errorf("override event %+v: want reason %q by %s", ev, reason, e.actorARN())
				}
				return nil
			}
		}
		return fmt.Errorf("no override event in %v", events)
	}
}
