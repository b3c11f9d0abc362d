package provider_test

import (
	"fmt"
	"strings"
)

// metricGate is a metric block: the 5xx rate of a target group, with the
// attribute lines of change replacing or adding to the defaults below.
func metricGate(change map[string]string) string {
	attrs := map[string]string{"value": `"100 * errors / requests"`, "period": `"1m"`, "window": `"5m"`, "max": "1"}
	for k, v := range change {
		attrs[k] = v
	}
	var lines []string
	for _, k := range []string{"value", "period", "window", "min", "max", "no_data"} {
		if v, ok := attrs[k]; ok && v != "" {
			lines = append(lines, fmt.Sprintf("      %s = %s", k, v))
		}
	}
	query := func(id, name string) string {
		return fmt.Sprintf("      query {\n        id = %q\n        namespace = \"AWS/ApplicationELB\"\n        metric_name = %q\n"+
			"        dimensions = { TargetGroup = \"targetgroup/green/1\" }\n        stat = \"Sum\"\n      }\n", id, name)
	}
	return "    metric {\n      name = \"green-5xx-rate\"\n" + query("errors", "HTTPCode_Target_5XX_Count") + query("requests", "RequestCount") +
		strings.Join(lines, "\n") + "\n" + change["baseline"] + "    }\n"
}

func splitWithMetric(metric string) string {
	return split(albBlock + dest("blue", tgA, 100) + "\n  rollback {\n" + metric + "  }")
}

func deploymentWithMetric(metric string) string {
	return deployment(lambdaOK + "  verify {\n" + metric + "  }\n")
}

// metricBadInputs are metric gates and notify blocks refused at plan.
func metricBadInputs() []badInput {
	const at = `rollback\[0\]\.metric\[0\]\.`
	return []badInput{
		{name: "metric value with an unknown query id", config: splitWithMetric(metricGate(map[string]string{"value": `"100 * errros / requests"`})),
			attr: at + `value:`, fix: `refers to "errros", which no query declares \(query ids: errors, requests\)`},
		{name: "metric value that does not parse", config: splitWithMetric(metricGate(map[string]string{"value": `"100 * (errors / requests"`})),
			attr: at + `value:`, fix: `is not a valid expression`},
		{name: "metric value that is not a number", config: splitWithMetric(metricGate(map[string]string{"value": `"errors > requests"`})),
			attr: at + `value:`, fix: `is not a numeric expression over the query ids`},
		{name: "metric min above max", config: splitWithMetric(metricGate(map[string]string{"min": "5"})),
			attr: at + `min:`, fix: `5 is greater than max 1: no value could pass`},
		{name: "metric period of 90s", config: splitWithMetric(metricGate(map[string]string{"period": `"90s"`})),
			attr: at + `period:`, fix: `must be a whole number of minutes \(60s, 1m, 5m, ...\)`},
		{name: "metric window shorter than period", config: splitWithMetric(metricGate(map[string]string{"period": `"5m"`, "window": `"1m"`})),
			attr: at + `window:`, fix: `1m0s is shorter than period 5m0s`},
		{name: "metric without threshold", config: splitWithMetric(metricGate(map[string]string{"max": ""})),
			attr: at + `max:`, fix: `set min, max or a baseline block`},
		{name: "metric baseline of the same metrics", config: splitWithMetric(metricGate(map[string]string{
			"baseline": "      baseline {\n        dimensions = { TargetGroup = \"targetgroup/green/1\" }\n        max_ratio = 1.5\n      }\n"})),
			attr: at + `baseline\.dimensions:`, fix: `select the same metrics as the queries`},
		{name: "metric Mann-Whitney too few samples", config: splitWithMetric(metricGate(map[string]string{
			"baseline": "      baseline {\n        dimensions = { TargetGroup = \"targetgroup/blue/1\" }\n        mann_whitney {\n          min_samples = 3\n        }\n      }\n"})),
			attr: at + `baseline\.mann_whitney\.min_samples:`, fix: `3 values a side can never reach 0.95 confidence`},
		{name: "metric no_data unknown", config: splitWithMetric(metricGate(map[string]string{"no_data": `"skip"`})),
			attr: at + `no_data:`, fix: `"skip" is not one of wait, fail, pass`},
		{name: "deployment metric with an unknown query id", config: deploymentWithMetric(metricGate(map[string]string{"value": `"errors / invocations"`})),
			attr: `verify\[0\]\.metric\[0\]\.value:`, fix: `refers to "invocations", which no query declares`},

		{name: "notify event bus that is not an ARN", config: env("  notify {\n    event_bus_arn = \"deploys\"\n  }"),
			attr: `Attribute notify\[0\]\.event_bus_arn`, fix: `must be an EventBridge event bus ARN such as arn:aws:events:us-east-1:123456789012:event-bus/default`},
		{name: "notify webhook format teams", config: env("  notify {\n    webhook_url = \"https://hooks.example.com/x\"\n    webhook_format = \"teams\"\n  }"),
			attr: `Attribute notify\[0\]\.webhook_format value`, fix: `must be one of: \["json" "slack"\]`},
		{name: "notify webhook secret without version", config: env("  notify {\n    webhook_url = \"https://hooks.example.com/x\"\n    webhook_secret_wo = \"0123456789abcdef\"\n  }"),
			attr: `notify\[0\]\.webhook_secret_wo_version`, fix: `must be specified when "notify\[0\]\.webhook_secret_wo" is specified`},
		{name: "notify webhook secret without webhook", config: env("  notify {\n    sns_topic_arn = \"arn:aws:sns:us-east-1:123456789012:deploys\"\n    webhook_secret_wo = \"0123456789abcdef\"\n    webhook_secret_wo_version = 1\n  }"),
			attr: `notify\[0\]\.webhook_url`, fix: `must be specified when "notify\[0\]\.webhook_secret_wo" is specified`},
		{name: "notify webhook secret too short", config: env("  notify {\n    webhook_url = \"https://hooks.example.com/x\"\n    webhook_secret_wo = \"short\"\n    webhook_secret_wo_version = 1\n  }"),
			attr: `Attribute notify\[0\]\.webhook_secret_wo string length`, fix: `must be at least 16`},
	}
}
