package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

// cutoverEstimate is how long a planned cutover can take, in the figures
// the plan's warning names.
type cutoverEstimate struct {
	steps int
	bake  time.Duration
	check time.Duration // the HTTP gates' timeouts, checked in turn
	total time.Duration
}

func estimateCutover(c splitConfig, steps int) cutoverEstimate {
	var check time.Duration
	for _, h := range c.http {
		d, err := time.ParseDuration(h.Timeout.ValueString())
		if err != nil {
			d = defaultHTTPGateTimeout
		}
		check += d
	}
	return cutoverEstimate{steps: steps, bake: c.strategy.Bake, check: check, total: c.strategy.Duration(steps, check)}
}

// defaultHTTPGateTimeout is the rollback http gate's timeout when none is
// set (the schema's default).
const defaultHTTPGateTimeout = 5 * time.Second

// warnCutoverOutlastsTimeout warns when the cutover this plan starts can
// take longer than the create or update timeout, which would end it midway
// (and golive would roll it back). While the steps are not known (the live
// weights of a deployment created in the same apply), it judges the most
// steps the strategy can plan.
func warnCutoverOutlastsTimeout(ctx context.Context, plan trafficSplitModel, c splitConfig, creating bool, planned []rollout.Weights, known bool, diags *diagnostics) {
	steps := len(planned)
	if !known {
		steps = c.strategy.MaxSteps()
	}
	op, timeoutOf, def := "update", plan.Timeouts.Update, trafficSplitTimeouts.update
	if creating {
		op, timeoutOf, def = "create", plan.Timeouts.Create, trafficSplitTimeouts.create
	}
	if raw := plan.Timeouts.Attributes()[op]; raw != nil && raw.IsUnknown() {
		return
	}
	timeout, d := timeoutOf(ctx, def)
	if d.HasError() {
		return // the timeouts block's validator reports it
	}
	e := estimateCutover(c, steps)
	if steps < 2 || e.total <= timeout {
		return
	}
	diags.AddAttributeWarning(path.Root("timeouts"), "cutover can outlast the "+op+" timeout", e.explain(op, timeout))
}

func (e cutoverEstimate) explain(op string, timeout time.Duration) string {
	suggest := (e.total + 5*time.Minute).Truncate(5 * time.Minute)
	calls := fmt.Sprintf("%s of AWS calls", rollout.ShortDuration(rollout.StepCalls))
	if e.check > 0 {
		calls += fmt.Sprintf(" and %s of HTTP gate timeouts", rollout.ShortDuration(e.check))
	}
	return fmt.Sprintf("The cutover can take %d steps: %d bakes of %s, plus up to %s per step (%s), about %s in all. "+
		"That is longer than the %s timeout of %s: when it runs out, golive stops the cutover, rolls the traffic back and the apply fails. "+
		"Raise it in the resource's timeouts block, e.g. timeouts { %s = %q }, or shorten the bake.",
		e.steps, e.steps-1, rollout.ShortDuration(e.bake), rollout.ShortDuration(e.check+rollout.StepCalls), calls, rollout.ShortDuration(e.total.Round(time.Second)),
		op, rollout.ShortDuration(timeout), op, rollout.ShortDuration(suggest))
}
