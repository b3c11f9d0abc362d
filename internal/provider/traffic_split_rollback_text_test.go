package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestRollbackDescription(t *testing.T) {
	health := httpGateModel{URL: types.StringValue("https://api.example.com/healthz"), ExpectStatus: types.Int64Value(200)}
	for _, tc := range []struct {
		name string
		c    splitConfig
		want string
	}{
		{"no gates", splitConfig{}, ""},
		{"one alarm", splitConfig{alarms: []string{"shop-prod-5xx"}}, "; roll back if alarm shop-prod-5xx fires"},
		{"two alarms", splitConfig{alarms: []string{"a", "b"}}, "; roll back if any of alarms a, b fires"},
		{"http only", splitConfig{http: []httpGateModel{health}}, "; roll back if https://api.example.com/healthz does not answer 200"},
		{"alarm and http", splitConfig{alarms: []string{"a"}, http: []httpGateModel{health}},
			"; roll back if alarm a fires or https://api.example.com/healthz does not answer 200"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.c.rollbackDescription(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
