package provider_test

// The guards suite fills the gaps the resource tests leave, so that every
// guard refuses on every resource it applies to, and every override records
// its reason and its actor (the STS caller ARN) in the ledger. Where each
// guard is tested:
//
//   - wrong account (aws_account_id; only golive_environment has it, and a
//     deployment or split run with another account's credentials sees that
//     account's ledger, where the environment does not exist):
//     new environment refused at plan — TestAccEnvironment_wrongAccountRefusedAtPlan;
//     right account accepted — TestAccEnvironment_rightAccountAccepted;
//     an existing environment planned with another account's credentials —
//     TestAccGuards_wrongAccountCredentialsForExistingEnvironment.
//   - deletion protection (golive_environment): destroy refused —
//     TestAccEnvironment_deletionProtection; replacement refused —
//     TestAccGuards_protectedEnvironmentNotReplaced.
//   - freeze windows: environment change refused, override recorded —
//     TestAccEnvironment_freezeRefusesChangeUnlessOverridden; deployment —
//     TestAccDeployment_freezeRefusesAtPlan; traffic split —
//     TestAccTrafficSplit_freezeRefusesCutoverUnlessOverridden; a saved plan
//     made before a freeze and applied inside it, for all three —
//     TestAccGuards_freezeCheckedAgainAtApply.
//   - deploy window: environment — TestAccEnvironment_deployWindowRefusesOutside;
//     deployment and traffic split, and overrides of all three with reason,
//     actor and service — TestAccGuards_deployWindowRefusesDeploymentAndSplit;
//     enforce = "apply" (planned with a warning outside the window, refused at
//     apply, applied inside it, overridden) — TestAccGuards_deployWindowEnforcedAtApply;
//     enforce = "plan" written out — TestAccEnvironment_deployWindowEnforcedAtPlan.
//   - promotion gate (golive_deployment): never deployed upstream refused,
//     override recorded, parity — TestAccDeployment_promotionParityFreezeAndOverride;
//     failed upstream after the plan was saved —
//     TestAccGuards_promotionCheckedAgainAtApply.

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/provider"
)

func TestAccGuards_wrongAccountCredentialsForExistingEnvironment(t *testing.T) {
	e := newTestEnv(t)
	other := newTestEnv(t) // the account the wrong credentials are for
	env := fmt.Sprintf(`
resource "golive_environment" "prod" {
  application         = "shop"
  name                = "prod"
  tier                = "production"
  deletion_protection = false
  variables           = { LOG_LEVEL = "info" }
  aws_account_id      = %q
}
`, e.account)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             e.checkEnvironmentGone("shop/prod"),
		Steps: []resource.TestStep{
			{Config: e.providerBlock() + env},
			{
				// The same configuration run with another account's
				// credentials (a CI job with the wrong profile): refresh
				// finds nothing there, and the guard refuses to create it.
				Config:      other.providerBlock() + env,
				ExpectError: errorPattern(fmt.Sprintf(`environment shop/prod belongs to AWS account %s, but the provider's credentials are for account %s`, e.account, other.account)),
			},
			{
				PreConfig: func() {
					if got := other.parameters("/golive/"); len(got) != 0 {
						t.Errorf("parameters created in the wrong account: %v", sortedKeys(got))
					}
					if _, err := other.ledger.GetEnvironment(context.Background(), "shop/prod"); !errors.Is(err, ledger.ErrNotFound) {
						t.Errorf("environment record in the wrong account's ledger: %v", err)
					}
				},
				Config: e.providerBlock() + env,
				Check: resource.ComposeTestCheckFunc(
					e.checkParameters("/golive/shop/prod/", map[string]string{"/golive/shop/prod/vars/LOG_LEVEL": "String:info"}),
					e.checkEvents("shop/prod", []string{ledger.KindEnvironmentCreated}),
				),
			},
		},
	})
}

