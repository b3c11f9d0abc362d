package provider_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
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
	cfg := e.providerBlock() + devEnv + testConfig(t, "main.tf")
	weights := func(blue, green int) config.Variables {
		return config.Variables{
			"function_name": config.StringVariable(fn.Function),
			"blue_weight":   config.IntegerVariable(blue),
			"green_weight":  config.IntegerVariable(green),
		}
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
				Config:          cfg,
				ConfigVariables: weights(100, 0),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue("golive_traffic_split.api", tfjsonpath.New("planned_steps")),
				}},
			},
			{
				// The data source reads after the previous step's apply.
				PreConfig:         alias("1"),
				Config:            cfg,
				ConfigVariables:   weights(100, 0),
				ConfigStateChecks: release("blue", "1.0.0"),
			},
			{Config: cfg, ConfigVariables: weights(0, 100)},
			{PreConfig: alias("2"), Config: cfg, ConfigVariables: weights(0, 100), ConfigStateChecks: release("green", "2.0.0")},
		},
	})
}
