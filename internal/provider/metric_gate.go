package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/float64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
	"github.com/golive-dev/terraform-provider-golive/internal/verify"
)

// defaultConfidence is mann_whitney's default confidence.
const defaultConfidence = 0.95

// metricModel is a `metric` block of a split's rollback or a deployment's
// verify.
type metricModel struct {
	Name     types.String  `tfsdk:"name"`
	Query    types.List    `tfsdk:"query"`
	Value    types.String  `tfsdk:"value"`
	Period   types.String  `tfsdk:"period"`
	Window   types.String  `tfsdk:"window"`
	Min      types.Float64 `tfsdk:"min"`
	Max      types.Float64 `tfsdk:"max"`
	NoData   types.String  `tfsdk:"no_data"`
	Baseline types.List    `tfsdk:"baseline"`
}

type metricQueryModel struct {
	ID         types.String `tfsdk:"id"`
	Namespace  types.String `tfsdk:"namespace"`
	MetricName types.String `tfsdk:"metric_name"`
	Dimensions types.Map    `tfsdk:"dimensions"`
	Stat       types.String `tfsdk:"stat"`
}

type metricBaselineModel struct {
	Dimensions  types.Map     `tfsdk:"dimensions"`
	MaxRatio    types.Float64 `tfsdk:"max_ratio"`
	MannWhitney types.List    `tfsdk:"mann_whitney"`
}

type mannWhitneyModel struct {
	Confidence types.Float64 `tfsdk:"confidence"`
	MinSamples types.Int64   `tfsdk:"min_samples"`
}

var (
	mannWhitneyAttrTypes = map[string]attr.Type{"confidence": types.Float64Type, "min_samples": types.Int64Type}
	metricQueryAttrTypes = map[string]attr.Type{"id": types.StringType, "namespace": types.StringType, "metric_name": types.StringType,
		"dimensions": types.MapType{ElemType: types.StringType}, "stat": types.StringType}
	metricBaselineAttrTypes = map[string]attr.Type{"dimensions": types.MapType{ElemType: types.StringType}, "max_ratio": types.Float64Type,
		"mann_whitney": types.ListType{ElemType: types.ObjectType{AttrTypes: mannWhitneyAttrTypes}}}
	metricAttrTypes = map[string]attr.Type{"name": types.StringType, "value": types.StringType, "period": types.StringType,
		"window": types.StringType, "min": types.Float64Type, "max": types.Float64Type, "no_data": types.StringType,
		"query":    types.ListType{ElemType: types.ObjectType{AttrTypes: metricQueryAttrTypes}},
		"baseline": types.ListType{ElemType: types.ObjectType{AttrTypes: metricBaselineAttrTypes}}}
	metricListType = types.ListType{ElemType: types.ObjectType{AttrTypes: metricAttrTypes}}
)

