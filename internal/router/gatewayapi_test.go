package router_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/kubeapi"
	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
	"github.com/golive-dev/terraform-provider-golive/internal/router"
)

var webDests = []rollout.Destination{{Name: "stable", Target: "web-stable"}, {Name: "canary", Target: "web-canary"}}

// gatewayRouter routes on rule of namespace/web through a client of its
// own; onPatch, when set, runs before each PATCH the router sends.
func gatewayRouter(t *testing.T, s *kubeapi.Server, namespace string, rule int, onPatch func()) (*router.GatewayAPI, *atomic.Int32) {
	t.Helper()
	patches := &atomic.Int32{}
	cfg := rest.CopyConfig(s.Config)
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(req *http.Request) (*http.Response, error) {
			if req.Method == http.MethodPatch {
				patches.Add(1)
				if onPatch != nil {
					onPatch()
				}
			}
			return rt.RoundTrip(req)
		})
	}
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return router.NewGatewayAPI(client, router.HTTPRoute{Namespace: namespace, Name: "web", Rule: rule}, webDests), patches
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestGatewayAPI_readWeights(t *testing.T) {
	s := kubeapi.Shared(t)
	ns := s.Namespace(t)
	s.CreateRoute(t, kubeapi.NewRoute(ns, "web",
		[]kubeapi.Backend{kubeapi.Weighted("other", 80, 1)},
		[]kubeapi.Backend{kubeapi.Weighted("web-stable", 80, 90), kubeapi.Weighted("web-canary", 80, 10), kubeapi.Weighted("legacy", 8080, 0)},
	))
	r, _ := gatewayRouter(t, s, ns, 1, nil)
	got, err := r.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "weights", got, rollout.Weights{"stable": 90, "canary": 10, "legacy:8080": 0})
	mustEqual(t, "String", r.String(), "HTTPRoute "+ns+"/web rule 1")
}

// Route weights are relative, and a backendRef without one weighs 1.
func TestGatewayAPI_readNormalises(t *testing.T) {
	s := kubeapi.Shared(t)
	ns := s.Namespace(t)
	s.CreateRoute(t, kubeapi.NewRoute(ns, "web",
		[]kubeapi.Backend{kubeapi.Weighted("web-stable", 80, 3), kubeapi.Weighted("web-canary", 80, 1)},
		[]kubeapi.Backend{{Service: "web-stable", Port: 80}, {Service: "web-canary", Port: 80}},
	))
	for rule, want := range []rollout.Weights{{"stable": 75, "canary": 25}, {"stable": 50, "canary": 50}} {
		r, _ := gatewayRouter(t, s, ns, rule, nil)
		got, err := r.Read(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		mustEqual(t, "weights", got, want)
	}
}

// Set changes the weights of its rule and nothing else of the route.
func TestGatewayAPI_setChangesOnlyWeights(t *testing.T) {
	s := kubeapi.Shared(t)
	ns := s.Namespace(t)
	route := kubeapi.NewRoute(ns, "web",
		[]kubeapi.Backend{kubeapi.Weighted("web-stable", 80, 100)},
		[]kubeapi.Backend{kubeapi.Weighted("web-stable", 80, 100), {Service: "web-canary", Port: 80}},
	)
	route.Spec.Hostnames = []gatewayv1.Hostname{"web.example.com"}
	route.Spec.Rules[1].Matches = []gatewayv1.HTTPRouteMatch{{Path: &gatewayv1.HTTPPathMatch{
		Type: ptr.To(gatewayv1.PathMatchPathPrefix), Value: ptr.To("/api"),
	}}}
	before := s.CreateRoute(t, route)
	r, patches := gatewayRouter(t, s, ns, 1, nil)

	if err := r.Set(context.Background(), rollout.Weights{"stable": 90, "canary": 10}); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "rule 1 read back", s.Weights(t, ns, "web", 1), map[string]int32{"web-stable:80": 90, "web-canary:80": 10})
	mustEqual(t, "PATCH requests", patches.Load(), int32(1))
	after := s.Route(t, ns, "web")
	mustEqual(t, "rule 0", after.Spec.Rules[0], before.Spec.Rules[0])
	mustEqual(t, "hostnames", after.Spec.Hostnames, before.Spec.Hostnames)
	mustEqual(t, "rule 1 matches", after.Spec.Rules[1].Matches, before.Spec.Rules[1].Matches)
	managers := map[string]bool{}
	for _, f := range after.ManagedFields {
		managers[f.Manager] = true
	}
	if !managers[router.FieldManager] {
		t.Fatalf("managedFields name %v, want %q among them", managers, router.FieldManager)
	}

	// Weights already as asked: no write at all.
	if err := r.Set(context.Background(), rollout.Weights{"stable": 90, "canary": 10}); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "PATCH requests after an unchanged Set", patches.Load(), int32(1))
}