func TestAccGuards_protectedEnvironmentNotReplaced(t *testing.T) {
	e := newTestEnv(t)
	env := func(name, extra string) string {
		return e.providerBlock() + fmt.Sprintf(`
resource "golive_environment" "prod" {
  application = "shop"
  name        = %q
  tier        = "production"
  variables   = { LOG_LEVEL = "info" }
  %s
}
`, name, extra)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             e.checkEnvironmentGone("shop/prod"),
		Steps: []resource.TestStep{
			{Config: env("prod", "")},
			{
				// Renaming replaces, and replacing destroys first.
				Config:      env("production", ""),
				ExpectError: errorPattern(`this change replaces the environment, which destroys it first. environment shop/prod has deletion_protection enabled`),
			},
			{
				PreConfig: func() {
					if _, err := e.ledger.GetEnvironment(context.Background(), "shop/production"); !errors.Is(err, ledger.ErrNotFound) {
						t.Errorf("the replacement was created: %v", err)
					}
				},
				Config: env("prod", "deletion_protection = false"),
				Check: resource.ComposeTestCheckFunc(
					e.checkParameters("/golive/shop/prod/", map[string]string{"/golive/shop/prod/vars/LOG_LEVEL": "String:info"}),
					e.checkLedger("shop/prod", func(r *ledger.Environment) error {
						if r.DeletionProtection {
							return fmt.Errorf("record still protected: %+v", r)
						}
						return nil
					}),
				),
			},
		},
	})
}

// windowedEnv is a production environment open Mon-Fri 09:00-17:00 UTC,
// its window enforced by default.
func windowedEnv(logLevel, extra string) string {
	return enforcedEnv(logLevel, "", extra)
}

func overrideOf(reason string) string {
	return fmt.Sprintf("\n  override {\n    reason = %q\n  }\n", reason)
}

func TestAccGuards_deployWindowRefusesDeploymentAndSplit(t *testing.T) {
	e := newTestEnv(t)
	f := e.alb(t)
	fn, err := emulator.NewLambda(context.Background(), e.cfg, "worker")
	if err != nil {
		t.Fatal(err)
	}
	outside := `is refused: outside the deploy window Mon,Tue,Wed,Thu,Fri 09:00–17:00 UTC \(it is Sat 10:00 there now\)`
	resource.ParallelTest(t, resource.TestCase{
		// Saturday 5 December, 10:00 UTC.
		ProtoV6ProviderFactories: factories(fixedClock(t, "2026-12-05T10:00:00Z")),
		CheckDestroy:             e.checkEnvironmentGone("shop/prod"),
		Steps: []resource.TestStep{
			// Creating the environment and adopting the live weights
			// change no release: allowed.
			{Config: e.providerBlock() + windowedEnv("info", "") + albSplit(f, 100, 0, fastCanary)},
			{
				Config: e.providerBlock() + windowedEnv("info", "") + albSplit(f, 100, 0, fastCanary) +
					lambdaDeployment("prod", fn.Function, "1.0.0", "1", ""),
				ExpectError: errorPattern(`deploying worker@1.0.0 to shop/prod ` + outside),
			},
			{
				Config:      e.providerBlock() + windowedEnv("info", "") + albSplit(f, 0, 100, fastCanary),
				ExpectError: errorPattern(`shifting traffic of shop/prod/api \(green 0 → 100: 10% for 2s, 50% for 2s, then 100%\) ` + outside),
			},
			{
				PreConfig: func() {
					mustPass(t, e.checkListener(f, 100, 0))
					if _, err := e.ledger.GetVerification(context.Background(), "shop/prod", "worker", "1.0.0"); !errors.Is(err, ledger.ErrNotFound) {
						t.Errorf("the refused deployment was recorded: %v", err)
					}
				},
				// Each resource overridden with its own reason.
				Config: e.providerBlock() + windowedEnv("debug", overrideOf("weekend config INC-7")) +
					albSplit(f, 0, 100, fastCanary+overrideOf("weekend cutover INC-8")) +
					lambdaDeployment("prod", fn.Function, "1.0.0", "1", overrideOf("weekend hotfix INC-9")),
				Check: resource.ComposeTestCheckFunc(
					e.checkListener(f, 0, 100),
					e.checkVerification("shop/prod", "worker", "1.0.0", "verified"),
					e.checkParameters("/golive/shop/prod/", map[string]string{"/golive/shop/prod/vars/LOG_LEVEL": "String:debug"}),
					e.checkOverrides("shop/prod", []overrideRecord{
						{service: "", reason: "weekend config INC-7", detail: "configuration change: variables set: LOG_LEVEL"},
						{service: "api", reason: "weekend cutover INC-8", detail: "traffic shift: green 0 → 100"},
						{service: "worker", reason: "weekend hotfix INC-9", detail: "schedule gate of deployment shop/prod/worker"},
					}),
				),
			},
		},
	})
}

// settableClock is a provider clock a test moves between steps, and between
// the plan and the apply of a step (with setClock as a PreApply plan check).
type settableClock struct{ at atomic.Int64 }

