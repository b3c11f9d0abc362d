package router

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

var _ rollout.Router = (*GatewayAPI)(nil)

// HTTPRoutes is the Gateway API resource GatewayAPI routes with.
var HTTPRoutes = schema.GroupVersionResource{Group: "gateway.networking.k8s.io", Version: "v1", Resource: "httproutes"}

// FieldManager names golive in the managedFields of what it writes.
const FieldManager = "golive"

// conflictAttempts bounds how often Set re-reads and re-patches a route
// that changed between its read and its write.
const conflictAttempts = 5

// HTTPRoute names one rule of a Gateway API HTTPRoute.
type HTTPRoute struct {
	Namespace string
	Name      string
	Rule      int   // index into spec.rules
	Port      int32 // when not 0, only backendRefs with this port belong to destinations
}

// GatewayAPI routes with the weights of the backendRefs of one rule of an
// existing HTTPRoute. Destination targets are Service names in the route's
// namespace. It changes weights only: the route, its other rules and the
// backendRefs themselves belong to whoever declared the route (Helm, the
// Kubernetes provider, kubectl), so a destination must already be one of
// the rule's backendRefs before it can get traffic.
type GatewayAPI struct {
	client dynamic.NamespaceableResourceInterface
	route  HTTPRoute
	dests  []rollout.Destination
}

// NewGatewayAPI routes on route through a client-go dynamic client.
func NewGatewayAPI(client dynamic.Interface, route HTTPRoute, dests []rollout.Destination) *GatewayAPI {
	return &GatewayAPI{client: client.Resource(HTTPRoutes), route: route, dests: dests}
}

func (g *GatewayAPI) String() string { return g.route.String() }

func (r HTTPRoute) String() string {
	return fmt.Sprintf("HTTPRoute %s/%s rule %d", r.Namespace, r.Name, r.Rule)
}

// Read returns the rule's weights as percentages of their total; a
// backendRef without a weight has the API's default, 1. A missing route or
// rule is an error that wraps ErrNotFound.
func (g *GatewayAPI) Read(ctx context.Context) (rollout.Weights, error) {
	_, refs, err := g.read(ctx)
	if errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("reading weights of %s: %w", g, err)
	}
	raw := map[string]int{}
	for _, ref := range refs {
		raw[g.keyOf(ref)] += int(ref.weight())
	}
	return normalise(keyed(raw, g.dests)), nil
}

// Unrouted returns the destinations that no backendRef of the rule
// belongs to, in declared order: those cannot get traffic until the route
// lists them. A missing route or rule is an error that wraps ErrNotFound.
func (g *GatewayAPI) Unrouted(ctx context.Context) ([]rollout.Destination, error) {
	_, refs, err := g.read(ctx)
	if errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("reading the backendRefs of %s: %w", g, err)
	}
	var out []rollout.Destination
	for _, d := range g.dests {
		if g.firstRef(refs, targetWeight{target: d.Target, declared: true}) < 0 {
			out = append(out, d)
		}
	}
	return out, nil
}

// Set writes w as the rule's weights with a JSON patch of the weights
// alone, guarded by the resourceVersion it read: backendRefs are addressed
// by index, so a route edited in between (a backendRef inserted, say) must
// not be patched blind. On a conflict it re-reads and tries again, a
// bounded number of times. Weights already as asked make no write.
func (g *GatewayAPI) Set(ctx context.Context, w rollout.Weights) error {
	if err := checkPercents(w); err != nil {
		return fmt.Errorf("setting %s on %s: %w", w, g, err)
	}
	for attempt := 1; ; attempt++ {
		rv, refs, err := g.read(ctx)
		if err != nil {
			return fmt.Errorf("setting %s on %s: %w", w, g, err)
		}
		ops, err := g.weightOps(rv, refs, w)
		if err != nil || ops == nil {
			if err != nil {
				err = fmt.Errorf("setting %s on %s: %w", w, g, err)
			}
			return err
		}
		err = g.patch(ctx, ops)
		switch {
		case err == nil:
			return nil
		case apierrors.IsConflict(err) && attempt < conflictAttempts:
			continue
		case apierrors.IsConflict(err):
			return fmt.Errorf("setting %s on %s: the route changed under each of %d attempts (someone else is editing it): %w", w, g, attempt, err)
		case apierrors.IsNotFound(err):
			return fmt.Errorf("setting %s on %s: %s/%s %w", w, g, g.route.Namespace, g.route.Name, ErrNotFound)
		default:
			return fmt.Errorf("setting %s on %s: %w", w, g, err)
		}
	}
}

func (g *GatewayAPI) patch(ctx context.Context, ops []patchOp) error {
	body, err := json.Marshal(ops)
	if err != nil {
		return err
	}
	_, err = g.client.Namespace(g.route.Namespace).Patch(ctx, g.route.Name, types.JSONPatchType, body, metav1.PatchOptions{FieldManager: FieldManager})
	return err
}

// read returns the route's resourceVersion and the rule's backendRefs.
func (g *GatewayAPI) read(ctx context.Context) (string, []backendRef, error) {
	obj, err := g.client.Namespace(g.route.Namespace).Get(ctx, g.route.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return "", nil, fmt.Errorf("HTTPRoute %s/%s %w", g.route.Namespace, g.route.Name, ErrNotFound)
	}
	if err != nil {
		return "", nil, err
	}
	var route httpRoute
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj.UnstructuredContent(), &route); err != nil {
		return "", nil, fmt.Errorf("decoding HTTPRoute %s/%s: %w", g.route.Namespace, g.route.Name, err)
	}
	if n := len(route.Spec.Rules); g.route.Rule < 0 || g.route.Rule >= n {
		return "", nil, fmt.Errorf("%s %w (the route has %d %s)", g, ErrNotFound, n, plural(n, "rule", "rules"))
	}
	return obj.GetResourceVersion(), route.Spec.Rules[g.route.Rule].BackendRefs, nil
}

