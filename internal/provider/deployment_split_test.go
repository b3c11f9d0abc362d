package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// Blue/green on ECS: two golive deployments own their services, a traffic
// split routes to them by deployment id, and golive_release follows the
// live slot.
func TestAccDeploymentAndSplit_blueGreenOnECS(t *testing.T) {
	e := newTestEnv(t)
	f := e.ecsFixture(t)
	alb := e.alb(t)
	cfg := e.providerBlock() + devEnv + testConfig(t, "main.tf")
	weights := func(blue, green int) config.Variables {
		return config.Variables{
			"cluster_arn":           config.StringVariable(f.cluster),
			"blue_task_definition":  config.StringVariable(f.revs[0]),
			"green_task_definition": config.StringVariable(f.revs[1]),
			"blue_target_group":     config.StringVariable(alb.Blue),
			"green_target_group":    config.StringVariable(alb.Green),
			"listener_arn":          config.StringVariable(alb.Listener),
			"blue_weight":           config.IntegerVariable(blue),
			"green_weight":          config.IntegerVariable(green),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy: resource.ComposeTestCheckFunc(
			e.checkECSService(f.cluster, "api-blue", ""), e.checkECSService(f.cluster, "api-green", "")),
		Steps: []resource.TestStep{
			{
				Config:          cfg,
				ConfigVariables: weights(100, 0),
				Check: resource.ComposeTestCheckFunc(
					e.checkECSService(f.cluster, "api-blue", f.revs[0]),
					e.checkECSService(f.cluster, "api-green", f.revs[1]),
					e.checkListener(alb, 100, 0),
				),
			},
			{
				Config:          cfg,
				ConfigVariables: weights(0, 100),
				Check: resource.ComposeTestCheckFunc(
					e.checkListener(alb, 0, 100),
					func(*terraform.State) error {
						rel, err := e.ledger.GetRelease(context.Background(), "shop/dev", "api")
						if err != nil {
							return err
						}
						if rel.LiveSlot != "green" {
							return fmt.Errorf("live slot %q, want green", rel.LiveSlot)
						}
						return nil
					},
				),
			},
			{
				// The data source reads after the cutover of the previous step.
				Config:          cfg,
				ConfigVariables: weights(0, 100),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.golive_release.api", tfjsonpath.New("slot"), knownvalue.StringExact("green")),
					statecheck.ExpectKnownValue("data.golive_release.api", tfjsonpath.New("idle_slot"), knownvalue.StringExact("blue")),
					statecheck.ExpectKnownValue("data.golive_release.api", tfjsonpath.New("version"), knownvalue.StringExact("2.0.0")),
					statecheck.ExpectKnownValue("data.golive_release.api", tfjsonpath.New("slots"), knownvalue.MapExact(map[string]knownvalue.Check{
						"blue": knownvalue.StringExact("1.0.0"), "green": knownvalue.StringExact("2.0.0")})),
				},
			},
		},
	})
}
