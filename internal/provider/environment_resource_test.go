package provider_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// inWindow is a Wednesday 10:00 UTC: inside the tests' deploy windows and
// outside their freezes unless a test says otherwise.
const inWindow = "2026-12-02T10:00:00Z"

const basicEnv = `
resource "golive_environment" "test" {
  application   = "shop"
  name          = "staging"
  tier          = "staging"
  promotes_from = "dev"
  parity        = "warn"
  variables     = { LOG_LEVEL = "info", STATIC_PATH = "/static" }
  secrets_wo         = { DB_PASSWORD = "s3cret-v1" }
  secrets_wo_version = 1
  freeze {
    start  = "2026-12-24T00:00:00Z"
    end    = "2026-12-27T00:00:00Z"
    reason = "holiday freeze"
  }
  deploy_window {
    days     = ["Mon", "Tue", "Wed", "Thu"]
    start    = "09:00"
    end      = "16:00"
    timezone = "Europe/Berlin"
  }
  notify {
    webhook_url = "https://hooks.example.com/deploys"
  }
}
`

const updatedEnv = `
resource "golive_environment" "test" {
  application   = "shop"
  name          = "staging"
  tier          = "staging"
  promotes_from = "dev"
  parity        = "strict"
  variables     = { LOG_LEVEL = "debug", FEATURE_X = "on" }
  secrets_wo         = { DB_PASSWORD = "s3cret-v2", API_KEY = "k-2" }
  secrets_wo_version = 2
  deploy_window {
    days     = ["Mon", "Tue", "Wed", "Thu", "Fri"]
    start    = "08:00"
    end      = "18:00"
    timezone = "Europe/Berlin"
  }
}
`

func TestAccEnvironment_lifecycle(t *testing.T) {
	e := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(fixedClock(t, inWindow)),
		CheckDestroy:             e.checkEnvironmentGone("shop/staging"),
		Steps: []resource.TestStep{
			{
				Config: e.providerBlock() + basicEnv,
				Check: resource.ComposeTestCheckFunc(
					e.checkParameters("/golive/shop/staging/", map[string]string{
						"/golive/shop/staging/vars/LOG_LEVEL":      "String:info",
						"/golive/shop/staging/vars/STATIC_PATH":    "String:/static",
						"/golive/shop/staging/secrets/DB_PASSWORD": "SecureString:s3cret-v1",
					}),
					e.checkTag("/golive/shop/staging/vars/LOG_LEVEL", "managed-by", "golive-acctest"),
					e.checkLedger("shop/staging", func(r *ledger.Environment) error {
						if r.Tier != "staging" || r.PromotesFrom != "dev" || r.Parity != "warn" || r.DeletionProtection ||
							len(r.Freezes) != 1 || r.Freezes[0].Reason != "holiday freeze" ||
							r.DeployWindow == nil || r.DeployWindow.Timezone != "Europe/Berlin" ||
							r.Notify == nil || r.Notify.WebhookURL != "https://hooks.example.com/deploys" ||
							r.UpdatedBy != e.actorARN() {
							return fmt.Errorf("ledger record %+v", r)
						}
						return nil
					}),
					e.checkSecretNotInState("golive_environment.test", "s3cret-v1"),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("golive_environment.test", tfjsonpath.New("id"), knownvalue.StringExact("shop/staging")),
					statecheck.ExpectKnownValue("golive_environment.test", tfjsonpath.New("deletion_protection"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("golive_environment.test", tfjsonpath.New("secret_keys"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("DB_PASSWORD")})),
					statecheck.ExpectKnownValue("golive_environment.test", tfjsonpath.New("secrets_wo"), knownvalue.Null()),
				},
			},
			{
				ResourceName:      "golive_environment.test",
				ImportState:       true,
				ImportStateId:     "shop/staging",
				ImportStateVerify: true,
			},
			{
				Config: e.providerBlock() + updatedEnv,
				Check: resource.ComposeTestCheckFunc(
					e.checkParameters("/golive/shop/staging/", map[string]string{
						"/golive/shop/staging/vars/LOG_LEVEL":      "String:debug",
						"/golive/shop/staging/vars/FEATURE_X":      "String:on",
						"/golive/shop/staging/secrets/DB_PASSWORD": "SecureString:s3cret-v2",
						"/golive/shop/staging/secrets/API_KEY":     "SecureString:k-2",
					}),
					e.checkLedger("shop/staging", func(r *ledger.Environment) error {
						if r.Parity != "strict" || len(r.Freezes) != 0 || r.Notify != nil || len(r.DeployWindow.Days) != 5 {
							return fmt.Errorf("ledger record after update %+v", r)
						}
						return nil
					}),
					e.checkEvents("shop/staging", []string{ledger.KindEnvironmentUpdated, ledger.KindEnvironmentCreated}),
				),
			},
			{
				ResourceName:      "golive_environment.test",
				ImportState:       true,
				ImportStateId:     "shop/staging",
				ImportStateVerify: true,
			},
		},
	})
}

