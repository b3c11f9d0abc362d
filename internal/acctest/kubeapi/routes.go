package kubeapi

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/dynamic"
	"k8s.io/utils/ptr"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
)

var namespaceSeq atomic.Int64

// Namespace returns a namespace name of the test's own. The server has no
// Namespace objects (no core API): a unique name is all the isolation the
// tests need.
func (s *Server) Namespace(t testing.TB) string {
	t.Helper()
	name := strings.ToLower(regexp.MustCompile(`[^a-zA-Z0-9]+`).ReplaceAllString(t.Name(), "-"))
	suffix := "-" + strconv.FormatInt(namespaceSeq.Add(1), 10)
	if limit := 63 - len(suffix); len(name) > limit {
		name = name[:limit]
	}
	return strings.Trim(name, "-") + suffix
}

// Dynamic is a fresh client-go dynamic client acting as the admin, for
// checking what golive did independently of golive's own client.
func (s *Server) Dynamic(t testing.TB) dynamic.Interface {
	t.Helper()
	c, err := dynamic.NewForConfig(s.Config)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var kubeconfigOnce sync.Once

// Kubeconfig is the path of a kubeconfig file for the admin user, with
// the CA and client certificate inline, context "golive-test".
func (s *Server) Kubeconfig(t testing.TB) string {
	t.Helper()
	path := filepath.Join(s.dir, "admin.kubeconfig")
	var err error
	kubeconfigOnce.Do(func() { err = os.WriteFile(path, []byte(s.KubeconfigYAML()), 0o600) })
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// KubeconfigYAML is the admin kubeconfig's content.
func (s *Server) KubeconfigYAML() string {
	return fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: golive-test
  cluster:
    server: %s
    certificate-authority-data: %s
contexts:
- name: golive-test
  context: {cluster: golive-test, user: admin}
current-context: golive-test
users:
- name: admin
  user:
    client-certificate-data: %s
    client-key-data: %s
`, s.URL, b64(s.pki.caCert), b64(s.pki.clientCert), b64(s.pki.clientKey))
}

// CA is the PEM certificate of the authority the server and the admin
// user's certificates come from.
func (s *Server) CA() string { return string(s.pki.caCert) }

// ClientCert is the admin user's PEM certificate.
func (s *Server) ClientCert() string { return string(s.pki.clientCert) }

// ClientKey is the admin user's PEM private key.
func (s *Server) ClientKey() string { return string(s.pki.clientKey) }

// Backend is one backendRef of a test route: a Service in the route's
// namespace, its port and, when set, its weight.
type Backend struct {
	Service string
	Port    int32
	Weight  *int32
}

// Weighted is a Backend with a weight.
func Weighted(service string, port, weight int32) Backend {
	return Backend{Service: service, Port: port, Weight: ptr.To(weight)}
}

// NewRoute builds an HTTPRoute attached to Gateway "gw" with one rule per
// list of backends.
func NewRoute(namespace, name string, rules ...[]Backend) *gatewayv1.HTTPRoute {
	r := &gatewayv1.HTTPRoute{
		TypeMeta:   metav1.TypeMeta{APIVersion: "gateway.networking.k8s.io/v1", Kind: "HTTPRoute"},
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: gatewayv1.HTTPRouteSpec{CommonRouteSpec: gatewayv1.CommonRouteSpec{
			ParentRefs: []gatewayv1.ParentReference{{Name: "gw"}},
		}},
	}
	for _, backends := range rules {
		var rule gatewayv1.HTTPRouteRule
		for _, b := range backends {
			ref := gatewayv1.HTTPBackendRef{}
			ref.Name = gatewayv1.ObjectName(b.Service)
			ref.Port = ptr.To(b.Port)
			ref.Weight = b.Weight
			rule.BackendRefs = append(rule.BackendRefs, ref)
		}
		r.Spec.Rules = append(r.Spec.Rules, rule)
	}
	return r
}

// CreateRoute creates route and returns it as the server stored it.
func (s *Server) CreateRoute(t testing.TB, route *gatewayv1.HTTPRoute) *gatewayv1.HTTPRoute {
	t.Helper()
	created, err := s.TryCreateRoute(route)
	if err != nil {
		t.Fatalf("creating HTTPRoute %s/%s: %v", route.Namespace, route.Name, err)
	}
	return created
}

// TryCreateRoute creates route and returns the server's answer, for tests
// that expect a refusal.
func (s *Server) TryCreateRoute(route *gatewayv1.HTTPRoute) (*gatewayv1.HTTPRoute, error) {
	obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(route)
	if err != nil {
		return nil, err
	}
	client, err := dynamic.NewForConfig(s.Config)
	if err != nil {
		return nil, err
	}
	created, err := client.Resource(HTTPRoutes).Namespace(route.Namespace).
		Create(context.Background(), &unstructured.Unstructured{Object: obj}, metav1.CreateOptions{})
	if err != nil {
		return nil, err
	}
	var r gatewayv1.HTTPRoute
	return &r, runtime.DefaultUnstructuredConverter.FromUnstructured(created.Object, &r)
}

// TestController is the controllerName under which SetParents reports, as
// a Gateway controller would: the server runs none.
const TestController = "golive.test/gateway-controller"

// Parent is a Gateway's verdict on a route: Accepted True or False, with
// a reason and message, for the route generation observed (0: the
// route's current one).
type Parent struct {
	Gateway  string
	Accepted bool
	Reason   string
	Message  string
	Observed int64
}

// SetParents writes the route's status.parents as the Gateway controller
// would (through the status subresource).
func (s *Server) SetParents(t testing.TB, namespace, name string, parents ...Parent) {
	t.Helper()
	routes := s.Dynamic(t).Resource(HTTPRoutes).Namespace(namespace)
	obj, err := routes.Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading HTTPRoute %s/%s: %v", namespace, name, err)
	}
	route := toRoute(t, obj)
	route.Status.Parents = []gatewayv1.RouteParentStatus{}
	for _, p := range parents {
		status, observed := metav1.ConditionFalse, p.Observed
		if p.Accepted {
			status = metav1.ConditionTrue
		}
		if observed == 0 {
			observed = route.Generation
		}
		route.Status.Parents = append(route.Status.Parents, gatewayv1.RouteParentStatus{
			ParentRef:      gatewayv1.ParentReference{Name: gatewayv1.ObjectName(p.Gateway)},
			ControllerName: TestController,
			Conditions: []metav1.Condition{{Type: "Accepted", Status: status, Reason: p.Reason, Message: p.Message,
				ObservedGeneration: observed, LastTransitionTime: metav1.Now()}},
		})
	}
	content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(route)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := routes.UpdateStatus(context.Background(), &unstructured.Unstructured{Object: content}, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("writing the status of HTTPRoute %s/%s: %v", namespace, name, err)
	}
}

// Route reads an HTTPRoute with a client of its own.
func (s *Server) Route(t testing.TB, namespace, name string) *gatewayv1.HTTPRoute {
	t.Helper()
	obj, err := s.Dynamic(t).Resource(HTTPRoutes).Namespace(namespace).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading HTTPRoute %s/%s: %v", namespace, name, err)
	}
	return toRoute(t, obj)
}

// Weights reads the weights of a rule's backendRefs, keyed
// "<service>:<port>"; an unset weight is reported as the API's default, 1.
func (s *Server) Weights(t testing.TB, namespace, name string, rule int) map[string]int32 {
	t.Helper()
	r := s.Route(t, namespace, name)
	if rule >= len(r.Spec.Rules) {
		t.Fatalf("HTTPRoute %s/%s has %d rules, no rule %d", namespace, name, len(r.Spec.Rules), rule)
	}
	out := map[string]int32{}
	for _, ref := range r.Spec.Rules[rule].BackendRefs {
		key := string(ref.Name)
		if ref.Port != nil {
			key += ":" + strconv.Itoa(int(*ref.Port))
		}
		out[key] = ptr.Deref(ref.Weight, 1)
	}
	return out
}

func toRoute(t testing.TB, obj *unstructured.Unstructured) *gatewayv1.HTTPRoute {
	t.Helper()
	var r gatewayv1.HTTPRoute
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}
