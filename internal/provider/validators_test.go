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
		{"regex ok", regexString(), types.StringValue(`"status":\s*"ok"`), ""},
		{"regex bad", regexString(), types.StringValue("ok("), "missing closing )"},
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

func TestPatterns(t *testing.T) {
	for s, ok := range map[string]bool{"shop/prod": true, "shop": false, "shop/prod/api": false, "Shop/prod": false} {
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