func TestAccEnvironment_driftKeyByKey(t *testing.T) {
	e := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(fixedClock(t, inWindow)),
		CheckDestroy:             e.checkEnvironmentGone("shop/staging"),
		Steps: []resource.TestStep{
			{Config: e.providerBlock() + basicEnv},
			{
				// Someone edits one variable and deletes the secret by hand.
				PreConfig: func() {
					e.putParameter("/golive/shop/staging/vars/LOG_LEVEL", "trace")
					e.deleteParameter("/golive/shop/staging/secrets/DB_PASSWORD")
				},
				Config:             e.providerBlock() + basicEnv,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				// Applying the unchanged configuration puts both back.
				Config: e.providerBlock() + basicEnv,
				Check: e.checkParameters("/golive/shop/staging/", map[string]string{
					"/golive/shop/staging/vars/LOG_LEVEL":      "String:info",
					"/golive/shop/staging/vars/STATIC_PATH":    "String:/static",
					"/golive/shop/staging/secrets/DB_PASSWORD": "SecureString:s3cret-v1",
				}),
			},
			{
				// A variable added by hand under the environment's path is drift too.
				PreConfig:          func() { e.putParameter("/golive/shop/staging/vars/ROGUE", "x") },
				Config:             e.providerBlock() + basicEnv,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

func TestAccEnvironment_deletionProtection(t *testing.T) {
	e := newTestEnv(t)
	prod := func(extra string) string {
		return e.providerBlock() + fmt.Sprintf(`
resource "golive_environment" "test" {
  application = "shop"
  name        = "prod"
  tier        = "production"
  variables   = { A = "1" }
  %s
}
`, extra)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             e.checkEnvironmentGone("shop/prod"),
		Steps: []resource.TestStep{
			{
				Config: prod(""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("golive_environment.test", tfjsonpath.New("deletion_protection"), knownvalue.Bool(true)),
				},
			},
			{
				Config:      prod(""),
				Destroy:     true,
				ExpectError: errorPattern(`(?s)deletion_protection = false.*terraform apply`),
			},
			{
				// Still there after the refused destroy.
				Config: prod(""),
				Check:  e.checkParameters("/golive/shop/prod/", map[string]string{"/golive/shop/prod/vars/A": "String:1"}),
			},
			{Config: prod("deletion_protection = false")},
		},
	})
}

func TestAccEnvironment_wrongAccountRefusedAtPlan(t *testing.T) {
	e := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: e.providerBlock() + `
resource "golive_environment" "test" {
  application    = "shop"
  name           = "prod"
  variables      = { A = "1" }
  aws_account_id = "999999999999"
}
`,
			PlanOnly:    true,
			ExpectError: errorPattern(fmt.Sprintf(`(?s)belongs to AWS account 999999999999, but the provider's.*credentials are for account %s`, e.account)),
		}},
		CheckDestroy: e.checkEnvironmentGone("shop/prod"),
	})
	if got := e.parameters("/golive/"); len(got) != 0 {
		t.Fatalf("created parameters: %v", sortedKeys(got))
	}
}

func TestAccEnvironment_rightAccountAccepted(t *testing.T) {
	e := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             e.checkEnvironmentGone("shop/dev"),
		Steps: []resource.TestStep{{
			Config: e.providerBlock() + fmt.Sprintf(`
resource "golive_environment" "test" {
  application    = "shop"
  name           = "dev"
  aws_account_id = %q
}
`, e.account),
			Check: e.checkLedger("shop/dev", func(r *ledger.Environment) error {
				if r.AWSAccountID != e.account || r.Tier != "development" || r.Parity != "off" {
					return fmt.Errorf("record %+v", r)
				}
				return nil
			}),
		}},
	})
}