// metricBlock is the schema of `metric` blocks; where says when they are
// checked, for the description.
func metricBlock(where string) schema.ListNestedBlock {
	dims := func(desc string) schema.MapAttribute {
		return schema.MapAttribute{ElementType: types.StringType, Optional: true, MarkdownDescription: desc}
	}
	return schema.ListNestedBlock{
		MarkdownDescription: "A gate that judges the version by CloudWatch metrics; any number. " + where + " golive reads the queries' samples with " +
			"GetMetricData (one sample per `period` over the last `window`), adds up each query's samples by its statistic " +
			"(`Sum` and `SampleCount` add up, a missing sample counting as 0; `Minimum`/`Maximum` take the least/greatest; others the mean) and evaluates `value` on them, " +
			"so `100 * errors / requests` is the window's error rate. A failure names the gate, the value, the threshold and every sample. " +
			"See the guide \"Judging a canary by its metrics\".",
		Validators: []validator.List{metricsValidator{}},
		NestedObject: schema.NestedBlockObject{
			Attributes: map[string]schema.Attribute{
				"name": schema.StringAttribute{Required: true, MarkdownDescription: "Names the gate in errors, the plan and the ledger, e.g. `canary-5xx-rate`.",
					Validators: []validator.String{stringvalidator.LengthBetween(1, 128)}},
				"value": schema.StringAttribute{Required: true,
					MarkdownDescription: "An expression over the query ids, evaluated by golive: arithmetic on numbers (`+ - * / **`), parentheses and functions such as `abs`, `min`, `max`, `ceil`, `floor`, e.g. `100 * errors / requests`."},
				"period": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("1m"),
					MarkdownDescription: "The length of one sample: whole minutes. Default `1m`.", Validators: []validator.String{durationString(time.Minute, 24*time.Hour)}},
				"window": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("5m"),
					MarkdownDescription: "How far back each check looks: a whole number of periods, the last being the one in progress. Default `5m`.",
					Validators:          []validator.String{durationString(time.Minute, 7*24*time.Hour)}},
				"min": schema.Float64Attribute{Optional: true, MarkdownDescription: "Fail when the value is below this."},
				"max": schema.Float64Attribute{Optional: true, MarkdownDescription: "Fail when the value is above this."},
				"no_data": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(string(verify.NoDataWait)),
					MarkdownDescription: "What a check without data means. `wait` (default): not a verdict yet — during a bake the gate passes until a whole `window` has gone by without data, " +
						"counted from its first check or its last check with data (metrics arrive a minute or more late, and a canary at 0% has none), then fails; " +
						"in `verify` the gate is read every `period` until it has data, failing after one `window`. " +
						"`fail`: fail at once. `pass`: pass.",
					Validators: []validator.String{stringvalidator.OneOf(verify.NoDataValues...)}},
			},
			Blocks: map[string]schema.Block{
				"query": schema.ListNestedBlock{
					MarkdownDescription: "A CloudWatch metric read with GetMetricData (a MetricStat query); at least one.",
					Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
					NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
						"id":          schema.StringAttribute{Required: true, MarkdownDescription: "Names the query's value in `value`: a lower-case letter, then letters, digits or `_`."},
						"namespace":   schema.StringAttribute{Required: true, MarkdownDescription: "e.g. `AWS/ApplicationELB`, `AWS/Lambda`."},
						"metric_name": schema.StringAttribute{Required: true, MarkdownDescription: "e.g. `HTTPCode_Target_5XX_Count`."},
						"dimensions":  dims("The metric's dimensions, all of them, e.g. `{ TargetGroup = aws_lb_target_group.green.arn_suffix, LoadBalancer = aws_lb.this.arn_suffix }`."),
						"stat": schema.StringAttribute{Required: true,
							MarkdownDescription: "The statistic: `Sum`, `SampleCount`, `Average`, `Minimum`, `Maximum`, or an extended one such as `p99`."},
					}},
				},
				"baseline": schema.ListNestedBlock{
					MarkdownDescription: "Compare with the stable version: the same queries with `dimensions` replacing theirs of the same names.",
					Validators:          []validator.List{listvalidator.SizeAtMost(1)},
					NestedObject: schema.NestedBlockObject{
						Attributes: map[string]schema.Attribute{
							"dimensions": dims("The dimensions that select the baseline, e.g. `{ TargetGroup = aws_lb_target_group.blue.arn_suffix }`; the queries' other dimensions are kept."),
							"max_ratio": schema.Float64Attribute{Optional: true, MarkdownDescription: "Fail when the value is above `max_ratio` × the baseline's value, e.g. `1.5`.",
								Validators: []validator.Float64{float64validator.AtLeast(0)}},
						},
						Blocks: map[string]schema.Block{
							"mann_whitney": schema.ListNestedBlock{
								MarkdownDescription: "Also fail when the canary's per-period values are significantly higher than the baseline's: a one-sided Mann-Whitney U test. " +
									"It needs `min_samples` values of complete periods on each side (fewer is no data; the period in progress is left out, so `window` must hold " +
									"at least `min_samples` + 1 periods) and treats periods as independent, which they are only roughly.",
								Validators: []validator.List{listvalidator.SizeAtMost(1)},
								NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
									"confidence": schema.Float64Attribute{Optional: true, Computed: true, Default: float64default.StaticFloat64(defaultConfidence),
										MarkdownDescription: "Fail when p < 1 - confidence. Default `0.95`."},
									"min_samples": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(verify.DefaultMinSamples),
										MarkdownDescription: "Per-period values needed on each side. Default 5.", Validators: []validator.Int64{int64validator.Between(2, 1000)}},
								}},
							},
						},
					},
				},
			},
		},
	}
}

