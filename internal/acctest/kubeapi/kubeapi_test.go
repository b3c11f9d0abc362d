package kubeapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/discovery"
	"k8s.io/utils/ptr"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/kubeapi"
)

func TestMain(m *testing.M) { kubeapi.Main(m) }

func TestServer_routesRoundTrip(t *testing.T) {
	s := kubeapi.Shared(t)
	ns := s.Namespace(t)
	s.CreateRoute(t, kubeapi.NewRoute(ns, "web", []kubeapi.Backend{
		kubeapi.Weighted("web-stable", 80, 90), kubeapi.Weighted("web-canary", 80, 10),
	}))
	got := s.Weights(t, ns, "web", 0)
	if got["web-stable:80"] != 90 || got["web-canary:80"] != 10 || len(got) != 2 {
		t.Fatalf("weights read back: %v, want web-stable:80=90 web-canary:80=10", got)
	}
}

// The HTTPRoute CRD's CEL rules run: a Service backendRef needs a port.
func TestServer_celValidation(t *testing.T) {
	s := kubeapi.Shared(t)
	route := kubeapi.NewRoute(s.Namespace(t), "web", []kubeapi.Backend{{Service: "web-stable", Weight: ptr.To[int32](1)}})
	route.Spec.Rules[0].BackendRefs[0].Port = nil
	_, err := s.TryCreateRoute(route)
	if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), "Must have port for Service reference") {
		t.Fatalf("creating a route whose Service backendRef has no port: %v, want the CRD's CEL rule to refuse it", err)
	}
}

// Clients find the Gateway API through aggregated discovery of /apis, and
// its schema in the OpenAPI v3 document, as kubectl does.
func TestServer_discoveryAndOpenAPI(t *testing.T) {
	s := kubeapi.Shared(t)
	dc, err := discovery.NewDiscoveryClientForConfig(s.Config)
	if err != nil {
		t.Fatal(err)
	}
	groups, err := dc.ServerGroups()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, g := range groups.Groups {
		found = found || g.Name == "gateway.networking.k8s.io"
	}
	if !found {
		t.Fatalf("discovery of /apis lists %v, want gateway.networking.k8s.io among them", groups.Groups)
	}
	resources, err := dc.ServerResourcesForGroupVersion("gateway.networking.k8s.io/v1")
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, r := range resources.APIResources {
		kinds[r.Kind] = true
	}
	if !kinds["HTTPRoute"] {
		t.Fatalf("gateway.networking.k8s.io/v1 serves %v, want HTTPRoute", kinds)
	}
	// The OpenAPI controller publishes CRDs asynchronously.
	deadline := time.Now().Add(30 * time.Second)
	for {
		paths, err := dc.OpenAPIV3().Paths()
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := paths["apis/gateway.networking.k8s.io/v1"]; ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("OpenAPI v3 paths %v lack apis/gateway.networking.k8s.io/v1", keys(paths))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestStart_missingBinaries(t *testing.T) {
	t.Setenv("GOLIVE_KUBEAPI_BIN", t.TempDir())
	_, err := kubeapi.Start(context.Background())
	if err == nil || !strings.Contains(err.Error(), "make kubeapi") {
		t.Fatalf("Start without binaries: %v, want an error naming `make kubeapi`", err)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
