package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// metricValue is one metric block as the framework hands it to the
// validator, with attrs replacing the defaults of a valid gate.
func metricValue(attrs map[string]attr.Value, queryID, dims attr.Value) types.List {
	str := types.StringValue
	query := types.ObjectValueMust(metricQueryAttrTypes, map[string]attr.Value{
		"id": queryID, "namespace": str("AWS/ApplicationELB"), "metric_name": str("RequestCount"), "stat": str("Sum"), "dimensions": dims})
	m := map[string]attr.Value{
		"name": str("rate"), "value": str("requests / 60"), "period": str("1m"), "window": str("5m"),
		"min": types.Float64Null(), "max": types.Float64Value(100), "no_data": types.StringNull(),
		"query":    types.ListValueMust(types.ObjectType{AttrTypes: metricQueryAttrTypes}, []attr.Value{query}),
		"baseline": types.ListNull(types.ObjectType{AttrTypes: metricBaselineAttrTypes}),
	}
	for k, v := range attrs {
		m[k] = v
	}
	return types.ListValueMust(types.ObjectType{AttrTypes: metricAttrTypes}, []attr.Value{types.ObjectValueMust(metricAttrTypes, m)})
}

func TestMetricsValidator(t *testing.T) {
	t.Parallel()
	dims := types.MapValueMust(types.StringType, map[string]attr.Value{"TargetGroup": types.StringValue("targetgroup/green/1")})
	unknownDims := types.MapValueMust(types.StringType, map[string]attr.Value{"TargetGroup": types.StringUnknown()})
	id := types.StringValue("requests")
	cases := []struct {
		name string
		list types.List
		want string // "" when valid
	}{
		{"valid", metricValue(nil, id, dims), ""},
		{"null", types.ListNull(types.ObjectType{AttrTypes: metricAttrTypes}), ""},
		{"unknown list", types.ListUnknown(types.ObjectType{AttrTypes: metricAttrTypes}), ""},
		{"unknown dimension value", metricValue(nil, id, unknownDims), ""},
		{"unknown value expression", metricValue(map[string]attr.Value{"value": types.StringUnknown()}, id, dims), ""},
		{"unknown query id: value not judged", metricValue(map[string]attr.Value{"value": types.StringValue("errors")}, types.StringUnknown(), dims), ""},
		{"unknown period: window not judged", metricValue(map[string]attr.Value{"period": types.StringUnknown(), "window": types.StringValue("1m")}, id, dims), ""},
		{"unknown max: min not judged", metricValue(map[string]attr.Value{"min": types.Float64Value(200), "max": types.Float64Unknown()}, id, dims), ""},
		{"unparsable period left to its own validator", metricValue(map[string]attr.Value{"period": types.StringValue("1 minute")}, id, dims), ""},
		{"unknown query id in value", metricValue(map[string]attr.Value{"value": types.StringValue("errors")}, id, dims),
			`metric[0].value: "errors" refers to "errors", which no query declares (query ids: requests)`},
		{"min above known max", metricValue(map[string]attr.Value{"min": types.Float64Value(200)}, id, dims),
			"metric[0].min: 200 is greater than max 100"},
		{"window shorter than period", metricValue(map[string]attr.Value{"period": types.StringValue("5m"), "window": types.StringValue("2m")}, id, dims),
			"metric[0].window: 2m0s is shorter than period 5m0s"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var resp validator.ListResponse
			metricsValidator{}.ValidateList(context.Background(), validator.ListRequest{Path: path.Root("metric"), ConfigValue: c.list}, &resp)
			var got []string
			for _, d := range resp.Diagnostics {
				got = append(got, d.Detail())
			}
			switch {
			case c.want == "" && len(got) > 0:
				t.Fatalf("valid or not yet known, got %v", got)
			case c.want != "" && (len(got) != 1 || !strings.HasPrefix(got[0], c.want)):
				t.Fatalf("got %v\nwant %s...", got, c.want)
			}
		})
	}
}
