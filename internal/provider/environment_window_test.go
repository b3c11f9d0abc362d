package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// A ledger record written before deploy_window had enforce reads as
// enforce = "plan", the behaviour it was written under, and is no rule
// change next to a record that says so.
func TestDeployWindowRecordWithoutEnforce(t *testing.T) {
	old := &ledger.WindowRecord{Days: []string{"Mon"}, Start: "09:00", End: "17:00", Timezone: "UTC"}
	if got := windowObject(old).Attributes()["enforce"]; !got.Equal(types.StringValue("plan")) {
		t.Errorf("enforce of a record without it = %s, want \"plan\"", got)
	}
	withPlan, withApply := *old, *old
	withPlan.Enforce, withApply.Enforce = "plan", "apply"
	if got := ruleChanges(ledger.Environment{DeployWindow: old}, ledger.Environment{DeployWindow: &withPlan}); len(got) != 0 {
		t.Errorf("rule changes from no enforce to \"plan\": %v, want none", got)
	}
	if got := ruleChanges(ledger.Environment{DeployWindow: old}, ledger.Environment{DeployWindow: &withApply}); len(got) != 1 || got[0] != "deploy_window" {
		t.Errorf("rule changes from no enforce to \"apply\": %v, want [deploy_window]", got)
	}
	if got := windowObject(&withApply).Attributes()["enforce"]; !got.Equal(types.StringValue("apply")) {
		t.Errorf("enforce = %s, want \"apply\"", got)
	}
}
