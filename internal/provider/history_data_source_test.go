package provider_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

func TestAccHistoryDataSource_pagesNewestFirst(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	// 120 seeded events: api on even minutes, web on odd ones.
	for i := 0; i < 120; i++ {
		svc := "api"
		if i%2 == 1 {
			svc = "web"
		}
		_, err := e.ledger.RecordEvent(ctx, ledger.Event{Environment: "shop/prod", Service: svc, Kind: ledger.KindDeploymentVerified,
			Version: fmt.Sprintf("1.0.%d", i), Outcome: "succeeded", Actor: "arn:aws:sts::1:assumed-role/ci/x", At: base.Add(time.Duration(i) * time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
	}
	var next string
	captureNext := func(s *terraform.State) error {
		next = s.RootModule().Resources["data.golive_history.page1"].Primary.Attributes["next"]
		if next == "" {
			return fmt.Errorf("page 1 has no next cursor")
		}
		return nil
	}
	page1 := `
data "golive_history" "page1" {
  environment = "shop/prod"
  limit       = 50
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{
				Config: e.providerBlock() + page1,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.golive_history.page1", tfjsonpath.New("events"), knownvalue.ListSizeExact(50)),
					statecheck.ExpectKnownValue("data.golive_history.page1", tfjsonpath.New("events").AtSliceIndex(0).AtMapKey("version"), knownvalue.StringExact("1.0.119")),
					statecheck.ExpectKnownValue("data.golive_history.page1", tfjsonpath.New("events").AtSliceIndex(49).AtMapKey("version"), knownvalue.StringExact("1.0.70")),
					statecheck.ExpectKnownValue("data.golive_history.page1", tfjsonpath.New("events").AtSliceIndex(0).AtMapKey("at"), knownvalue.StringExact("2026-11-01T01:59:00Z")),
				},
				Check: captureNext,
			},
			{
				Config: e.providerBlock() + page1 + `
data "golive_history" "page2" {
  environment = "shop/prod"
  limit       = 50
  after       = data.golive_history.page1.next
}

data "golive_history" "web" {
  environment = "shop/prod"
  service     = "web"
  limit       = 3
}

data "golive_history" "last" {
  environment = "shop/prod"
  limit       = 1000
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.golive_history.page2", tfjsonpath.New("events").AtSliceIndex(0).AtMapKey("version"), knownvalue.StringExact("1.0.69")),
					statecheck.ExpectKnownValue("data.golive_history.web", tfjsonpath.New("events"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"version": knownvalue.StringExact("1.0.119"), "service": knownvalue.StringExact("web")}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"version": knownvalue.StringExact("1.0.117")}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"version": knownvalue.StringExact("1.0.115")}),
					})),
					statecheck.ExpectKnownValue("data.golive_history.last", tfjsonpath.New("events"), knownvalue.ListSizeExact(120)),
					statecheck.ExpectKnownValue("data.golive_history.last", tfjsonpath.New("next"), knownvalue.Null()),
				},
			},
		},
	})
}
