package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// A configuration with a kubernetes block that no split uses needs no
// cluster: nothing reads the (missing) kubeconfig.
func TestAccProvider_kubernetesBlockUnusedNeedsNoCluster(t *testing.T) {
	e := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: e.providerBlock("  kubernetes {\n    config_path = \"/nonexistent/kubeconfig\"\n  }") + splitEnv,
		}},
	})
}

// A gateway_api split whose kubeconfig cannot be read fails at plan,
// saying which setting to fix.
func TestAccTrafficSplit_gatewayAPIKubeconfigMissing(t *testing.T) {
	e := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: e.providerBlock("  kubernetes {\n    config_path = \"/nonexistent/kubeconfig\"\n  }") + splitEnv + `
resource "golive_traffic_split" "web" {
  environment = golive_environment.prod.id
  service     = "web"
` + webRoute + dest("stable", "web-stable", 100) + `
}
`,
			ExpectError: errorPattern(`configuring the Kubernetes client \(provider kubernetes block\): reading kubeconfig /nonexistent/kubeconfig \(config_path\)`),
		}},
	})
}
