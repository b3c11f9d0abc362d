package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

// A cutover whose bakes and calls can outlast the update timeout is planned
// with a warning that names the figures and the timeouts block; it is a
// warning, so the apply goes ahead (and here, fast in the emulator, ends in
// time).
func TestAccTrafficSplit_timeoutWarning(t *testing.T) {
	e := newTestEnv(t)
	f := e.alb(t)
	warnings := &planWarnings{}
	const summary = "cutover can outlast the update timeout"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: warnings.factories(),
		CheckDestroy:             e.checkEnvironmentGone("shop/prod"),
		Steps: []resource.TestStep{
			{
				PreConfig: warnings.reset,
				Config:    e.providerBlock() + splitEnv + albSplit(f, 100, 0, fastCanary),
				Check:     e.checkListener(f, 100, 0),
			},
			{
				// 2 bakes of 2s and 3 steps of up to 30s of calls: 1m34s,
				// more than the minute allowed.
				PreConfig: warnings.reset,
				Config:    e.providerBlock() + splitEnv + albSplit(f, 0, 100, fastCanary+"\n  timeouts {\n    update = \"1m\"\n  }\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{warnings.expect(summary,
					"The cutover can take 3 steps: 2 bakes of 2s, plus up to 30s per step (30s of AWS calls), about 1m34s in all.",
					"longer than the update timeout of 1m", `timeouts { update = "5m" }`)}},
				Check: e.checkListener(f, 0, 100),
			},
			{
				// The same cutover back, under the default hour: no warning.
				PreConfig: warnings.reset,
				Config:    e.providerBlock() + splitEnv + albSplit(f, 100, 0, fastCanary),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("golive_traffic_split.api", plancheck.ResourceActionUpdate),
					warnings.expect(summary),
				}},
				Check: e.checkListener(f, 100, 0),
			},
		},
	})
}
