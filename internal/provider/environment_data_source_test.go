package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccEnvironmentDataSource_readsAnotherStacksEnvironment(t *testing.T) {
	e := newTestEnv(t)
	ds := "data.golive_environment.staging"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(fixedClock(t, inWindow)),
		CheckDestroy:             e.checkEnvironmentGone("shop/staging"),
		Steps: []resource.TestStep{
			{Config: e.providerBlock() + basicEnv},
			{
				Config: e.providerBlock() + basicEnv + `
data "golive_environment" "staging" {
  id = golive_environment.test.id
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("tier"), knownvalue.StringExact("staging")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("promotes_from"), knownvalue.StringExact("dev")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("variables"), knownvalue.MapExact(map[string]knownvalue.Check{
						"LOG_LEVEL": knownvalue.StringExact("info"), "STATIC_PATH": knownvalue.StringExact("/static"),
					})),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("secret_keys"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("DB_PASSWORD")})),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("freeze").AtSliceIndex(0).AtMapKey("reason"), knownvalue.StringExact("holiday freeze")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("deploy_window").AtMapKey("timezone"), knownvalue.StringExact("Europe/Berlin")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("deploy_window").AtMapKey("enforce"), knownvalue.StringExact("plan")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("notify").AtMapKey("webhook_url"), knownvalue.StringExact("https://hooks.example.com/deploys")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("updated_by"), knownvalue.StringExact(e.actorARN())),
				},
			},
		},
	})
}

func TestAccEnvironmentDataSource_unknownEnvironment(t *testing.T) {
	e := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config:      e.providerBlock() + `data "golive_environment" "x" { id = "shop/nowhere" }`,
			ExpectError: errorPattern(`environment shop/nowhere is not in the golive ledger table golive-ledger`),
		}, {
			Config:      e.providerBlock() + `data "golive_environment" "x" { id = "shop" }`,
			ExpectError: errorPattern(`must be <application>/<name>`),
		}},
	})
}
