package provider

import (
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/policy"
)

// checkReleaseSchedule applies an environment's freezes and deploy window to
// a change (`what`, e.g. "shifting traffic of shop/prod/api") at a stage:
// the plan, or the apply. Inside a freeze or outside the window it adds an
// error at `at`, unless override is set: then it warns and returns the
// override, which the caller records. A window enforced at apply only
// warns at plan.
func checkReleaseSchedule(now time.Time, stage policy.Stage, env ledger.Environment, override, what, resource string, at path.Path, diags *diag.Diagnostics) string {
	var freezes []policy.Freeze
	for _, f := range env.Freezes {
		if fr, err := policy.ParseFreeze(f.Start, f.End, f.Reason); err == nil {
			freezes = append(freezes, fr)
		}
	}
	var window *policy.DeployWindow
	if w := env.DeployWindow; w != nil {
		if dw, errs := policy.ParseDeployWindow(w.Days, w.Start, w.End, w.Timezone); len(errs) == 0 {
			dw.Enforce = w.EnforcedAt()
			window = &dw
		}
	}
	v := policy.CheckSchedule(now, stage, freezes, window)
	switch {
	case v == nil:
		return ""
	case override != "":
		diags.AddWarning("release gate overridden",
			fmt.Sprintf("%s is %s; proceeding because of override %q, which is recorded in the ledger with your identity", what, v.Reason, override))
		return override
	case v.Deferred:
		diags.AddAttributeWarning(at, "outside "+env.ID()+"'s deploy window",
			fmt.Sprintf("%s is %s. The window is enforced at apply (deploy_window.enforce = \"apply\"), so this plan can be reviewed, "+
				"but applying it outside the window will be refused: apply inside the window, or add override { reason = \"...\" } to the %s.", what, v.Reason, resource))
		return ""
	}
	diags.AddAttributeError(at, "release refused by "+env.ID()+"'s schedule",
		fmt.Sprintf("%s is refused: %s. Apply after the window, or add override { reason = \"...\" } "+
			"to the %s to proceed anyway (the reason and your identity are recorded in the ledger).", what, v.Reason, resource))
	return ""
}