// metricSpecs decodes metric blocks. unknown lists, per block, the
// attribute paths whose value is not known yet (plan of a configuration
// that refers to resources still to be created); *known turns false when
// there is any.
func metricSpecs(ctx context.Context, l types.List, known *bool, diags *diagnostics) ([]verify.MetricSpec, []map[string]bool) {
	blocks := decodeList[metricModel](ctx, l, known, diags)
	specs := make([]verify.MetricSpec, len(blocks))
	unknown := make([]map[string]bool, len(blocks))
	for i, b := range blocks {
		specs[i], unknown[i] = b.spec(ctx, diags)
		if len(unknown[i]) > 0 {
			*known = false
		}
	}
	return specs, unknown
}

// spec is the block as a verify.MetricSpec; unknown holds the paths
// (verify.PathString) of values not known yet.
func (b metricModel) spec(ctx context.Context, diags *diagnostics) (verify.MetricSpec, map[string]bool) {
	unknown := map[string]bool{}
	str := func(v types.String, p string) string {
		if v.IsUnknown() {
			unknown[p] = true
		}
		return v.ValueString()
	}
	num := func(v types.Float64, p string) *float64 {
		if v.IsUnknown() {
			unknown[p] = true
		}
		if !known(v) {
			return nil
		}
		x := v.ValueFloat64()
		return &x
	}
	s := verify.MetricSpec{Name: str(b.Name, "name"), Value: str(b.Value, "value"), NoData: verify.NoData(str(b.NoData, "no_data")),
		Min: num(b.Min, "min"), Max: num(b.Max, "max")}
	var err error
	// A duration that does not parse is reported by its own validator.
	if s.Period, err = time.ParseDuration(str(b.Period, "period")); err != nil {
		unknown["period"] = true
	}
	if s.Window, err = time.ParseDuration(str(b.Window, "window")); err != nil {
		unknown["window"] = true
	}
	ok := true
	for i, q := range decodeList[metricQueryModel](ctx, b.Query, &ok, diags) {
		at := fmt.Sprintf("query[%d].", i)
		s.Queries = append(s.Queries, verify.MetricQuery{ID: str(q.ID, at+"id"), Namespace: str(q.Namespace, at+"namespace"),
			MetricName: str(q.MetricName, at+"metric_name"), Stat: str(q.Stat, at+"stat"), Dimensions: metricDimensions(ctx, q.Dimensions, at+"dimensions", unknown, diags)})
	}
	if bl := decodeList[metricBaselineModel](ctx, b.Baseline, &ok, diags); len(bl) > 0 {
		s.Baseline = &verify.MetricBaseline{Dimensions: metricDimensions(ctx, bl[0].Dimensions, "baseline.dimensions", unknown, diags)}
		if r := num(bl[0].MaxRatio, "baseline.max_ratio"); r != nil {
			s.Baseline.MaxRatio = *r
		}
		if mw := decodeList[mannWhitneyModel](ctx, bl[0].MannWhitney, &ok, diags); len(mw) > 0 {
			// Null before the schema's defaults apply (ValidateConfig).
			s.Baseline.MannWhitney = &verify.MannWhitney{Confidence: defaultConfidence, MinSamples: verify.DefaultMinSamples}
			if c := num(mw[0].Confidence, "baseline.mann_whitney.confidence"); c != nil {
				s.Baseline.MannWhitney.Confidence = *c
			}
			if n := mw[0].MinSamples; known(n) {
				s.Baseline.MannWhitney.MinSamples = int(n.ValueInt64())
			} else if n.IsUnknown() {
				unknown["baseline.mann_whitney.min_samples"] = true
			}
		}
	}
	if !ok {
		unknown["query"] = true
	}
	return s, unknown
}

