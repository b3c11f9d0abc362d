package router

import (
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

func TestNormalise(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		in, out rollout.Weights
	}{
		{"already percent", rollout.Weights{"a": 90, "b": 10}, rollout.Weights{"a": 90, "b": 10}},
		{"all zero", rollout.Weights{"a": 0, "b": 0}, rollout.Weights{"a": 0, "b": 0}},
		{"empty", rollout.Weights{}, rollout.Weights{}},
		{"relative", rollout.Weights{"a": 3, "b": 1}, rollout.Weights{"a": 75, "b": 25}},
		{"single weight 1", rollout.Weights{"a": 1, "b": 0}, rollout.Weights{"a": 100, "b": 0}},
		{"thirds round to 100", rollout.Weights{"a": 1, "b": 1, "c": 1}, rollout.Weights{"a": 34, "b": 33, "c": 33}},
		{"largest remainder wins", rollout.Weights{"a": 2, "b": 1}, rollout.Weights{"a": 67, "b": 33}},
	} {
		if got := normalise(tc.in); !reflect.DeepEqual(got, tc.out) {
			t.Errorf("%s: normalise(%s) = %s, want %s", tc.name, tc.in, got, tc.out)
		}
	}
}

func TestKeyed(t *testing.T) {
	t.Parallel()
	dests := []rollout.Destination{{Name: "blue", Target: "tg-b"}, {Name: "green", Target: "tg-g"}}
	got := keyed(map[string]int{"tg-b": 40, "tg-x": 60}, dests)
	want := rollout.Weights{"blue": 40, "green": 0, "tg-x": 60}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("keyed = %s, want %s", got, want)
	}
}

func TestByTarget(t *testing.T) {
	t.Parallel()
	dests := []rollout.Destination{{Name: "blue", Target: "tg-b"}, {Name: "green", Target: "tg-g"}}
	for _, tc := range []struct {
		name string
		w    rollout.Weights
		want []targetWeight
	}{
		{"absent destinations get 0", rollout.Weights{"green": 100},
			[]targetWeight{{"tg-b", 0, true}, {"tg-g", 100, true}}},
		{"raw keys after, sorted", rollout.Weights{"blue": 50, "tg-z": 30, "tg-a": 20},
			[]targetWeight{{"tg-b", 50, true}, {"tg-g", 0, true}, {"tg-a", 20, false}, {"tg-z", 30, false}}},
		{"raw key of a destination's target adds up", rollout.Weights{"blue": 50, "tg-b": 50},
			[]targetWeight{{"tg-b", 100, true}, {"tg-g", 0, true}}},
	} {
		if got := byTarget(tc.w, dests); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: byTarget(%s) = %+v, want %+v", tc.name, tc.w, got, tc.want)
		}
	}
}

func TestCheckPercents(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		w  rollout.Weights
		ok bool
	}{
		{rollout.Weights{"a": 0, "b": 100}, true},
		{rollout.Weights{}, true},
		{rollout.Weights{"a": -1}, false},
		{rollout.Weights{"a": 101}, false},
	} {
		if err := checkPercents(tc.w); (err == nil) != tc.ok {
			t.Errorf("checkPercents(%s) = %v", tc.w, err)
		}
	}
}

// AWS never returns an OIDC client secret (moto does), so the real-AWS
// case is only reachable here.
func TestResendableKeepsTheOIDCSecret(t *testing.T) {
	t.Parallel()
	in := []elbtypes.Action{
		{Type: elbtypes.ActionTypeEnumAuthenticateOidc, Order: aws.Int32(1), AuthenticateOidcConfig: &elbtypes.AuthenticateOidcActionConfig{ClientId: aws.String("c")}},
		{Type: elbtypes.ActionTypeEnumAuthenticateOidc, Order: aws.Int32(2), AuthenticateOidcConfig: &elbtypes.AuthenticateOidcActionConfig{ClientSecret: aws.String("s")}},
		{Type: elbtypes.ActionTypeEnumForward, Order: aws.Int32(3), TargetGroupArn: aws.String("tg")},
	}
	out := resendable(in)
	if !aws.ToBool(out[0].AuthenticateOidcConfig.UseExistingClientSecret) {
		t.Error("action without a secret does not say to keep the existing one")
	}
	if out[1].AuthenticateOidcConfig.UseExistingClientSecret != nil {
		t.Error("action with a secret was changed")
	}
	if in[0].AuthenticateOidcConfig.UseExistingClientSecret != nil {
		t.Error("the input was modified")
	}
	if aws.ToInt32(out[0].Order) != 1 || aws.ToString(out[0].AuthenticateOidcConfig.ClientId) != "c" || aws.ToString(out[2].TargetGroupArn) != "tg" {
		t.Errorf("other fields changed: %+v", out)
	}
}

func TestCanonicalName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"api.example.com":   "api.example.com",
		"API.Example.com.":  "api.example.com",
		`\052.example.com.`: "*.example.com",
		"*.example.com":     "*.example.com",
	} {
		if got := canonicalName(in); got != want {
			t.Errorf("canonicalName(%q) = %q, want %q", in, got, want)
		}
	}
}
