package provider_test

import (
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// expectCutover checks the plan of the split at address: its planned_steps,
// each step the weights of the destinations from and to, and its cutover
// summary.
func expectCutover(address, from, to string, steps [][2]int64, summary string) []plancheck.PlanCheck {
	planned := make([]knownvalue.Check, 0, len(steps))
	for _, s := range steps {
		planned = append(planned, knownvalue.MapExact(map[string]knownvalue.Check{from: knownvalue.Int64Exact(s[0]), to: knownvalue.Int64Exact(s[1])}))
	}
	return []plancheck.PlanCheck{
		plancheck.ExpectKnownValue(address, tfjsonpath.New("planned_steps"), knownvalue.ListExact(planned)),
		plancheck.ExpectKnownValue(address, tfjsonpath.New("cutover"), knownvalue.StringExact(summary)),
	}
}