// A destination absent from the weights, and a backendRef no destination
// declares, get no traffic; a raw key gives an undeclared backendRef its
// weight.
func TestGatewayAPI_setRawKeysAndAbsentDestinations(t *testing.T) {
	s := kubeapi.Shared(t)
	ns := s.Namespace(t)
	s.CreateRoute(t, kubeapi.NewRoute(ns, "web", []kubeapi.Backend{
		kubeapi.Weighted("web-stable", 80, 50), kubeapi.Weighted("web-canary", 80, 25), kubeapi.Weighted("legacy", 8080, 25),
	}))
	r, _ := gatewayRouter(t, s, ns, 0, nil)
	if err := r.Set(context.Background(), rollout.Weights{"canary": 100}); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "read back", s.Weights(t, ns, "web", 0), map[string]int32{"web-stable:80": 0, "web-canary:80": 100, "legacy:8080": 0})
	if err := r.Set(context.Background(), rollout.Weights{"stable": 70, "legacy:8080": 30}); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "read back", s.Weights(t, ns, "web", 0), map[string]int32{"web-stable:80": 70, "web-canary:80": 0, "legacy:8080": 30})
}

// A route edited between the router's read and its write (here a
// backendRef inserted before the others, which moves their indices) is
// re-read and patched again, and the edit survives.
func TestGatewayAPI_concurrentEditIsKept(t *testing.T) {
	s := kubeapi.Shared(t)
	ns := s.Namespace(t)
	s.CreateRoute(t, kubeapi.NewRoute(ns, "web", []kubeapi.Backend{kubeapi.Weighted("web-stable", 80, 100), kubeapi.Weighted("web-canary", 80, 0)}))
	other := s.Dynamic(t).Resource(kubeapi.HTTPRoutes).Namespace(ns)
	var edited atomic.Bool
	r, patches := gatewayRouter(t, s, ns, 0, func() {
		if edited.Swap(true) {
			return
		}
		insert := `[{"op":"add","path":"/spec/rules/0/backendRefs/0","value":{"name":"mirror","port":80,"weight":0}}]`
		if _, err := other.Patch(context.Background(), "web", types.JSONPatchType, []byte(insert), metav1.PatchOptions{}); err != nil {
			t.Errorf("concurrent edit: %v", err)
		}
	})
	if err := r.Set(context.Background(), rollout.Weights{"stable": 60, "canary": 40}); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "read back", s.Weights(t, ns, "web", 0), map[string]int32{"mirror:80": 0, "web-stable:80": 60, "web-canary:80": 40})
	mustEqual(t, "PATCH requests (refused once, then applied)", patches.Load(), int32(2))
}

// A route that keeps changing under the router fails the Set after a
// bounded number of attempts, saying so, and keeps its weights.
func TestGatewayAPI_conflictsAreBounded(t *testing.T) {
	s := kubeapi.Shared(t)
	ns := s.Namespace(t)
	s.CreateRoute(t, kubeapi.NewRoute(ns, "web", []kubeapi.Backend{kubeapi.Weighted("web-stable", 80, 100), kubeapi.Weighted("web-canary", 80, 0)}))
	other := s.Dynamic(t).Resource(kubeapi.HTTPRoutes).Namespace(ns)
	var n atomic.Int32
	r, patches := gatewayRouter(t, s, ns, 0, func() {
		label := `{"metadata":{"labels":{"edit":"` + string('a'+n.Add(1)) + `"}}}`
		if _, err := other.Patch(context.Background(), "web", types.MergePatchType, []byte(label), metav1.PatchOptions{}); err != nil {
			t.Errorf("concurrent edit: %v", err)
		}
	})
	err := r.Set(context.Background(), rollout.Weights{"stable": 50, "canary": 50})
	if err == nil || !strings.Contains(err.Error(), "HTTPRoute "+ns+"/web rule 0: the route changed under each of 5 attempts") {
		t.Fatalf("Set on a route that keeps changing: %v, want a bounded failure naming the route", err)
	}
	mustEqual(t, "PATCH requests", patches.Load(), int32(5))
	mustEqual(t, "read back", s.Weights(t, ns, "web", 0), map[string]int32{"web-stable:80": 100, "web-canary:80": 0})
}

func TestGatewayAPI_missingRouteOrRule(t *testing.T) {
	s := kubeapi.Shared(t)
	ns := s.Namespace(t)
	r, _ := gatewayRouter(t, s, ns, 0, nil)
	_, err := r.Read(context.Background())
	if !errors.Is(err, router.ErrNotFound) || err.Error() != "HTTPRoute "+ns+"/web does not exist" {
		t.Fatalf("Read of a missing route: %v, want ErrNotFound naming it", err)
	}
	if err := r.Set(context.Background(), rollout.Weights{"stable": 100}); !errors.Is(err, router.ErrNotFound) {
		t.Fatalf("Set on a missing route: %v, want ErrNotFound", err)
	}

	s.CreateRoute(t, kubeapi.NewRoute(ns, "web", []kubeapi.Backend{kubeapi.Weighted("web-stable", 80, 100)}))
	r, _ = gatewayRouter(t, s, ns, 3, nil)
	_, err = r.Read(context.Background())
	if !errors.Is(err, router.ErrNotFound) || err.Error() != "HTTPRoute "+ns+"/web rule 3 does not exist (the route has 1 rule)" {
		t.Fatalf("Read of a missing rule: %v, want ErrNotFound naming route and rule", err)
	}
}

