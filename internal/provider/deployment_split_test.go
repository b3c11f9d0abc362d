package provider_test

import (
	"context"
	"fmt"
	"testing"

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
	slot := func(name string, rev int, tg string) string {
		return fmt.Sprintf(`
resource "golive_deployment" "api_%[1]s" {
  environment = golive_environment.dev.id
  service     = "api"
  version     = "%[2]d.0.0"
  slot        = %[1]q
  ecs {
    cluster_arn         = %[3]q
    task_definition_arn = %[4]q
    launch_type         = "EC2"
    load_balancer {
      target_group_arn = %[5]q
      container_name   = "api"
      container_port   = 8080
    }
  }
}
`, name, rev, f.cluster, f.revs[rev-1], tg)
	}
	split := func(blue, green int) string {
		return fmt.Sprintf(`
resource "golive_traffic_split" "api" {
  environment = golive_environment.dev.id
  service     = "api"
  alb {
    listener_arn = %q
  }
  destination {
    name       = "blue"
    deployment = golive_deployment.api_blue.id
    weight     = %d
  }
  destination {
    name       = "green"
    deployment = golive_deployment.api_green.id
    weight     = %d
  }
  strategy {
    canary {
      steps = [50]
      bake  = "1s"
    }
  }
}

data "golive_release" "api" {
  environment = golive_environment.dev.id
  service     = "api"
  depends_on  = [golive_traffic_split.api]
}
`, alb.Listener, blue, green)
	}
	cfg := func(blue, green int) string {
		return e.providerBlock() + devEnv + slot("blue", 1, alb.Blue) + slot("green", 2, alb.Green) + split(blue, green)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy: resource.ComposeTestCheckFunc(
			e.checkECSService(f.cluster, "api-blue", ""), e.checkECSService(f.cluster, "api-green", "")),
		Steps: []resource.TestStep{
			{
				Config: cfg(100, 0),
				Check: resource.ComposeTestCheckFunc(
					e.checkECSService(f.cluster, "api-blue", f.revs[0]),
					e.checkECSService(f.cluster, "api-green", f.revs[1]),
					e.checkListener(alb, 100, 0),
				),
			},
			{
				Config: cfg(0, 100),
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
				Config: cfg(0, 100),
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
