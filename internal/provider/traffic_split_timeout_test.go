package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

// splitTimeouts is a timeouts block with op set to v and the rest unset;
// no op gives no block at all.
func splitTimeouts(op string, v types.String) timeouts.Value {
	if op == "" {
		return timeouts.Value{Object: types.ObjectNull(timeoutsAttrTypes)}
	}
	values := map[string]attr.Value{"create": types.StringNull(), "read": types.StringNull(), "update": types.StringNull(), "delete": types.StringNull()}
	values[op] = v
	return timeouts.Value{Object: types.ObjectValueMust(timeoutsAttrTypes, values)}
}

func TestWarnCutoverOutlastsTimeout(t *testing.T) {
	canary := rollout.Strategy{CanarySteps: []int{10, 50}, Bake: 10 * time.Minute}
	healthz := []httpGateModel{{Timeout: types.StringValue("5s")}}
	threeSteps := make([]rollout.Weights, 3)
	for _, tc := range []struct {
		name     string
		strategy rollout.Strategy
		http     []httpGateModel
		timeouts timeouts.Value
		creating bool
		steps    []rollout.Weights
		known    bool
		want     []string // in the warning's detail; none: no warning
	}{
		{name: "within the default update timeout", strategy: canary, http: healthz, timeouts: splitTimeouts("", types.String{}), steps: threeSteps, known: true},
		{
			name: "over a declared update timeout", strategy: canary, http: healthz, timeouts: splitTimeouts("update", types.StringValue("20m")), steps: threeSteps, known: true,
			want: []string{
				"cutover can outlast the update timeout",
				"The cutover can take 3 steps: 2 bakes of 10m, plus up to 35s per step (30s of AWS calls and 5s of HTTP gate timeouts), about 21m45s in all.",
				"longer than the update timeout of 20m",
				`timeouts { update = "25m" }`,
			},
		},
		{
			// The cutover of a deployment created in the same apply: judged
			// on the most steps the canary can plan.
			name: "steps not known yet, create timeout", strategy: canary, timeouts: splitTimeouts("create", types.StringValue("20m")), creating: true,
			want: []string{"cutover can outlast the create timeout", "3 steps: 2 bakes of 10m, plus up to 30s per step (30s of AWS calls), about 21m30s", `timeouts { create = "25m" }`},
		},
		{
			name: "over the default timeout", strategy: rollout.Strategy{LinearIncrement: 20, Bake: 30 * time.Minute}, timeouts: splitTimeouts("", types.String{}),
			creating: true, steps: make([]rollout.Weights, 5), known: true,
			want: []string{"5 steps: 4 bakes of 30m", "about 2h2m30s in all", "create timeout of 1h", `create = "2h5m"`},
		},
		{name: "the update timeout does not judge a create", strategy: canary, timeouts: splitTimeouts("update", types.StringValue("1m")), creating: true, steps: threeSteps, known: true},
		{name: "one step has no bake", strategy: canary, timeouts: splitTimeouts("update", types.StringValue("1s")), steps: threeSteps[:1], known: true},
		{name: "no change", strategy: canary, timeouts: splitTimeouts("update", types.StringValue("1s")), known: true},
		{name: "timeout unknown at plan", strategy: canary, timeouts: splitTimeouts("update", types.StringUnknown()), steps: threeSteps, known: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var diags diagnostics
			plan := trafficSplitModel{Timeouts: tc.timeouts}
			warnCutoverOutlastsTimeout(context.Background(), plan, splitConfig{strategy: tc.strategy, http: tc.http}, tc.creating, tc.steps, tc.known, &diags)
			if diags.HasError() {
				t.Fatalf("errors: %v", diags)
			}
			if len(tc.want) == 0 {
				if len(diags) != 0 {
					t.Fatalf("want no warning, got %v", diags)
				}
				return
			}
			if len(diags) != 1 {
				t.Fatalf("want one warning, got %v", diags)
			}
			text := diags[0].Summary() + ": " + diags[0].Detail()
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("warning %q\nlacks %q", text, w)
				}
			}
		})
	}
}

// The timeouts block states each resource's defaults, the values its
// operations use.
func TestTimeoutsBlockStatesDefaults(t *testing.T) {
	for _, tc := range []struct {
		t    resourceTimeouts
		want []string
	}{
		{environmentTimeouts, []string{"create `20m`, update `20m`, read `20m`, delete `20m`"}},
		{deploymentTimeouts, []string{"create `30m`, update `30m`, read `20m`, delete `30m`"}},
		{trafficSplitTimeouts, []string{"create `1h`, update `1h`, read `20m`, delete `20m`"}},
	} {
		b := tc.t.block(context.Background())
		for _, w := range tc.want {
			if !strings.Contains(b.GetMarkdownDescription(), w) {
				t.Errorf("timeouts block says %q, want %q", b.GetMarkdownDescription(), w)
			}
		}
		for op, d := range map[string]time.Duration{"create": tc.t.create, "read": tc.t.read, "update": tc.t.update, "delete": tc.t.delete} {
			a := b.GetNestedObject().GetAttributes()[op]
			if want := "Default `" + rollout.ShortDuration(d) + "`."; !strings.Contains(a.GetMarkdownDescription(), want) || !strings.Contains(a.GetDescription(), want) {
				t.Errorf("timeouts.%s says %q, want %q", op, a.GetMarkdownDescription(), want)
			}
		}
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Hour: "1h", 90 * time.Minute: "1h30m", 20 * time.Minute: "20m", 12 * time.Hour: "12h", 35 * time.Second: "35s",
		21*time.Minute + 45*time.Second: "21m45s", 2*time.Hour + 2*time.Minute + 30*time.Second: "2h2m30s",
	} {
		if got := rollout.ShortDuration(d); got != want {
			t.Errorf("rollout.ShortDuration(%s) = %q, want %q", d, got, want)
		}
	}
}
