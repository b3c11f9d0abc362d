package router

import (
	"context"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

// AcceptedGate is a gate on the route's status as the controllers of its
// parents (Gateways) report it: it fails when they have reported on the
// route and none accepts it, since weights on a route that no Gateway
// serves move no traffic and a cutover on it would look healthy while
// releasing nothing.
//
// A parent rejects the route when its Accepted condition is False for the
// route's current generation (a verdict on an older spec may be stale). A
// route without status, which no controller has reported on (or whose
// controller does not write status), is not judged, nor is ResolvedRefs:
// a backendRef that does not resolve gets HTTP 500 for its share of the
// requests, which an HTTP or metric gate sees, and refusing every cutover
// for it would also refuse the one that moves traffic away from it.
func (g *GatewayAPI) AcceptedGate() rollout.Gate { return routeAccepted{g} }

type routeAccepted struct{ g *GatewayAPI }

// Name is `HTTPRoute shop/web accepted`.
func (a routeAccepted) Name() string {
	return fmt.Sprintf("HTTPRoute %s/%s accepted", a.g.route.Namespace, a.g.route.Name)
}

func (a routeAccepted) Check(ctx context.Context) error {
	r := a.g.route
	obj, err := a.g.client.Namespace(r.Namespace).Get(ctx, r.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return fmt.Errorf("HTTPRoute %s/%s %w", r.Namespace, r.Name, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("reading the status of HTTPRoute %s/%s: %w", r.Namespace, r.Name, err)
	}
	var st routeStatus
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj.UnstructuredContent(), &st); err != nil {
		return fmt.Errorf("decoding the status of HTTPRoute %s/%s: %w", r.Namespace, r.Name, err)
	}
	rejected, accepted := st.acceptance(obj.GetGeneration(), r.Namespace)
	if accepted || len(rejected) == 0 {
		return nil
	}
	return fmt.Errorf("HTTPRoute %s/%s is accepted by none of its parents: %s: fix the route's parentRefs or the Gateway's listeners (allowedRoutes, hostnames)",
		r.Namespace, r.Name, strings.Join(rejected, "; "))
}

// routeStatus is the part of an HTTPRoute's status the gate reads.
type routeStatus struct {
	Status struct {
		Parents []routeParentStatus `json:"parents"`
	} `json:"status"`
}

type routeParentStatus struct {
	ParentRef struct {
		Group       *string `json:"group,omitempty"`
		Kind        *string `json:"kind,omitempty"`
		Namespace   *string `json:"namespace,omitempty"`
		Name        string  `json:"name"`
		SectionName *string `json:"sectionName,omitempty"`
	} `json:"parentRef"`
	ControllerName string             `json:"controllerName"`
	Conditions     []metav1.Condition `json:"conditions"`
}

// acceptance says which parents reject the route at generation (each as
// "<parent>: <reason>: <message>") and whether any accepts it.
func (s routeStatus) acceptance(generation int64, namespace string) (rejected []string, accepted bool) {
	for _, p := range s.Status.Parents {
		c := meta.FindStatusCondition(p.Conditions, "Accepted")
		switch {
		case c == nil:
		case c.Status == metav1.ConditionTrue:
			accepted = true
		case c.Status == metav1.ConditionFalse && (c.ObservedGeneration == 0 || c.ObservedGeneration >= generation):
			rejected = append(rejected, fmt.Sprintf("%s says Accepted=False (%s): %s", p.describe(namespace), c.Reason, c.Message))
		}
	}
	return rejected, accepted
}

// describe names the parent: "Gateway shop/public listener https
// (controller gateway.envoyproxy.io/gatewayclass-controller)".
func (p routeParentStatus) describe(namespace string) string {
	ref := p.ParentRef
	kind := "Gateway"
	if ref.Kind != nil && *ref.Kind != "" {
		kind = *ref.Kind
	}
	if ns := deref(ref.Namespace); ns != "" {
		namespace = ns
	}
	s := fmt.Sprintf("%s %s/%s", kind, namespace, ref.Name)
	if sec := deref(ref.SectionName); sec != "" {
		s += " listener " + sec
	}
	if p.ControllerName != "" {
		s += " (controller " + p.ControllerName + ")"
	}
	return s
}
