package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// A deployment's plan reads its environment's record from the ledger. A
// record that is not there and a read that fails are different problems
// and are told apart: the second must not send the user looking for a
// missing golive_environment.
func TestAccEnvironmentLookup_missingRecordAndFailedReadToldApart(t *testing.T) {
	e := newTestEnv(t)
	const deployment = `
resource "golive_deployment" "worker" {
  environment = "shop/nowhere"
  service     = "worker"
  version     = "1.0.0"
  lambda {
    function_name = "worker"
    version       = "1"
  }
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{
				Config:      e.providerBlock() + deployment,
				PlanOnly:    true,
				ExpectError: errorPattern(`unknown environment .* environment shop/nowhere is not in the golive ledger: declare it with golive_environment`),
			},
			{
				// A ledger table that does not exist: the read fails.
				Config:      e.providerBlock(`ledger_table = "no-such-ledger"`) + deployment,
				PlanOnly:    true,
				ExpectError: errorPattern(`reading environment shop/nowhere from the ledger failed .* no-such-ledger`),
			},
		},
	})
}