// patchOp is one operation of a JSON patch (RFC 6902).
type patchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value"`
}

// weightOps is the JSON patch that gives the rule's backendRefs the
// weights w, or nil when they have them already. Its first operation sets
// the resourceVersion read, which makes the API server refuse the patch
// with a conflict if the route has changed since. Each destination's
// weight goes to the first backendRef to its Service (others to it get
// 0); a raw key's to the first backendRef with that key; backendRefs
// nothing in w names get 0. A destination or raw key that should get
// traffic but has no backendRef is an error that says how to fix it.
func (g *GatewayAPI) weightOps(resourceVersion string, refs []backendRef, w rollout.Weights) ([]patchOp, error) {
	want := make([]int32, len(refs))
	for _, tw := range byTarget(w, g.dests) {
		i := g.firstRef(refs, tw)
		if i < 0 {
			if tw.weight == 0 {
				continue
			}
			return nil, g.missingRef(tw)
		}
		want[i] = int32(tw.weight)
	}
	var ops []patchOp
	for i, ref := range refs {
		if ref.Weight == nil || *ref.Weight != want[i] {
			path := fmt.Sprintf("/spec/rules/%d/backendRefs/%d/weight", g.route.Rule, i)
			ops = append(ops, patchOp{Op: "add", Path: path, Value: want[i]})
		}
	}
	if len(ops) == 0 {
		return nil, nil
	}
	guard := patchOp{Op: "replace", Path: "/metadata/resourceVersion", Value: resourceVersion}
	return append([]patchOp{guard}, ops...), nil
}

// firstRef is the index of the first backendRef tw's target names, or -1.
func (g *GatewayAPI) firstRef(refs []backendRef, tw targetWeight) int {
	for i, ref := range refs {
		if tw.declared && g.belongsTo(ref, tw.target) || !tw.declared && g.keyOf(ref) == tw.target {
			return i
		}
	}
	return -1
}

func (g *GatewayAPI) missingRef(tw targetWeight) error {
	if !tw.declared {
		return fmt.Errorf("the rule has no backendRef %q", tw.target)
	}
	port := ""
	if g.route.Port != 0 {
		port = " port " + strconv.Itoa(int(g.route.Port))
	}
	return fmt.Errorf("the rule has no backendRef to Service %q%s: add it to the route's rule %d (golive sets weights; it does not add backends)",
		tw.target, port, g.route.Rule)
}

// belongsTo says whether ref is Service service in the route's namespace
// (on the configured port, if any).
func (g *GatewayAPI) belongsTo(ref backendRef, service string) bool {
	return ref.isLocalService(g.route.Namespace) && ref.Name == service &&
		(g.route.Port == 0 || ref.Port != nil && *ref.Port == g.route.Port)
}

// keyOf is the key under which Read reports ref: a destination's target
// (its Service name) when ref belongs to one, else a raw key:
// "<service>:<port>" for a Service in the route's namespace,
// "<namespace>/<service>:<port>" for one in another namespace, and
// "<group>/<kind>/<namespace>/<name>:<port>" for other kinds.
func (g *GatewayAPI) keyOf(ref backendRef) string {
	for _, d := range g.dests {
		if g.belongsTo(ref, d.Target) {
			return d.Target
		}
	}
	key := ref.Name
	if ns := deref(ref.Namespace); ns != "" && ns != g.route.Namespace || !ref.isService() {
		key = ref.namespaceOr(g.route.Namespace) + "/" + key
	}
	if !ref.isService() {
		key = deref(ref.Group) + "/" + deref(ref.Kind) + "/" + key
	}
	if ref.Port != nil {
		key += ":" + strconv.Itoa(int(*ref.Port))
	}
	return key
}

// httpRoute is the part of an HTTPRoute the router reads.
type httpRoute struct {
	Spec struct {
		Rules []struct {
			BackendRefs []backendRef `json:"backendRefs"`
		} `json:"rules"`
	} `json:"spec"`
}

// backendRef is a backendRef of an HTTPRoute rule. Group and kind default
// to "" and "Service", namespace to the route's, weight to 1.
type backendRef struct {
	Group     *string `json:"group,omitempty"`
	Kind      *string `json:"kind,omitempty"`
	Name      string  `json:"name"`
	Namespace *string `json:"namespace,omitempty"`
	Port      *int32  `json:"port,omitempty"`
	Weight    *int32  `json:"weight,omitempty"`
}

func (r backendRef) weight() int32 {
	if r.Weight == nil {
		return 1
	}
	return *r.Weight
}

func (r backendRef) isService() bool {
	return deref(r.Group) == "" && (r.Kind == nil || *r.Kind == "Service")
}

func (r backendRef) isLocalService(namespace string) bool {
	return r.isService() && r.namespaceOr(namespace) == namespace
}

func (r backendRef) namespaceOr(namespace string) string {
	if ns := deref(r.Namespace); ns != "" {
		return ns
	}
	return namespace
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
