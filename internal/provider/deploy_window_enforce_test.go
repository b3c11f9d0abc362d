package provider_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// enforcedEnv is a production environment open Mon-Fri 09:00-17:00 UTC,
// its window enforced as given ("" leaves the setting out).
func enforcedEnv(logLevel, enforce, extra string) string {
	setting := ""
	if enforce != "" {
		setting = fmt.Sprintf("\n    enforce = %q", enforce)
	}
	return fmt.Sprintf(`
resource "golive_environment" "prod" {
  application         = "shop"
  name                = "prod"
  tier                = "production"
  deletion_protection = false
  variables           = { LOG_LEVEL = %q }
  deploy_window {
    days  = ["Mon", "Tue", "Wed", "Thu", "Fri"]
    start = "09:00"
    end   = "17:00"%s
  }
  %s
}
`, logLevel, setting, extra)
}

func (e *testEnv) checkWindowEnforced(env, want string) resource.TestCheckFunc {
	return e.checkLedger(env, func(r *ledger.Environment) error {
		if r.DeployWindow == nil || r.DeployWindow.Enforce != want {
			return fmt.Errorf("deploy window of the ledger record %+v, want enforce %q", r.DeployWindow, want)
		}
		return nil
	})
}

// With enforce = "apply", a release planned outside the window (a pull
// request opened on a Saturday) plans with a warning on each resource and
// is refused at apply; inside the window it applies; a plan saved inside
// the window and applied outside it is refused; an override lets it
// through and is recorded.
func TestAccGuards_deployWindowEnforcedAtApply(t *testing.T) {
	e := newTestEnv(t)
	f := e.alb(t)
	fn, err := emulator.NewLambda(context.Background(), e.cfg, "worker")
	if err != nil {
		t.Fatal(err)
	}
	const saturday, tuesday = "2026-12-05T10:00:00Z", "2026-12-01T10:00:00Z"
	clock := &settableClock{}
	clock.set(t, saturday)
	warnings := &planWarnings{}
	at := func(when string) func() {
		return func() { clock.set(t, when); warnings.reset() }
	}
	release := func(logLevel string, blue, green int, envExtra, splitExtra string) string {
		return e.providerBlock() + enforcedEnv(logLevel, "apply", envExtra) + albSplit(f, blue, green, fastCanary+splitExtra) +
			lambdaDeployment("prod", fn.Function, "1.0.0", "1", "")
	}
	const summary = "outside shop/prod's deploy window"
	outside := "is outside the deploy window Mon,Tue,Wed,Thu,Fri 09:00–17:00 UTC (it is Sat 10:00 there now). The window is enforced at apply"
	unchanged := func() {
		mustPass(t, resource.ComposeTestCheckFunc(e.checkListener(f, 100, 0),
			e.checkParameters("/golive/shop/prod/", map[string]string{"/golive/shop/prod/vars/LOG_LEVEL": "String:info"})))
		if _, err := e.ledger.GetVerification(context.Background(), "shop/prod", "worker", "1.0.0"); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("the refused deployment was recorded: %v", err)
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: warnings.factories(clock.option()),
		CheckDestroy:             e.checkEnvironmentGone("shop/prod"),
		Steps: []resource.TestStep{
			{
				// Creating the environment and adopting the live weights
				// release nothing.
				PreConfig: at(saturday),
				Config:    e.providerBlock() + enforcedEnv("info", "apply", "") + albSplit(f, 100, 0, fastCanary),
				Check:     resource.ComposeTestCheckFunc(e.checkListener(f, 100, 0), e.checkWindowEnforced("shop/prod", "apply")),
			},
			{
				// Saturday: the plan goes through, each change warned...
				PreConfig:          at(saturday),
				Config:             release("debug", 0, 100, "", ""),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
					warnings.expect(summary, "changing the configuration of shop/prod (variables set: LOG_LEVEL) "+outside),
					warnings.expect(summary, "shifting traffic of shop/prod/api (green 0 → 100: 10% for 2s, 50% for 2s, then 100%) "+outside),
					warnings.expect(summary, "deploying worker@1.0.0 to shop/prod "+outside),
				}},
			},
			{
				// ... and its apply is refused.
				PreConfig:   at(saturday),
				Config:      release("debug", 0, 100, "", ""),
				ExpectError: errorPattern(`is refused: outside the deploy window Mon,Tue,Wed,Thu,Fri 09:00–17:00 UTC \(it is Sat 10:00 there now\)`),
			},
			{
				// Tuesday, inside the window: the same plan, no warning, applied.
				PreConfig:        func() { unchanged(); at(tuesday)() },
				Config:           release("debug", 0, 100, "", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{warnings.expect(summary)}},
				Check: resource.ComposeTestCheckFunc(
					e.checkListener(f, 0, 100),
					e.checkParameters("/golive/shop/prod/", map[string]string{"/golive/shop/prod/vars/LOG_LEVEL": "String:debug"}),
					e.checkVerification("shop/prod", "worker", "1.0.0", "verified"),
				),
			},
			{
				// Planned on Tuesday, applied on Saturday: refused at apply.
				PreConfig:        at(tuesday),
				Config:           release("info", 100, 0, "", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{setClock{t: t, clock: clock, to: saturday}}},
				ExpectError:      errorPattern(`is refused: outside the deploy window`),
			},
			{
				// Saturday with overrides: applied, and recorded.
				PreConfig: func() {
					mustPass(t, resource.ComposeTestCheckFunc(e.checkListener(f, 0, 100),
						e.checkParameters("/golive/shop/prod/", map[string]string{"/golive/shop/prod/vars/LOG_LEVEL": "String:debug"})))
					at(saturday)()
				},
				Config: release("info", 100, 0, overrideOf("weekend config INC-1"), overrideOf("weekend cutover INC-2")),
				Check: resource.ComposeTestCheckFunc(
					e.checkListener(f, 100, 0),
					e.checkParameters("/golive/shop/prod/", map[string]string{"/golive/shop/prod/vars/LOG_LEVEL": "String:info"}),
					e.checkOverrides("shop/prod", []overrideRecord{
						{service: "", reason: "weekend config INC-1", detail: "configuration change: variables set: LOG_LEVEL"},
						{service: "api", reason: "weekend cutover INC-2", detail: "traffic shift: blue 0 → 100"},
					}),
				),
			},
		},
	})
}