func (c *settableClock) set(t *testing.T, rfc3339 string) {
	t.Helper()
	ts, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		t.Fatal(err)
	}
	c.at.Store(ts.UnixNano())
}

func (c *settableClock) option() provider.Option {
	return provider.WithClock(func() time.Time { return time.Unix(0, c.at.Load()).UTC() })
}

// setClock is a plan check that moves the clock: it runs after the plan is
// saved and before Terraform applies it.
type setClock struct {
	t     *testing.T
	clock *settableClock
	to    string
}

func (s setClock) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	s.clock.set(s.t, s.to)
}

// An (automated) pipeline saves its plan before a freeze and applies it
// after the freeze began: each resource refuses at apply, and nothing
// changes.
func TestAccGuards_freezeCheckedAgainAtApply(t *testing.T) {
	e := newTestEnv(t)
	f := e.alb(t)
	fn, err := emulator.NewLambda(context.Background(), e.cfg, "worker")
	if err != nil {
		t.Fatal(err)
	}
	const before, inside = "2026-12-23T12:00:00Z", "2026-12-25T12:00:00Z"
	clock := &settableClock{}
	clock.set(t, before)
	env := func(logLevel string) string {
		return fmt.Sprintf(`
resource "golive_environment" "prod" {
  application         = "shop"
  name                = "prod"
  tier                = "production"
  deletion_protection = false
  variables           = { LOG_LEVEL = %q }
  freeze {
    start  = "2026-12-24T00:00:00Z"
    end    = "2026-12-27T00:00:00Z"
    reason = "holiday freeze"
  }
}
`, logLevel)
	}
	cfg := func(logLevel, version, lambdaVersion string, blue, green int) string {
		return e.providerBlock() + env(logLevel) + albSplit(f, blue, green, fastCanary) +
			lambdaDeployment("prod", fn.Function, version, lambdaVersion, "")
	}
	freezeBegins := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{setClock{t: t, clock: clock, to: inside}}}
	refused := `is refused: inside freeze window "holiday freeze" from 2026-12-24T00:00:00Z to 2026-12-27T00:00:00Z`
	beforeFreeze := func(checks ...resource.TestCheckFunc) func() {
		return func() {
			clock.set(t, before)
			mustPass(t, resource.ComposeTestCheckFunc(checks...))
		}
	}
	unchanged := []resource.TestCheckFunc{
		e.checkParameters("/golive/shop/prod/", map[string]string{"/golive/shop/prod/vars/LOG_LEVEL": "String:info"}),
		e.checkListener(f, 100, 0),
		e.checkReleaseSlot("shop/prod", "worker", "1.0.0"),
		e.checkLockFree("shop/prod", "api"),
		e.checkLockFree("shop/prod", "worker"),
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(clock.option()),
		CheckDestroy:             e.checkEnvironmentGone("shop/prod"),
		Steps: []resource.TestStep{
			{Config: cfg("info", "1.0.0", "1", 100, 0)},
			{
				PreConfig:        beforeFreeze(unchanged...),
				Config:           cfg("debug", "1.0.0", "1", 100, 0),
				ConfigPlanChecks: freezeBegins,
				ExpectError:      errorPattern(`changing the configuration of shop/prod \(variables set: LOG_LEVEL\) ` + refused),
			},
			{
				PreConfig:        beforeFreeze(unchanged...),
				Config:           cfg("info", "1.0.1", "2", 100, 0),
				ConfigPlanChecks: freezeBegins,
				ExpectError:      errorPattern(`deploying worker@1.0.1 to shop/prod ` + refused),
			},
			{
				PreConfig:        beforeFreeze(unchanged...),
				Config:           cfg("info", "1.0.0", "1", 0, 100),
				ConfigPlanChecks: freezeBegins,
				ExpectError:      errorPattern(`shifting traffic of shop/prod/api \(green 0 → 100: 10% for 2s, 50% for 2s, then 100%\) ` + refused),
			},
			{
				// Nothing of the three refused applies happened or was
				// recorded as if it had.
				PreConfig: beforeFreeze(append(unchanged, func(*terraform.State) error {
					if _, err := e.ledger.GetVerification(context.Background(), "shop/prod", "worker", "1.0.1"); !errors.Is(err, ledger.ErrNotFound) {
						return fmt.Errorf("the refused deployment was recorded: %v", err)
					}
					return nil
				}, e.checkEventKinds("shop/prod", "api", nil))...),
				Config: cfg("info", "1.0.0", "1", 100, 0),
			},
		},
	})
}

