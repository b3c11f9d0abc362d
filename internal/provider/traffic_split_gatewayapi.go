package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
	"github.com/golive-dev/terraform-provider-golive/internal/router"
)

// gatewayAPIModel is a split's gateway_api block.
type gatewayAPIModel struct {
	Namespace types.String `tfsdk:"namespace"`
	Route     types.String `tfsdk:"route"`
	Rule      types.Int64  `tfsdk:"rule"`
	Port      types.Int64  `tfsdk:"port"`
}

var gatewayAPIAttrTypes = map[string]attr.Type{"namespace": types.StringType, "route": types.StringType, "rule": types.Int64Type, "port": types.Int64Type}

// Kubernetes names: namespaces are DNS-1123 labels, object names DNS-1123
// subdomains, Service names DNS-1035 labels.
var (
	kubeLabelPattern     = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	kubeSubdomainPattern = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
	serviceNamePattern   = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)
)

// serviceTargetValidator judges a gateway_api destination's target.
var serviceTargetValidator = stringvalidator.All(
	stringvalidator.LengthBetween(1, 63),
	stringvalidator.RegexMatches(serviceNamePattern, "must be the name of a Service in the route's namespace: lowercase letters, digits and '-', starting with a letter, e.g. web-canary"),
)

// maxHTTPRouteRules is the Gateway API's limit on the rules of a route.
const maxHTTPRouteRules = 16

func gatewayAPIBlock() schema.ListNestedBlock {
	return single("Route with the weights of the `backendRefs` of one rule of an existing Gateway API `HTTPRoute` on Kubernetes "+
		"(the provider's `kubernetes` block says which cluster). Destinations' `target`s are Services in the route's namespace, and each must "+
		"already be a backendRef of the rule to get traffic: golive changes weights alone (a JSON patch guarded by the route's resourceVersion), "+
		"never the route's backends, matches or parents, and it neither creates nor deletes the route. "+
		"Besides the `rollback` gates, a cutover checks that a Gateway accepts the route: it fails, and rolls back, when the route's parents report "+
		"on it and none has condition `Accepted` True. "+
		"A backendRef no destination declares is reported in `live_weights` as `<service>:<port>` and gets no traffic after a cutover.", map[string]schema.Attribute{
		"namespace": schema.StringAttribute{Required: true, MarkdownDescription: "Namespace of the route and its Services, e.g. `shop`.",
			Validators: []validator.String{stringvalidator.LengthBetween(1, 63),
				stringvalidator.RegexMatches(kubeLabelPattern, "must be a Kubernetes namespace: lowercase letters, digits and '-', starting and ending with a letter or digit")}},
		"route": schema.StringAttribute{Required: true, MarkdownDescription: "Name of the `HTTPRoute`, e.g. `web`.",
			Validators: []validator.String{stringvalidator.LengthBetween(1, 253),
				stringvalidator.RegexMatches(kubeSubdomainPattern, "must be a Kubernetes object name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit")}},
		"rule": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(0),
			MarkdownDescription: fmt.Sprintf("Index of the rule in the route's `spec.rules` whose weights golive owns. Default 0; an HTTPRoute has at most %d rules.", maxHTTPRouteRules),
			Validators:          []validator.Int64{int64validator.Between(0, maxHTTPRouteRules-1)}},
		"port": schema.Int64Attribute{Optional: true,
			MarkdownDescription: "Only backendRefs on this port belong to destinations, for a rule that sends to a Service on two ports. Unset: any port.",
			Validators:          []validator.Int64{int64validator.Between(1, 65535)}},
	})
}

// decodeGatewayAPI fills in the split's gateway_api block, if written.
func (c *splitConfig) decodeGatewayAPI(ctx context.Context, l types.List, diags *diag.Diagnostics) {
	blocks := decodeList[gatewayAPIModel](ctx, l, &c.known, diags)
	if len(blocks) == 0 {
		return
	}
	b := blocks[0]
	c.router, c.gateway = "gateway_api", &b
	if !known(b.Namespace) || !known(b.Route) || b.Rule.IsUnknown() || b.Port.IsUnknown() {
		c.known = false
	}
}

func (c splitConfig) httpRoute() router.HTTPRoute {
	return router.HTTPRoute{
		Namespace: c.gateway.Namespace.ValueString(), Name: c.gateway.Route.ValueString(),
		Rule: int(c.gateway.Rule.ValueInt64()), Port: int32(c.gateway.Port.ValueInt64()),
	}
}

