package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
)

// Blue/green on Lambda: two deployments adopt published versions, a split
// over them creates the alias, and golive_release reports each slot's
// version and destination (its Lambda version), which is what a module
// needs to keep the live slot where it is.
func TestAccRelease_lambdaSlotDestinations(t *testing.T) {
	e := newTestEnv(t)
	fn, err := emulator.NewLambda(context.Background(), e.cfg, "api")
	if err != nil {
		t.Fatal(err)
	}
	cfg := func(blue, green int) string {
		return e.providerBlock() + devEnv + fmt.Sprintf(`
resource "golive_deployment" "blue" {
  environment = golive_environment.dev.id
  service     = "api"
  version     = "1.0.0"
  slot        = "blue"
  lambda {
    function_name = %[1]q
    version       = "1"
  }
}

resource "golive_deployment" "green" {
  environment = golive_environment.dev.id
  service     = "api"
  version     = "2.0.0"
  slot        = "green"
  lambda {
    function_name = %[1]q
    version       = "2"
  }
}

resource "golive_traffic_split" "api" {
  environment = golive_environment.dev.id
  service     = "api"
  lambda_alias {
    function_name = %[1]q
    alias         = "stable"
  }
  destination {
    name       = "blue"
    deployment = golive_deployment.blue.id
    weight     = %[2]d
  }
  destination {
    name       = "green"
    deployment = golive_deployment.green.id
    weight     = %[3]d
  }
}

data "golive_release" "api" {
  environment = golive_environment.dev.id
  service     = "api"
  depends_on  = [golive_traffic_split.api]
}
`, fn.Function, blue, green)
	}
	release := func(slot, version string) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.golive_release.api", tfjsonpath.New("slot"), knownvalue.StringExact(slot)),
			statecheck.ExpectKnownValue("data.golive_release.api", tfjsonpath.New("version"), knownvalue.StringExact(version)),
			statecheck.ExpectKnownValue("data.golive_release.api", tfjsonpath.New("slots"), knownvalue.MapExact(map[string]knownvalue.Check{
				"blue": knownvalue.StringExact("1.0.0"), "green": knownvalue.StringExact("2.0.0")})),
			statecheck.ExpectKnownValue("data.golive_release.api", tfjsonpath.New("destinations"), knownvalue.MapExact(map[string]knownvalue.Check{
				"blue": knownvalue.StringExact("1"), "green": knownvalue.StringExact("2")})),
		}
	}
	alias := func(primary string) func() {
		return func() {
			p, add, err := emulator.AliasRouting(context.Background(), e.cfg, fn.Function, "stable")
			if err != nil || p != primary || len(add) != 0 {
				t.Fatalf("alias stable routes %s + %v (err %v), want all on version %s", p, add, err, primary)
			}
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{Config: e.providerBlock() + devEnv},
			{
				// The deployments are created in this apply, so the plan
				// cannot key live weights by them yet: the steps are
				// unknown until apply, not an error.
				Config: cfg(100, 0),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue("golive_traffic_split.api", tfjsonpath.New("planned_steps")),
				}},
			},
			{
				// The data source reads after the previous step's apply.
				PreConfig:         alias("1"),
				Config:            cfg(100, 0),
				ConfigStateChecks: release("blue", "1.0.0"),
			},
			{Config: cfg(0, 100)},
			{PreConfig: alias("2"), Config: cfg(0, 100), ConfigStateChecks: release("green", "2.0.0")},
		},
	})
}
