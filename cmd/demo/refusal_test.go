package main

import (
	"strings"
	"testing"
)

// As terraform plan -no-color prints it, wrapped.
const promotionRefusal = `
Planning failed. Terraform encountered an error while generating this plan.


Error: version not verified upstream

  with module.service["prod"].golive_deployment.slot["green"],
  on ../../modules/ecs-service/main.tf line 120, in resource "golive_deployment" "slot":
 120:   version     = each.value.version

api@2.0.0 may enter shop/prod only after it is verified in shop/staging
(promotes_from), but it was never deployed to shop/staging. Deploy and verify
it in shop/staging first, or add override { reason = "..." } (recorded in the
ledger).
`

func TestRefusedByPromotionGate(t *testing.T) {
	if err := refusedByPromotionGate(promotionRefusal, "api", "2.0.0", "shop/prod", "shop/staging"); err != nil {
		t.Fatalf("the promotion gate's refusal was not recognised: %v", err)
	}
	for _, tc := range []struct{ name, output, want string }{
		{"another error", strings.Replace(promotionRefusal, "version not verified upstream", "Invalid reference", 1), `failed with "Invalid reference"`},
		{"another error besides", promotionRefusal + "\nError: reading the live weights of shop/prod/api\n\nconnection refused\n", `failed with "reading the live weights of shop/prod/api"`},
		{"another version", strings.Replace(promotionRefusal, "api@2.0.0", "api@1.0.0", 1), `does not say "api@2.0.0 may enter`},
		{"no diagnostic", "exit status 1", "without an error diagnostic"},
	} {
		err := refusedByPromotionGate(tc.output, "api", "2.0.0", "shop/prod", "shop/staging")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error with %q", tc.name, err, tc.want)
		}
	}
}
