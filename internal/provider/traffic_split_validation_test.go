package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

const tgA = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/a/1"
const tgB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/b/2"

func dest(name, target string, weight int) string {
	return fmt.Sprintf(`
  destination {
    name   = %q
    target = %q
    weight = %d
  }`, name, target, weight)
}

const albBlock = `
  alb {
    listener_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/1/2"
  }`

// splitBadInput: each must fail at plan, naming the attribute, before any
// AWS call is made.
var splitBadInput = []struct{ name, body, want string }{
	{"weights not summing to 100", albBlock + dest("blue", tgA, 60) + dest("green", tgB, 60), `the destination weights sum to 120; they are percentages and must sum to 100`},
	{"negative weight", albBlock + dest("blue", tgA, -10) + dest("green", tgB, 110), `Attribute destination\[0\].weight value must be between 0 and 100`},
	{"weight over 100", albBlock + dest("blue", tgA, 0) + dest("green", tgB, 101), `Attribute destination\[1\].weight value must be between 0 and 100`},
	{"duplicate names", albBlock + dest("blue", tgA, 50) + dest("blue", tgB, 50), `destination\[1\].name "blue" is also destination\[0\].name`},
	{"both deployment and target", albBlock + `
  destination {
    name       = "blue"
    target     = "` + tgA + `"
    deployment = "shop/prod/api/blue"
    weight     = 100
  }`, `destination\[0\] \(blue\) needs exactly one of deployment .* and target`},
	{"neither deployment nor target", albBlock + `
  destination {
    name   = "blue"
    weight = 100
  }`, `destination\[0\] \(blue\) needs exactly one of deployment`},
	{"canary steps not increasing", albBlock + dest("blue", tgA, 0) + dest("green", tgB, 100) + `
  strategy {
    canary {
      steps = [50, 10]
      bake  = "1m"
    }
  }`, `canary.steps\[1\] = 10 is not greater than canary.steps\[0\] = 50`},
	{"canary step out of range", albBlock + dest("blue", tgA, 0) + dest("green", tgB, 100) + `
  strategy {
    canary {
      steps = [0, 100]
      bake  = "1m"
    }
  }`, `canary.steps\[0\] = 0: each step is a percentage from 1 to 99`},
	{"linear increment out of range", albBlock + dest("blue", tgA, 0) + dest("green", tgB, 100) + `
  strategy {
    linear {
      increment = 100
      interval  = "1m"
    }
  }`, `Attribute strategy\[0\].linear\[0\].increment value must be between 1 and 99`},
	{"bake that does not parse", albBlock + dest("blue", tgA, 0) + dest("green", tgB, 100) + `
  strategy {
    canary {
      steps = [10]
      bake  = "five minutes"
    }
  }`, `strategy\[0\].canary\[0\].bake: "five minutes" is not a duration`},
	{"poll interval that does not parse", albBlock + dest("blue", tgA, 0) + dest("green", tgB, 100) + `
  rollback {
    poll_interval = "10"
  }`, `rollback\[0\].poll_interval: "10" is not a duration`},
	{"both canary and linear", albBlock + dest("blue", tgA, 0) + dest("green", tgB, 100) + `
  strategy {
    canary {
      steps = [10]
      bake  = "1m"
    }
    linear {
      increment = 10
      interval  = "1m"
    }
  }`, `strategy needs exactly one block: canary .* or linear`},
	{"strategy without canary or linear", albBlock + dest("blue", tgA, 0) + dest("green", tgB, 100) + `
  strategy {
  }`, `strategy needs exactly one block: canary .* or linear`},
	{"three weighted versions on a Lambda alias", `
  lambda_alias {
    function_name = "api"
    alias         = "live"
  }` + dest("a", "1", 40) + dest("b", "2", 30) + dest("c", "3", 30), `3 destinations have weight; a Lambda alias routes to at most two versions`},
	{"route53 without ttl", `
  route53 {
    zone_id = "Z123"
    name    = "api.example.com"
    type    = "CNAME"
  }` + dest("blue", "blue.example.com", 100), `The argument "ttl" is required`},
	{"no router", dest("blue", tgA, 100), `needs exactly one of the blocks alb, lambda_alias, route53 and gateway_api; this one has 0`},
	{"two routers", albBlock + `
  lambda_alias {
    function_name = "api"
    alias         = "live"
  }` + dest("blue", tgA, 100), `this one has 2`},
	{"alb with listener and rule", `
  alb {
    listener_arn = "arn:l"
    rule_arn     = "arn:r"
  }` + dest("blue", tgA, 100), `alb: set listener_arn .* or rule_arn .* not both and not neither`},
	{"bad body regex", albBlock + dest("blue", tgA, 100) + `
  rollback {
    http {
      url        = "https://api.example.com/healthz"
      body_regex = "ok("
    }
  }`, `rollback\[0\].http\[0\].body_regex: error parsing regexp`},
	{"bad gate URL", albBlock + dest("blue", tgA, 100) + `
  rollback {
    http {
      url = "api.example.com/healthz"
    }
  }`, `is not an absolute http:// or https:// URL`},
}

func TestAccTrafficSplit_badInputRejectedAtPlan(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	for _, tc := range splitBadInput {
		t.Run(tc.name, func(t *testing.T) {
			cfg := e.providerBlock() + `
resource "golive_traffic_split" "api" {
  environment = "shop/prod"
  service     = "api"
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
