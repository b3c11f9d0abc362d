package provider

import (
	"context"
	"strings"
	"testing"
	"time"

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

func TestIdleSlot(t *testing.T) {
	for live, want := range map[string]string{"blue": "green", "green": "blue", "": "blue"} {
		if got := idleSlot(live); got != want {
			t.Errorf("idleSlot(%q) = %q, want %q", live, got, want)
		}
	}
}