// enforce = "plan", written out, refuses at plan as a window without the
// setting does; switching it to "apply" is recorded in the ledger.
func TestAccEnvironment_deployWindowEnforcedAtPlan(t *testing.T) {
	e := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(fixedClock(t, "2026-12-05T10:00:00Z")), // a Saturday
		CheckDestroy:             e.checkEnvironmentGone("shop/prod"),
		Steps: []resource.TestStep{
			{
				Config: e.providerBlock() + enforcedEnv("info", "", ""),
				Check:  e.checkWindowEnforced("shop/prod", "plan"),
			},
			{
				Config:      e.providerBlock() + enforcedEnv("debug", "plan", ""),
				PlanOnly:    true,
				ExpectError: errorPattern(`changing the configuration of shop/prod \(variables set: LOG_LEVEL\) is refused: outside the deploy window`),
			},
			{
				// The setting alone changes no configuration: allowed.
				Config: e.providerBlock() + enforcedEnv("info", "apply", ""),
				Check: resource.ComposeTestCheckFunc(
					e.checkWindowEnforced("shop/prod", "apply"),
					e.checkParameters("/golive/shop/prod/", map[string]string{"/golive/shop/prod/vars/LOG_LEVEL": "String:info"}),
				),
			},
			{
				ResourceName:      "golive_environment.prod",
				ImportState:       true,
				ImportStateId:     "shop/prod",
				ImportStateVerify: true,
			},
		},
	})
}
