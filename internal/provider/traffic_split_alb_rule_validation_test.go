package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// Each must fail at plan, naming the attribute, before any AWS call.
func TestAccTrafficSplit_albRuleBadInputRejectedAtPlan(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	const listener = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/1/2"
	for _, tc := range []struct{ name, alb, want string }{
		{"no condition", `listener_arn = "` + listener + `"
    rule {
      priority = 100
    }`, `listener rule without a condition.*alb.rule needs at least one condition: path_patterns .* or host_headers`},
		{"empty conditions", `listener_arn = "` + listener + `"
    rule {
      priority      = 100
      path_patterns = []
      host_headers  = []
    }`, `alb.rule needs at least one condition`},
		{"too many condition values", `listener_arn = "` + listener + `"
    rule {
      priority      = 100
      path_patterns = ["/a", "/b", "/c", "/d"]
      host_headers  = ["a.example.com", "b.example.com"]
    }`, `alb.rule has 4 path_patterns and 2 host_headers; AWS allows at most 5 condition values per rule`},
		{"rule_arn with a rule block", `listener_arn = "` + listener + `"
    rule_arn     = "arn:r"
    rule {
      priority      = 100
      path_patterns = ["/*"]
    }`, `rule_arn with a rule block.*with a rule block the split creates the rule and rule_arn is its ARN, computed`},
		{"rule block without listener_arn", `rule {
      priority      = 100
      path_patterns = ["/*"]
    }`, `alb.rule needs listener_arn.*a rule block creates the rule on listener_arn`},
		{"priority out of range", `listener_arn = "` + listener + `"
    rule {
      priority      = 0
      path_patterns = ["/*"]
    }`, `Attribute alb\[0\].rule\[0\].priority value must be between 1 and 50000`},
		{"path pattern with a space", `listener_arn = "` + listener + `"
    rule {
      priority      = 100
      path_patterns = ["/a b"]
    }`, `Attribute alb\[0\].rule\[0\].path_patterns\[0\] must be 1-128 characters`},
		{"host header with a slash", `listener_arn = "` + listener + `"
    rule {
      priority     = 100
      host_headers = ["api.example.com/x"]
    }`, `Attribute alb\[0\].rule\[0\].host_headers\[0\] must be 1-128 characters: letters, digits, - \.`},
		{"two rule blocks", `listener_arn = "` + listener + `"
    rule {
      priority      = 100
      path_patterns = ["/a"]
    }
    rule {
      priority      = 101
      path_patterns = ["/b"]
    }`, `alb\[0\].rule list must contain at most 1 elements`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := e.providerBlock() + `
resource "golive_traffic_split" "api" {
  environment = "shop/prod"
  service     = "api"
  alb {
    ` + tc.alb + `
  }
` + dest("blue", tgA, 100) + `
}
`
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(),
				Steps:                    []resource.TestStep{{Config: cfg, PlanOnly: true, ExpectError: errorPattern(tc.want)}},
			})
		})
	}
}