func metricDimensions(ctx context.Context, m types.Map, p string, unknown map[string]bool, diags *diagnostics) map[string]string {
	if m.IsUnknown() {
		unknown[p] = true
		return nil
	}
	for _, v := range m.Elements() {
		if v.IsUnknown() {
			unknown[p] = true
			return nil
		}
	}
	var out map[string]string
	if !m.IsNull() {
		diags.Append(m.ElementsAs(ctx, &out, false)...)
	}
	return out
}

// validateMetrics reports each metric block's problems at its attribute,
// leaving out those that depend on values not known yet.
func validateMetrics(specs []verify.MetricSpec, unknown []map[string]bool, at path.Path, diags *diagnostics) {
	for i, s := range specs {
		for _, e := range s.Validate() {
			if dependsOnUnknown(e.Path, unknown[i]) {
				continue
			}
			p := at.AtListIndex(i)
			for _, step := range e.Path {
				switch step := step.(type) {
				case int:
					p = p.AtListIndex(step)
				case string:
					p = p.AtName(step)
				}
			}
			diags.AddAttributeError(p, "invalid metric gate", fmt.Sprintf("%s: %s", p, e.Message))
		}
	}
}

// dependsOnUnknown says whether an error at path may be due to a value not
// known yet: one at the path or under it, or one the check compares it
// with (metricErrorInputs).
func dependsOnUnknown(p []any, unknown map[string]bool) bool {
	s := verify.PathString(p)
	for u := range unknown {
		if strings.HasPrefix(s, u) || strings.HasPrefix(u, s) {
			return true
		}
		for _, in := range metricErrorInputs[s] {
			if strings.HasPrefix(u, in) {
				return true
			}
		}
	}
	return false
}

// metricErrorInputs are, by the path of an error of MetricSpec.Validate,
// the other attributes that error depends on.
var metricErrorInputs = map[string][]string{
	"value":                             {"query"},
	"period":                            {"window"},
	"window":                            {"period", "baseline"},
	"min":                               {"max"},
	"max":                               {"min", "baseline"},
	"baseline.dimensions":               {"query"},
	"baseline.max_ratio":                {"baseline"},
	"baseline.mann_whitney.min_samples": {"baseline.mann_whitney"},
}

// metricGates builds the gates of specs; verifying gives each as a
// verification uses it (waiting for data). Specs are validated at plan, so
// NewMetric refuses none; if it did, the gate fails with its error rather
// than being left out.
func metricGates(client cloudwatch.GetMetricDataAPIClient, specs []verify.MetricSpec, verifying bool) []rollout.Gate {
	var out []rollout.Gate
	for _, s := range specs {
		m, err := verify.NewMetric(client, s)
		switch {
		case err != nil:
			out = append(out, invalidGate{name: fmt.Sprintf("metric %q", s.Name), err: err})
		case verifying:
			out = append(out, m.Verifying())
		default:
			out = append(out, m)
		}
	}
	return out
}

// invalidGate is a gate that could not be built: it always fails.
type invalidGate struct {
	name string
	err  error
}

func (g invalidGate) Name() string                { return g.name }
func (g invalidGate) Check(context.Context) error { return g.err }

// metricsValidator checks metric blocks at plan, without AWS: each problem
// of verify.MetricSpec.Validate at its attribute, skipping those that
// depend on values not known yet.
type metricsValidator struct{}

func (metricsValidator) Description(context.Context) string {
	return "query ids, the value expression, period, window and thresholds make a gate that can be evaluated"
}

func (v metricsValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (metricsValidator) ValidateList(ctx context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	known := true
	specs, unknown := metricSpecs(ctx, req.ConfigValue, &known, &resp.Diagnostics)
	validateMetrics(specs, unknown, req.Path, &resp.Diagnostics)
}