// gatewayAPIRouter routes on the split's HTTPRoute with the provider's
// Kubernetes client, built now if this is its first use.
func (r *trafficSplitResource) gatewayAPIRouter(c splitConfig, dests []rollout.Destination) rollout.Router {
	route := c.httpRoute()
	client, err := r.data.kubernetes.Dynamic()
	if err != nil {
		return router.Unavailable{Name: route.String(), Err: err}
	}
	return router.NewGatewayAPI(client, route, dests)
}

// routerGates are the gates a split's router brings besides the declared
// ones: on a Gateway API route, that a Gateway accepts the route.
func routerGates(rt rollout.Router) []rollout.Gate {
	if g, ok := rt.(*router.GatewayAPI); ok {
		return []rollout.Gate{g.AcceptedGate()}
	}
	return nil
}

func (c splitConfig) httpRouteRecord() *ledger.SplitHTTPRoute {
	route := c.httpRoute()
	return &ledger.SplitHTTPRoute{Namespace: route.Namespace, Name: route.Name, Rule: route.Rule, Port: int(route.Port)}
}

// gatewayAPIList is the gateway_api block of a split record (import), or
// an empty list for a split on another router.
func gatewayAPIList(rec *ledger.Split) types.List {
	elem := types.ObjectType{AttrTypes: gatewayAPIAttrTypes}
	if rec == nil || rec.HTTPRoute == nil {
		return types.ListValueMust(elem, nil)
	}
	port := types.Int64Null()
	if rec.HTTPRoute.Port != 0 {
		port = types.Int64Value(int64(rec.HTTPRoute.Port))
	}
	return types.ListValueMust(elem, []attr.Value{types.ObjectValueMust(gatewayAPIAttrTypes, map[string]attr.Value{
		"namespace": types.StringValue(rec.HTTPRoute.Namespace), "route": types.StringValue(rec.HTTPRoute.Name),
		"rule": types.Int64Value(int64(rec.HTTPRoute.Rule)), "port": port,
	})})
}

// validateGatewayAPI refuses deployments as destinations of a gateway_api
// split: a golive_deployment runs on ECS or Lambda, where an HTTPRoute
// cannot send traffic.
func validateGatewayAPI(c splitConfig, diags *diagnostics) {
	if c.gateway == nil {
		return
	}
	for i, d := range c.destinations {
		if known(d.Deployment) {
			diags.AddAttributeError(path.Root("destination").AtListIndex(i).AtName("deployment"), "deployment on a Gateway API split",
				fmt.Sprintf("destination[%d] (%s): a gateway_api split routes to Kubernetes Services; set target = \"<service name>\" instead of deployment "+
					"(golive deployments run on ECS or Lambda; deploy to Kubernetes with Helm or the Kubernetes provider)", i, d.Name.ValueString()))
		}
	}
}

// checkGatewayBackends refuses at plan a cutover that would give traffic
// to a destination whose Service is not a backendRef of the rule: golive
// sets weights, it does not add backends, so the apply would fail.
func (r *trafficSplitResource) checkGatewayBackends(ctx context.Context, c splitConfig, diags *diagnostics) {
	if c.gateway == nil || !c.known {
		return
	}
	dests, err := r.resolveDestinations(ctx, c)
	if err != nil {
		return // reported by the plan's own resolution
	}
	rt, ok := r.gatewayAPIRouter(c, dests).(*router.GatewayAPI)
	if !ok {
		return // no client: the plan's read of the live weights says why
	}
	missing, err := rt.Unrouted(ctx)
	if err != nil {
		diags.AddAttributeError(path.Root("gateway_api"), "reading the HTTPRoute", err.Error())
		return
	}
	declared := c.declared()
	for _, d := range missing {
		if declared[d.Name] == 0 {
			continue
		}
		for i, dm := range c.destinations {
			if dm.Name.ValueString() == d.Name {
				diags.AddAttributeError(path.Root("destination").AtListIndex(i).AtName("target"), "Service not in the route",
					fmt.Sprintf("destination %q is to get %d%% but Service %q is not a backendRef of %s: add it to the route (golive sets weights; it does not add backends)",
						d.Name, declared[d.Name], d.Target, rt))
			}
		}
	}
}
