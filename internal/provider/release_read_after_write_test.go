package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
)

// Refresh reads are shared per environment (read_cache.go). In one apply,
// a golive_release read before a deployment is created (it waits only for
// the environment) and one read after it (depends_on the deployment) must
// each see the ledger as it is at their read: the deployment's write makes
// the provider forget what the first read cached.
func TestAccRelease_readAfterWriteInOneApplySeesTheWrite(t *testing.T) {
	e := newTestEnv(t)
	fn, err := emulator.NewLambda(context.Background(), e.cfg, "api")
	if err != nil {
		t.Fatal(err)
	}
	config := e.providerBlock() + devEnv + fmt.Sprintf(`
data "golive_release" "before" {
  environment = golive_environment.dev.id
  service     = "api"
}

resource "golive_deployment" "blue" {
  environment = golive_environment.dev.id
  service     = "api"
  version     = "1.0.0"
  slot        = "blue"
  lambda {
    function_name = %q
    version       = "1"
  }
  # Created after the first read.
  depends_on = [data.golive_release.before]
}

data "golive_release" "after" {
  environment = golive_environment.dev.id
  service     = "api"
  depends_on  = [golive_deployment.blue]
}
`, fn.Function)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.golive_release.before", tfjsonpath.New("slots"), knownvalue.MapExact(map[string]knownvalue.Check{})),
				statecheck.ExpectKnownValue("data.golive_release.after", tfjsonpath.New("slots"),
					knownvalue.MapExact(map[string]knownvalue.Check{"blue": knownvalue.StringExact("1.0.0")})),
			},
		}},
	})
}
