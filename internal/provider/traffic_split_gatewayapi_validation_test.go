package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

func gatewayBlock(body string) string {
	return "\n  gateway_api {\n" + body + "\n  }"
}

var webRoute = gatewayBlock(`    namespace = "shop"
    route     = "web"`)

// gatewayBadInput: each must fail at plan, naming the attribute, before
// golive reads anything from Kubernetes or AWS.
var gatewayBadInput = []struct{ name, body, want string }{
	{"namespace with capitals", gatewayBlock(`    namespace = "Shop"
    route     = "web"`) + dest("stable", "web-stable", 100), `gateway_api\[0\].namespace must be a Kubernetes namespace: lowercase letters, digits and '-'`},
	{"namespace too long", gatewayBlock(fmt.Sprintf("    namespace = %q\n    route = \"web\"", strings.Repeat("a", 64))) + dest("stable", "web-stable", 100),
		`gateway_api\[0\].namespace string length must be between 1 and 63`},
	{"route not a Kubernetes name", gatewayBlock(`    namespace = "shop"
    route     = "web_route"`) + dest("stable", "web-stable", 100), `gateway_api\[0\].route must be a Kubernetes object name`},
	{"rule past the Gateway API's 16", gatewayBlock(`    namespace = "shop"
    route     = "web"
    rule      = 16`) + dest("stable", "web-stable", 100), `gateway_api\[0\].rule value must be between 0 and 15, got: 16`},
	{"negative rule", gatewayBlock(`    namespace = "shop"
    route     = "web"
    rule      = -1`) + dest("stable", "web-stable", 100), `gateway_api\[0\].rule value must be between 0 and 15, got: -1`},
	{"port out of range", gatewayBlock(`    namespace = "shop"
    route     = "web"
    port      = 70000`) + dest("stable", "web-stable", 100), `gateway_api\[0\].port value must be between 1 and 65535`},
	{"target not a Service name", webRoute + dest("stable", "Web_Stable", 100), `destination\[0\].target must be the name of a Service in the route's namespace`},
	{"target a target group ARN", webRoute + dest("stable", tgA, 100), `destination\[0\].target must be the name of a Service`},
	{"deployment as destination", webRoute + `
  destination {
    name       = "stable"
    deployment = "shop/prod/web/blue"
    weight     = 100
  }`, `destination\[0\] \(stable\): a gateway_api split routes to Kubernetes Services; set target = "<service name>" instead of deployment`},
	{"two routers", webRoute + albBlock + dest("stable", "web-stable", 100), `a traffic split needs exactly one of the blocks alb, lambda_alias, route53 and gateway_api; this one has 2`},
	{"route missing", gatewayBlock(`    namespace = "shop"`) + dest("stable", "web-stable", 100), `The argument "route" is required`},
}

func TestAccTrafficSplit_gatewayAPIBadInputRejectedAtPlan(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	for _, tc := range gatewayBadInput {
		t.Run(tc.name, func(t *testing.T) {
			cfg := e.providerBlock() + `
resource "golive_traffic_split" "web" {
  environment = "shop/prod"
  service     = "web"
` + tc.body + `
}
`
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(),
				Steps:                    []resource.TestStep{{Config: cfg, PlanOnly: true, ExpectError: errorPattern(tc.want)}},
			})
		})
	}
}

// kubernetesBadInput: the provider's kubernetes block, judged at plan.
var kubernetesBadInput = []struct{ name, block, want string }{
	{"host not a URL", `host = "api.example.com"`, `kubernetes\[0\].host.*is not an absolute http:// or https:// URL`},
	{"CA not PEM", `
    host                   = "https://k8s.example.com"
    cluster_ca_certificate = "LS0tLS1CRUdJTi..."`, `cluster_ca_certificate must be a PEM certificate \(-----BEGIN CERTIFICATE-----\), e.g. base64decode`},
	{"client certificate without key", `
    host               = "https://k8s.example.com"
    client_certificate = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"`, `client_key.*must be specified when.*client_certificate`},
	{"client key not PEM", `
    host               = "https://k8s.example.com"
    client_certificate = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    client_key         = "secret"`, `client_key must be a PEM private key`},
	{"empty config_path", `config_path = ""`, `kubernetes\[0\].config_path string length must be at least 1`},
	{"two kubernetes blocks", "}\n  kubernetes {\n", `kubernetes list must contain at most 1 elements`},
}

func TestAccProvider_kubernetesBadInputRejectedAtPlan(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	for _, tc := range kubernetesBadInput {
		t.Run(tc.name, func(t *testing.T) {
			cfg := e.providerBlock("  kubernetes {\n"+tc.block+"\n  }") + splitEnv
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(),
				Steps:                    []resource.TestStep{{Config: cfg, PlanOnly: true, ExpectError: errorPattern(tc.want)}},
			})
		})
	}
}

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
