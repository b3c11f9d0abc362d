package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// An apply whose context ends mid-bake (here its update timeout, as a CI
// job's timeout or Ctrl-C would) puts the weights back and frees the lock.
func TestAccTrafficSplit_interruptedMidBakeRollsBack(t *testing.T) {
	e := newTestEnv(t)
	f := e.alb(t)
	slow := `
  strategy {
    canary {
      steps = [10, 50]
      bake  = "1m"
    }
  }
  timeouts {
    update = "4s"
  }
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{Config: e.providerBlock() + splitEnv + albSplit(f, 100, 0, slow)},
			{
				Config:      e.providerBlock() + splitEnv + albSplit(f, 0, 100, slow),
				ExpectError: errorPattern(`at step 1 of 3: interrupted: the timeout of this change ran out \(raise it in the resource's timeouts block\): context deadline exceeded; traffic rolled back to blue=100 green=0`),
			},
			{
				// Checked before this step's plan: terraform-plugin-testing does
				// not run Check on PlanOnly steps.
				PreConfig: func() {
					mustPass(t, resource.ComposeTestCheckFunc(
						e.checkListener(f, 100, 0),
						e.checkLockFree("shop/prod", "api"),
						e.checkEventKinds("shop/prod", "api", []string{ledger.KindRolledBack, ledger.KindTrafficStep, ledger.KindCutoverStarted}),
					))
				},
				Config:             e.providerBlock() + splitEnv + albSplit(f, 0, 100, slow),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

const frozenEnv = `
resource "golive_environment" "prod" {
  application         = "shop"
  name                = "prod"
  tier                = "production"
  deletion_protection = false
  freeze {
    start  = "2026-12-24T00:00:00Z"
    end    = "2026-12-27T00:00:00Z"
    reason = "holiday freeze"
  }
}
`

func TestAccTrafficSplit_freezeRefusesCutoverUnlessOverridden(t *testing.T) {
	e := newTestEnv(t)
	f := e.alb(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(fixedClock(t, "2026-12-25T10:00:00Z")),
		Steps: []resource.TestStep{
			{Config: e.providerBlock() + frozenEnv + albSplit(f, 100, 0, fastCanary)}, // no cutover: allowed
			{
				Config:      e.providerBlock() + frozenEnv + albSplit(f, 0, 100, fastCanary),
				ExpectError: errorPattern(`shifting traffic of shop/prod/api \(green 0 → 100: 10% for 2s, 50% for 2s, then 100%\) is refused: inside freeze window "holiday freeze"`),
			},
			{
				Config: e.providerBlock() + frozenEnv + albSplit(f, 0, 100, fastCanary+`
  override {
    reason = "hotfix INC-1234"
  }
`),
				Check: resource.ComposeTestCheckFunc(
					e.checkListener(f, 0, 100),
					e.checkOverrideRecorded("shop/prod", "hotfix INC-1234"),
				),
			},
		},
	})
}