// A plan saved while staging had verified the version, applied after the
// version failed there: the promotion gate refuses at apply.
func TestAccGuards_promotionCheckedAgainAtApply(t *testing.T) {
	e := newTestEnv(t)
	fn, err := emulator.NewLambda(context.Background(), e.cfg, "worker")
	if err != nil {
		t.Fatal(err)
	}
	envs := fmt.Sprintf(stagingProd, "off", "")
	staging := lambdaDeployment("staging", fn.Function, "1.0.0", "1", "")
	revoke := plancheckFunc(func() {
		ctx := context.Background()
		v, err := e.ledger.GetVerification(ctx, "shop/staging", "worker", "1.0.0")
		if err != nil {
			t.Fatal(err)
		}
		v.Status, v.VerifiedAt = "failed", time.Time{}
		if err := e.ledger.PutVerification(ctx, *v); err != nil {
			t.Fatal(err)
		}
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(fixedClock(t, inWindow)),
		Steps: []resource.TestStep{
			{
				Config: e.providerBlock() + envs + staging,
				Check:  e.checkVerification("shop/staging", "worker", "1.0.0", "verified"),
			},
			{
				Config:           e.providerBlock() + envs + staging + lambdaDeployment("prod", fn.Function, "1.0.0", "1", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{revoke}},
				ExpectError:      errorPattern(`worker@1.0.0 may enter shop/prod only after it is verified in shop/staging \(promotes_from\), but its latest deployment to shop/staging is failed`),
			},
			{
				PreConfig: func() {
					if _, err := e.ledger.GetVerification(context.Background(), "shop/prod", "worker", "1.0.0"); !errors.Is(err, ledger.ErrNotFound) {
						t.Errorf("the refused promotion was recorded: %v", err)
					}
					mustPass(t, e.checkLockFree("shop/prod", "worker"))
				},
				// Refused at plan as well, now that staging says failed.
				Config:      e.providerBlock() + envs + staging + lambdaDeployment("prod", fn.Function, "1.0.0", "1", ""),
				PlanOnly:    true,
				ExpectError: errorPattern(`but its latest deployment to shop/staging is failed`),
			},
		},
	})
}

type plancheckFunc func()

func (f plancheckFunc) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	f()
}

// overrideRecord is an override event expected in the ledger.
type overrideRecord struct{ service, reason, detail string }

// checkOverrides wants exactly these override events in env, each with the
// test's STS caller as actor and a detail that starts as given.
func (e *testEnv) checkOverrides(env string, want []overrideRecord) resource.TestCheckFunc {
	return func(*terraform.State) error {
		events, _, err := e.ledger.Events(context.Background(), ledger.EventQuery{Environment: env, Limit: 100})
		if err != nil {
			return err
		}
		var got []overrideRecord
		for _, ev := range events {
			if ev.Kind != ledger.KindOverride {
				continue
			}
			if ev.Actor != e.actorARN() || ev.Outcome != "allowed" {
				return fmt.Errorf("override event %+v: want actor %s, outcome allowed", ev, e.actorARN())
			}
			got = append(got, overrideRecord{ev.Service, ev.Reason, ev.Detail})
		}
		sort.Slice(got, func(i, j int) bool { return got[i].service < got[j].service })
		if len(got) != len(want) {
			return fmt.Errorf("override events %+v, want %+v", got, want)
		}
		for i := range want {
			if got[i].service != want[i].service || got[i].reason != want[i].reason || !strings.HasPrefix(got[i].detail, want[i].detail) {
				return fmt.Errorf("override event %+v, want %+v", got[i], want[i])
			}
		}
		return nil
	}
}

// checkReleaseSlot wants the version recorded in the service's release.
func (e *testEnv) checkReleaseSlot(env, service, version string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		rel, err := e.ledger.GetRelease(context.Background(), env, service)
		if err != nil {
			return err
		}
		for slot, s := range rel.Slots {
			if s.Version != version {
				return fmt.Errorf("release of %s/%s: slot %s holds %s, want %s", env, service, slot, s.Version, version)
			}
		}
		if len(rel.Slots) != 1 {
			return fmt.Errorf("release of %s/%s has slots %v, want one with %s", env, service, rel.Slots, version)
		}
		return nil
	}
}