func TestAccEnvironment_missingLedgerTable(t *testing.T) {
	e := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: e.providerBlock(`ledger_table = "no-such-table"`) + `
resource "golive_environment" "test" {
  application = "shop"
  name        = "dev"
  variables   = { A = "1" }
}
`,
			PlanOnly:    true,
			ExpectError: errorPattern(`(?s)table "no-such-table" does not exist in us-east-1.*modules/ledger`),
		}},
	})
	if got := e.parameters("/golive/"); len(got) != 0 {
		t.Fatalf("created parameters: %v", sortedKeys(got))
	}
}

func TestAccEnvironment_existingRecordMustBeImported(t *testing.T) {
	e := newTestEnv(t)
	if err := e.ledger.CreateEnvironment(context.Background(), ledger.Environment{Application: "shop", Name: "dev", Tier: "development", Parity: "off"}); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: e.providerBlock() + `
resource "golive_environment" "test" {
  application = "shop"
  name        = "dev"
}
`,
			PlanOnly:    true,
			ExpectError: errorPattern(`(?s)shop/dev already exists in the golive ledger.*terraform import`),
		}},
	})
}

// --- checks through the independent SDK clients ---

func (e *testEnv) checkParameters(prefix string, want map[string]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := e.parameters(prefix)
		if !reflect.DeepEqual(got, want) {
			return fmt.Errorf("parameters under %s:\n got  %v\n want %v", prefix, got, want)
		}
		return nil
	}
}

func (e *testEnv) checkTag(name, key, value string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		out, err := e.ssm.ListTagsForResource(context.Background(), &ssm.ListTagsForResourceInput{
			ResourceId: aws.String(name), ResourceType: ssmtypes.ResourceTypeForTaggingParameter,
		})
		if err != nil {
			return err
		}
		for _, tag := range out.TagList {
			if aws.ToString(tag.Key) == key && aws.ToString(tag.Value) == value {
				return nil
			}
		}
		return fmt.Errorf("parameter %s lacks tag %s=%s: %v", name, key, value, out.TagList)
	}
}

func (e *testEnv) checkLedger(id string, check func(*ledger.Environment) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		rec, err := e.ledger.GetEnvironment(context.Background(), id)
		if err != nil {
			return err
		}
		return check(rec)
	}
}

// checkEvents compares the kinds of the newest events, newest first, and
// checks every one names the test's assumed role as actor.
func (e *testEnv) checkEvents(env string, kinds []string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		events, _, err := e.ledger.Events(context.Background(), ledger.EventQuery{Environment: env, Limit: int32(len(kinds))})
		if err != nil {
			return err
		}
		var got []string
		for _, ev := range events {
			got = append(got, ev.Kind)
			if ev.Actor != e.actorARN() {
				return fmt.Errorf("event %s actor %q, want %q", ev.Kind, ev.Actor, e.actorARN())
			}
		}
		if !reflect.DeepEqual(got, kinds) {
			return fmt.Errorf("events of %s: got %v, want %v", env, got, kinds)
		}
		return nil
	}
}

func (e *testEnv) checkEnvironmentGone(id string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if _, err := e.ledger.GetEnvironment(context.Background(), id); !errors.Is(err, ledger.ErrNotFound) {
			return fmt.Errorf("ledger record of %s still there (%v)", id, err)
		}
		if got := e.parameters("/golive/" + id + "/"); len(got) != 0 {
			return fmt.Errorf("parameters of %s still there: %v", id, sortedKeys(got))
		}
		return nil
	}
}

func (e *testEnv) checkSecretNotInState(addr, secret string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		for k, v := range rs.Primary.Attributes {
			if strings.Contains(v, secret) {
				return fmt.Errorf("secret value found in state attribute %s", k)
			}
		}
		return nil
	}
}

func (e *testEnv) putParameter(name, value string) {
	e.t.Helper()
	_, err := e.ssm.PutParameter(context.Background(), &ssm.PutParameterInput{
		Name: aws.String(name), Value: aws.String(value), Type: ssmtypes.ParameterTypeString, Overwrite: aws.Bool(true),
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *testEnv) deleteParameter(name string) {
	e.t.Helper()
	if _, err := e.ssm.DeleteParameter(context.Background(), &ssm.DeleteParameterInput{Name: aws.String(name)}); err != nil {
		e.t.Fatal(err)
	}
}
