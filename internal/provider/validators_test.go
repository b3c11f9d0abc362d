package provider

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func runString(v validator.String, value types.String) string {
	resp := &validator.StringResponse{}
	v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("x"), ConfigValue: value}, resp)
	if !resp.Diagnostics.HasError() {
		return ""
	}
	return resp.Diagnostics.Errors()[0].Detail()
}

func TestValidators(t *testing.T) {
	tests := []struct {
		name  string
		v     validator.String
		value types.String
		want  string // substring of the error; "" passes
	}{
		{"url ok", httpURL(), types.StringValue("https://hooks.example.com/x"), ""},
		{"url without scheme", httpURL(), types.StringValue("hooks.example.com"), `x: "hooks.example.com" is not an absolute`},
		{"url ftp", httpURL(), types.StringValue("ftp://x"), "is not an absolute http"},
		{"url null", httpURL(), types.StringNull(), ""},
		{"url unknown", httpURL(), types.StringUnknown(), ""},
		{"duration ok", durationString(time.Second, time.Hour), types.StringValue("5m"), ""},
		{"duration no unit", durationString(time.Second, time.Hour), types.StringValue("10"), `"10" is not a duration`},
		{"duration too short", durationString(time.Second, time.Hour), types.StringValue("10ms"), "10ms is outside 1s to 1h0m0s"},
		{"duration too long", durationString(time.Second, time.Hour), types.StringValue("2h"), "is outside"},
		{"time ok", rfc3339String(), types.StringValue("2026-12-24T00:00:00+01:00"), ""},
		{"time without zone", rfc3339String(), types.StringValue("2026-12-24T00:00:00"), `x: "2026-12-24T00:00:00" is not an RFC 3339 time such as 2026-12-24T00:00:00Z`},
		{"time as a date", rfc3339String(), types.StringValue("24.12.2026"), "is not an RFC 3339 time"},
		{"time null", rfc3339String(), types.StringNull(), ""},
		{"time unknown", rfc3339String(), types.StringUnknown(), ""},
		{"regex ok", regexString(), types.StringValue(`"status":\s*"ok"`), ""},
		{"regex bad", regexString(), types.StringValue("ok("), "missing closing )"},
		// golive_traffic_split: unknown values pass (judged at apply), null ones are absent.
		{"deployment id ok", deploymentIDValidator, types.StringValue("shop/prod/api/blue"), ""},
		{"deployment id of a version", deploymentIDValidator, types.StringValue("shop/prod/api/1.4.2+build.7"), ""},
		{"deployment id of a split", deploymentIDValidator, types.StringValue("shop/prod/api"), "Attribute x must be a golive_deployment id <application>/<environment>/<service>/<slot or version>"},
		{"deployment id unknown", deploymentIDValidator, types.StringUnknown(), ""},
		{"deployment id null", deploymentIDValidator, types.StringNull(), ""},
		{"listener ok", listenerARNValidator, types.StringValue("arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop-prod/50dc6c495c0c9188/f2f7dc8efc522ab2"), ""},
		{"listener of a target group", listenerARNValidator, types.StringValue(tgARN), "must be a load balancer listener ARN"},
		{"listener unknown", listenerARNValidator, types.StringUnknown(), ""},
		{"rule ok", listenerRuleARNValidator, types.StringValue("arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/shop-prod/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee"), ""},
		{"rule of a listener", listenerRuleARNValidator, types.StringValue("arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop-prod/50dc6c495c0c9188/f2f7dc8efc522ab2"), "must be a listener rule ARN"},
		{"alb target ok", albTargetValidator, types.StringValue(tgARN), ""},
		{"alb target name", albTargetValidator, types.StringValue("api-blue"), "must be a target group ARN with the alb router"},
		{"alb target unknown", albTargetValidator, types.StringUnknown(), ""},
		{"lambda target ok", lambdaTargetValidator, types.StringValue("12"), ""},
		{"lambda target LATEST", lambdaTargetValidator, types.StringValue("$LATEST"), "must be a published version number such as 3"},
		{"lambda target alias", lambdaTargetValidator, types.StringValue("live"), "not $LATEST or an alias"},
		{"lambda target unknown", lambdaTargetValidator, types.StringUnknown(), ""},
		{"route53 target ok", route53TargetValidator, types.StringValue("blue.example.com"), ""},
		{"route53 target empty", route53TargetValidator, types.StringValue(""), "must be the record value with the route53 router"},
		{"route53 target blank", route53TargetValidator, types.StringValue("  "), "must be the record value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := runString(tc.v, tc.value)
			if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

const tgARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api-blue/0123456789abcdef"

// TestValidatorsInLists: validators of several values each, including
// null and unknown ones, with the attribute path in the message.
func TestValidatorsInLists(t *testing.T) {
	runAll := func(vs []validator.String, value types.String) string {
		var got []string
		for _, v := range vs {
			if d := runString(v, value); d != "" {
				got = append(got, d)
			}
		}
		return strings.Join(got, "\n")
	}
	for _, tc := range []struct {
		name  string
		vs    []validator.String
		value types.String
		want  string
	}{
		{"zone ok", hostedZoneIDValidators(), types.StringValue("Z0123456789ABCDEFGHIJ"), ""},
		{"zone with prefix", hostedZoneIDValidators(), types.StringValue("/hostedzone/Z123"), ""},
		{"zone empty", hostedZoneIDValidators(), types.StringValue(""), "Attribute x must be a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ"},
		{"zone name", hostedZoneIDValidators(), types.StringValue("example.com"), "must be a Route 53 hosted zone ID"},
		{"zone unknown", hostedZoneIDValidators(), types.StringUnknown(), ""},
		{"record ok", recordNameValidators(), types.StringValue("api.example.com."), ""},
		{"record wildcard", recordNameValidators(), types.StringValue("*.example.com"), ""},
		{"record empty", recordNameValidators(), types.StringValue(""), "must be a DNS name such as api.example.com"},
		{"record URL", recordNameValidators(), types.StringValue("https://api.example.com"), "must be a DNS name"},
		{"record too long", recordNameValidators(), types.StringValue(strings.Repeat("a", 1025)), "string length must be at most 1024"},
		{"record unknown", recordNameValidators(), types.StringUnknown(), ""},
		{"function ok", lambdaFunctionValidators(), types.StringValue("shop-api_2"), ""},
		{"function ARN", lambdaFunctionValidators(), types.StringValue("arn:aws:lambda:us-east-1:123456789012:function:api"), ""},
		{"function partial ARN", lambdaFunctionValidators(), types.StringValue("123456789012:function:api"), ""},
		{"function empty", lambdaFunctionValidators(), types.StringValue(""), "must be a Lambda function name"},
		{"function qualified", lambdaFunctionValidators(), types.StringValue("arn:aws:lambda:us-east-1:123456789012:function:api:live"), "without a qualifier"},
		{"function unknown", lambdaFunctionValidators(), types.StringUnknown(), ""},
		{"alias ok", lambdaAliasValidators(), types.StringValue("live"), ""},
		{"alias with digits", lambdaAliasValidators(), types.StringValue("v2"), ""},
		{"alias empty", lambdaAliasValidators(), types.StringValue(""), "must be an alias name of 1-128"},
		{"alias digits only", lambdaAliasValidators(), types.StringValue("42"), "not only digits"},
		{"alias too long", lambdaAliasValidators(), types.StringValue(strings.Repeat("a", 129)), "string length must be at most 128"},
		{"alias unknown", lambdaAliasValidators(), types.StringUnknown(), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := runAll(tc.vs, tc.value)
			if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestValidatorsAlarmNames(t *testing.T) {
	run := func(l types.List) []string {
		resp := &validator.ListResponse{}
		p := path.Root("rollback").AtListIndex(0).AtName("alarms")
		alarmNames().ValidateList(context.Background(), validator.ListRequest{Path: p, PathExpression: p.Expression(), ConfigValue: l}, resp)
		var got []string
		for _, d := range resp.Diagnostics.Errors() {
			got = append(got, d.Detail())
		}
		return got
	}
	strs := func(vs ...attr.Value) types.List { return types.ListValueMust(types.StringType, vs) }
	if got := run(strs(types.StringValue("shop-prod-5xx"), types.StringValue("API latency > 2s (p99)"), types.StringValue(strings.Repeat("a", 255)))); len(got) != 0 {
		t.Fatalf("valid alarm names refused: %q", got)
	}
	for _, l := range []types.List{types.ListNull(types.StringType), types.ListUnknown(types.StringType), strs(types.StringUnknown()), strs()} {
		if got := run(l); len(got) != 0 {
			t.Fatalf("%s refused: %q", l, got)
		}
	}
	got := run(strs(types.StringValue(""), types.StringValue("ok"), types.StringValue(strings.Repeat("a", 256)), types.StringValue("a\tb")))
	want := []string{"rollback[0].alarms[0] must be a CloudWatch alarm name", "rollback[0].alarms[2] must be", "rollback[0].alarms[3] must be"}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %d errors", got, len(want))
	}
	for i, w := range want {
		if !strings.Contains(got[i], w) {
			t.Errorf("error %d = %q, want it to contain %q", i, got[i], w)
		}
	}
}

func TestPatterns(t *testing.T) {
	for s, ok := range map[string]bool{"shop/prod": true, "shop": false, "shop/prod/api": false, "Shop/prod": false, "shop-/prod": false, "shop/prod-": false, "shop/p": true} {
		if environmentIDPattern.MatchString(s) != ok {
			t.Errorf("environment id %q", s)
		}
	}
	for s, ok := range map[string]bool{"1.4.2": true, "2026.11.22+build.7": true, "v1 beta": false, "": false} {
		if versionPattern.MatchString(s) != ok {
			t.Errorf("version %q", s)
		}
	}
	for s, ok := range map[string]bool{"arn:aws:sns:us-east-1:123456789012:deploys": true, "arn:aws:sqs:us-east-1:123456789012:q": false} {
		if snsTopicARNPattern.MatchString(s) != ok {
			t.Errorf("sns arn %q", s)
		}
	}
}

func TestPlanTimeFormats(t *testing.T) {
	for _, tc := range []struct {
		name    string
		pattern *regexp.Regexp
		ok, bad []string
	}{
		{"region", regionPattern, []string{"us-east-1", "eu-central-1", "us-gov-west-1", "ap-southeast-3"}, []string{"us east 1", "US-EAST-1", "useast1", "us-east"}},
		{"session name", sessionNamePattern, []string{"acctest", "ci@build=42", "a.b-c_d"}, []string{"x", "ci run", strings.Repeat("a", 65)}},
		{"external id", externalIDPattern, []string{"tenant-1", "a:b/c"}, []string{"a b", ""}},
		{"event id", eventIDPattern, []string{"EVT#2026-11-22T10:00:00.123456789Z#0a1b2c3d"}, []string{"yesterday", "EVT#2026-11-22T10:00:00Z#0a1b2c3d", "EVT#2026-11-22T10:00:00.123456789Z"}},
		{"lambda version", lambdaVersionPattern, []string{"1", "42"}, []string{"$LATEST", "live", "0", "1.0"}},
		{"ecs cluster", ecsClusterPattern, []string{"shop", "arn:aws:ecs:us-east-1:123456789012:cluster/shop-prod"}, []string{"arn:aws:ecs:us-east-1:123456789012:task-definition/api:7", "shop prod"}},
		{"task definition", ecsTaskDefPattern, []string{"api:7", "api", "arn:aws:ecs:us-east-1:123456789012:task-definition/api:7"}, []string{"arn:aws:ecs:us-east-1:123456789012:service/shop/api", "api:latest"}},
		{"ecs service name", ecsServiceNamePattern, []string{"api-blue", "Api_2"}, []string{"api/blue", ""}},
		{"target group", targetGroupARNPattern, []string{"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api-blue/0123456789abcdef"},
			[]string{"arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/1/2", "api-blue"}},
	} {
		for _, s := range tc.ok {
			if !tc.pattern.MatchString(s) {
				t.Errorf("%s: %q should pass", tc.name, s)
			}
		}
		for _, s := range tc.bad {
			if tc.pattern.MatchString(s) {
				t.Errorf("%s: %q should fail", tc.name, s)
			}
		}
	}
}

func TestTagMap(t *testing.T) {
	run := func(m map[string]attr.Value) []string {
		resp := &validator.MapResponse{}
		tagMap().ValidateMap(context.Background(), validator.MapRequest{Path: path.Root("default_tags"), ConfigValue: types.MapValueMust(types.StringType, m)}, resp)
		var got []string
		for _, d := range resp.Diagnostics.Errors() {
			got = append(got, d.Detail())
		}
		return got
	}
	if got := run(map[string]attr.Value{"team": types.StringValue("x"), "awsome": types.StringValue("")}); len(got) != 0 {
		t.Fatalf("valid tags refused: %q", got)
	}
	got := run(map[string]attr.Value{"AWS:team": types.StringValue("x"), strings.Repeat("k", 129): types.StringValue("x"), "v": types.StringValue(strings.Repeat("v", 257))})
	want := []string{`default_tags["AWS:team"]: the aws: prefix is reserved by AWS: choose another key`, `a tag key has 1-128 characters`, `default_tags["v"]: a tag value has at most 256 characters`}
	if len(got) != len(want) {
		t.Fatalf("got %q", got)
	}
	for _, w := range want {
		if !strings.Contains(strings.Join(got, "\n"), w) {
			t.Errorf("missing %q in %q", w, got)
		}
	}
	unknown := &validator.MapResponse{}
	tagMap().ValidateMap(context.Background(), validator.MapRequest{Path: path.Root("default_tags"), ConfigValue: types.MapUnknown(types.StringType)}, unknown)
	if unknown.Diagnostics.HasError() {
		t.Fatal("an unknown map must pass")
	}
}

func TestIdleSlot(t *testing.T) {
	for live, want := range map[string]string{"blue": "green", "green": "blue", "": "blue"} {
		if got := idleSlot(live); got != want {
			t.Errorf("idleSlot(%q) = %q, want %q", live, got, want)
		}
	}
}

// TestOneBlockOf: exactly one of the named nested blocks, with unknown
// blocks and unwritten parents judged later.
func TestOneBlockOf(t *testing.T) {
	block := types.ObjectType{AttrTypes: map[string]attr.Type{"n": types.StringType}}
	list := func(n int) types.List {
		elems := make([]attr.Value, n)
		for i := range elems {
			elems[i] = types.ObjectValueMust(block.AttrTypes, map[string]attr.Value{"n": types.StringValue("x")})
		}
		return types.ListValueMust(block, elems)
	}
	parent := map[string]attr.Type{"http": types.ListType{ElemType: block}, "ecs_task": types.ListType{ElemType: block}}
	hook := func(http, task types.List) types.Object {
		return types.ObjectValueMust(parent, map[string]attr.Value{"http": http, "ecs_task": task})
	}
	v := oneBlockOf(hookAction, "http", "ecs_task")
	tests := []struct {
		name  string
		value types.Object
		want  string
	}{
		{"one", hook(list(1), list(0)), ""},
		{"the other", hook(list(0), list(1)), ""},
		{"both", hook(list(1), list(1)), "hook[2] needs exactly one of http { ... } and ecs_task { ... }"},
		{"neither", hook(list(0), list(0)), "hook[2] needs exactly one of"},
		{"one unknown", hook(types.ListUnknown(block), list(1)), ""},
		{"unknown", types.ObjectUnknown(parent), ""},
		{"null", types.ObjectNull(parent), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := &validator.ObjectResponse{}
			v.ValidateObject(context.Background(), validator.ObjectRequest{Path: path.Root("hook").AtListIndex(2), ConfigValue: tc.value}, resp)
			got := ""
			if resp.Diagnostics.HasError() {
				got = resp.Diagnostics.Errors()[0].Detail()
			}
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
