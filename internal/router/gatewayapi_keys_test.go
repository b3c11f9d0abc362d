package router

import (
	"reflect"
	"strings"
	"testing"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

func ref(name string, port, weight int32) backendRef {
	return backendRef{Name: name, Port: &port, Weight: &weight}
}

func TestGatewayAPI_keyOf(t *testing.T) {
	str := func(s string) *string { return &s }
	g := &GatewayAPI{route: HTTPRoute{Namespace: "shop", Name: "web"}, dests: []rollout.Destination{{Name: "stable", Target: "web-stable"}}}
	for _, tc := range []struct {
		name string
		ref  backendRef
		want string
	}{
		{"destination's Service", ref("web-stable", 80, 1), "web-stable"},
		{"destination's Service, namespace spelled out", backendRef{Name: "web-stable", Namespace: str("shop")}, "web-stable"},
		{"undeclared Service", ref("legacy", 8080, 1), "legacy:8080"},
		{"Service without port", backendRef{Name: "legacy"}, "legacy"},
		{"Service in another namespace", backendRef{Name: "web-stable", Namespace: str("other"), Port: ref("", 80, 0).Port}, "other/web-stable:80"},
		{"another kind", backendRef{Group: str("multicluster.x-k8s.io"), Kind: str("ServiceImport"), Name: "web-stable"}, "multicluster.x-k8s.io/ServiceImport/shop/web-stable"},
		{"kind Service spelled out", backendRef{Group: str(""), Kind: str("Service"), Name: "web-stable"}, "web-stable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := g.keyOf(tc.ref); got != tc.want {
				t.Fatalf("keyOf = %q, want %q", got, tc.want)
			}
		})
	}
	g.route.Port = 80
	if got := g.keyOf(ref("web-stable", 8080, 1)); got != "web-stable:8080" {
		t.Fatalf("keyOf a destination's Service on another port than the split's = %q, want the raw key", got)
	}
}

func TestGatewayAPI_weightOps(t *testing.T) {
	g := &GatewayAPI{
		route: HTTPRoute{Namespace: "shop", Name: "web", Rule: 2},
		dests: []rollout.Destination{{Name: "stable", Target: "web-stable"}, {Name: "canary", Target: "web-canary"}},
	}
	guard := patchOp{Op: "replace", Path: "/metadata/resourceVersion", Value: "42"}
	weight := func(i int, v int32) patchOp {
		return patchOp{Op: "add", Path: "/spec/rules/2/backendRefs/" + string(rune('0'+i)) + "/weight", Value: v}
	}
	for _, tc := range []struct {
		name    string
		refs    []backendRef
		w       rollout.Weights
		want    []patchOp
		wantErr string
	}{
		{
			name: "changed weights only, after the guard",
			refs: []backendRef{ref("web-stable", 80, 100), ref("web-canary", 80, 0)},
			w:    rollout.Weights{"stable": 90, "canary": 10},
			want: []patchOp{guard, weight(0, 90), weight(1, 10)},
		},
		{
			name: "nothing to change",
			refs: []backendRef{ref("web-stable", 80, 90), ref("web-canary", 80, 10)},
			w:    rollout.Weights{"stable": 90, "canary": 10},
		},
		{
			name: "an unset weight is written even when it is the default",
			refs: []backendRef{ref("web-stable", 80, 0), {Name: "web-canary"}},
			w:    rollout.Weights{"canary": 1, "stable": 99},
			want: []patchOp{guard, weight(0, 99), weight(1, 1)},
		},
		{
			name: "second backendRef to a destination's Service gets 0",
			refs: []backendRef{ref("web-stable", 80, 50), ref("web-stable", 81, 50), ref("web-canary", 80, 0)},
			w:    rollout.Weights{"stable": 100},
			want: []patchOp{guard, weight(0, 100), weight(1, 0)},
		},
		{
			name: "undeclared backendRefs get 0 unless a raw key names them",
			refs: []backendRef{ref("web-stable", 80, 50), ref("legacy", 80, 25), ref("old", 80, 25)},
			w:    rollout.Weights{"stable": 80, "legacy:80": 20},
			want: []patchOp{guard, weight(0, 80), weight(1, 20), weight(2, 0)},
		},
		{
			name: "a destination without backendRef may have 0",
			refs: []backendRef{ref("web-stable", 80, 10)},
			w:    rollout.Weights{"stable": 100, "canary": 0},
			want: []patchOp{guard, weight(0, 100)},
		},
		{
			name:    "a destination without backendRef may not have traffic",
			refs:    []backendRef{ref("web-stable", 80, 100)},
			w:       rollout.Weights{"stable": 90, "canary": 10},
			wantErr: `the rule has no backendRef to Service "web-canary": add it to the route's rule 2`,
		},
		{
			name:    "a raw key without backendRef may not have traffic",
			refs:    []backendRef{ref("web-stable", 80, 100)},
			w:       rollout.Weights{"stable": 90, "gone:80": 10},
			wantErr: `the rule has no backendRef "gone:80"`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := g.weightOps("42", tc.refs, tc.w)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("ops\n got  %+v\n want %+v", got, tc.want)
			}
		})
	}
}