// A destination that should get traffic must be a backendRef of the rule
// already: golive sets weights, it does not edit the route's backends.
func TestGatewayAPI_destinationWithoutBackendRef(t *testing.T) {
	s := kubeapi.Shared(t)
	ns := s.Namespace(t)
	s.CreateRoute(t, kubeapi.NewRoute(ns, "web", []kubeapi.Backend{kubeapi.Weighted("web-stable", 80, 100)}))
	r, patches := gatewayRouter(t, s, ns, 0, nil)
	err := r.Set(context.Background(), rollout.Weights{"stable": 90, "canary": 10})
	if err == nil || !strings.Contains(err.Error(), `the rule has no backendRef to Service "web-canary": add it to the route's rule 0`) {
		t.Fatalf("Set to a destination the rule lacks: %v", err)
	}
	mustEqual(t, "PATCH requests", patches.Load(), int32(0))
	unrouted, err := r.Unrouted(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "Unrouted", unrouted, []rollout.Destination{webDests[1]})
	// At weight 0 it is simply not there.
	if err := r.Set(context.Background(), rollout.Weights{"stable": 100, "canary": 0}); err != nil {
		t.Fatal(err)
	}
}

// With a port, only backendRefs on that port belong to destinations.
func TestGatewayAPI_port(t *testing.T) {
	s := kubeapi.Shared(t)
	ns := s.Namespace(t)
	s.CreateRoute(t, kubeapi.NewRoute(ns, "web", []kubeapi.Backend{
		kubeapi.Weighted("web-stable", 8080, 50), kubeapi.Weighted("web-stable", 80, 50), kubeapi.Weighted("web-canary", 80, 0),
	}))
	client, err := dynamic.NewForConfig(s.Config)
	if err != nil {
		t.Fatal(err)
	}
	r := router.NewGatewayAPI(client, router.HTTPRoute{Namespace: ns, Name: "web", Port: 80}, webDests)
	got, err := r.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "weights", got, rollout.Weights{"stable": 50, "canary": 0, "web-stable:8080": 50})
	if err := r.Set(context.Background(), rollout.Weights{"stable": 80, "canary": 20}); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "read back", s.Weights(t, ns, "web", 0), map[string]int32{"web-stable:8080": 0, "web-stable:80": 80, "web-canary:80": 20})
}

// The route's acceptance, as the Gateway controllers report it in its
// status (written here as a controller would: the server runs none), is a
// gate: it fails only when parents reported on the route's current
// generation and none accepts it.
func TestGatewayAPI_acceptedGate(t *testing.T) {
	s := kubeapi.Shared(t)
	ns := s.Namespace(t)
	s.CreateRoute(t, kubeapi.NewRoute(ns, "web", []kubeapi.Backend{kubeapi.Weighted("web-stable", 80, 100), kubeapi.Weighted("web-canary", 80, 0)}))
	r, _ := gatewayRouter(t, s, ns, 0, nil)
	gate := r.AcceptedGate()
	mustEqual(t, "Name", gate.Name(), "HTTPRoute "+ns+"/web accepted")
	rejected := kubeapi.Parent{Gateway: "gw", Reason: "NotAllowedByListeners", Message: "no listener allows routes from namespace " + ns}
	for _, c := range []struct {
		name    string
		parents []kubeapi.Parent
		err     string
	}{
		{name: "no controller has reported"},
		{name: "accepted", parents: []kubeapi.Parent{{Gateway: "gw", Accepted: true, Reason: "Accepted"}}},
		{name: "rejected", parents: []kubeapi.Parent{rejected},
			err: "HTTPRoute " + ns + "/web is accepted by none of its parents: Gateway " + ns + "/gw (controller " + kubeapi.TestController + ") " +
				"says Accepted=False (NotAllowedByListeners): no listener allows routes from namespace " + ns + ": fix the route's parentRefs"},
		{name: "accepted by another parent", parents: []kubeapi.Parent{rejected, {Gateway: "internal", Accepted: true, Reason: "Accepted"}}},
		{name: "rejected at an older generation", parents: []kubeapi.Parent{{Gateway: "gw", Reason: "NoMatchingParent", Observed: 1}}},
	} {
		s.SetParents(t, ns, "web", c.parents...)
		if c.name == "rejected at an older generation" {
			// The route changes after the verdict: it is about an older spec.
			if err := r.Set(context.Background(), rollout.Weights{"stable": 90, "canary": 10}); err != nil {
				t.Fatal(err)
			}
		}
		err := gate.Check(context.Background())
		switch {
		case c.err == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: %v\nwant ...%s...", c.name, err, c.err)
		}
	}
}
