package provider_test

import "strings"

func gatewayBlock(body string) string {
	return "\n  gateway_api {\n" + body + "\n  }"
}

var webRoute = gatewayBlock("    namespace = \"shop\"\n    route     = \"web\"")

// gatewayAPIBadInputs: the gateway_api router and the provider's
// kubernetes block, refused at plan before golive reads anything from
// Kubernetes or changes anything in AWS.
func gatewayAPIBadInputs(e *testEnv) []badInput {
	onRoute := func(extra string) string {
		return split(gatewayBlock("    namespace = \"shop\"\n    route     = \"web\"\n"+extra) + dest("stable", "web-stable", 100))
	}
	kube := func(body string) string { return e.providerBlock("  kubernetes {\n" + body + "\n  }") }
	cert := `"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"`
	return []badInput{
		{name: "gateway_api namespace with capitals", config: split(gatewayBlock("    namespace = \"Shop\"\n    route = \"web\"") + dest("stable", "web-stable", 100)),
			attr: `Attribute gateway_api\[0\]\.namespace`, fix: `must be a Kubernetes namespace: lowercase letters, digits and '-'`},
		{name: "gateway_api namespace of 64 characters", config: split(gatewayBlock("    namespace = \""+strings.Repeat("a", 64)+"\"\n    route = \"web\"") + dest("stable", "web-stable", 100)),
			attr: `Attribute gateway_api\[0\]\.namespace string length`, fix: `must be between 1 and 63`},
		{name: "gateway_api route with an underscore", config: split(gatewayBlock("    namespace = \"shop\"\n    route = \"web_route\"") + dest("stable", "web-stable", 100)),
			attr: `Attribute gateway_api\[0\]\.route`, fix: `must be a Kubernetes object name`},
		{name: "gateway_api rule 16", config: onRoute("    rule = 16"),
			attr: `Attribute gateway_api\[0\]\.rule value`, fix: `must be between 0 and 15, got: 16`},
		{name: "gateway_api negative rule", config: onRoute("    rule = -1"),
			attr: `Attribute gateway_api\[0\]\.rule value`, fix: `must be between 0 and 15, got: -1`},
		{name: "gateway_api port 70000", config: onRoute("    port = 70000"),
			attr: `Attribute gateway_api\[0\]\.port value`, fix: `must be between 1 and 65535`},
		{name: "gateway_api target not a Service name", config: split(webRoute + dest("stable", "Web_Stable", 100)),
			attr: `Attribute destination\[0\]\.target`, fix: `must be the name of a Service in the route's namespace`},
		{name: "gateway_api target a target group ARN", config: split(webRoute + dest("stable", tgA, 100)),
			attr: `Attribute destination\[0\]\.target`, fix: `must be the name of a Service`},
		{name: "gateway_api deployment as destination", config: split(webRoute + deploymentDest("stable", "shop/prod/api/blue")),
			attr: `destination\[0\] \(stable\)`, fix: `a gateway_api split routes to Kubernetes Services; set target = "<service name>" instead of deployment`},
		{name: "gateway_api beside alb", config: split(webRoute + albBlock + dest("stable", "web-stable", 100)),
			attr: `exactly one router`, fix: `exactly one of the blocks alb, lambda_alias, route53 and gateway_api; this one has 2`},
		{name: "kubernetes host not a URL", provider: kube(`    host = "api.example.com"`), config: validEnvironment,
			attr: `kubernetes\[0\]\.host`, fix: `is not an absolute http:// or https:// URL`},
		{name: "kubernetes CA not PEM", provider: kube("    host = \"https://k8s.example.com\"\n    cluster_ca_certificate = \"LS0tLS1CRUdJTi...\""), config: validEnvironment,
			attr: `Attribute kubernetes\[0\]\.cluster_ca_certificate`, fix: `must be a PEM certificate \(-----BEGIN CERTIFICATE-----\), e.g. base64decode`},
		{name: "kubernetes client certificate without key", provider: kube("    host = \"https://k8s.example.com\"\n    client_certificate = " + cert), config: validEnvironment,
			attr: `kubernetes\[0\]\.client_key`, fix: `must be specified when .*client_certificate.* is specified`},
		{name: "kubernetes client key not PEM", provider: kube("    host = \"https://k8s.example.com\"\n    client_certificate = " + cert + "\n    client_key = \"secret\""), config: validEnvironment,
			attr: `Attribute kubernetes\[0\]\.client_key`, fix: `must be a PEM private key`},
		{name: "kubernetes empty config_path", provider: kube(`    config_path = ""`), config: validEnvironment,
			attr: `Attribute kubernetes\[0\]\.config_path string length`, fix: `must be at least 1`},
	}
}
