package oncall

import (
	"github.com/golive-dev/terraform-provider-golive/internal/kubeclient"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
	"github.com/golive-dev/terraform-provider-golive/internal/router"
)

// kubernetes is the cluster client of gateway_api splits: the
// configuration kubectl would use (KUBECONFIG, ~/.kube/config, or the
// pod's service account), built on first use, so status of environments
// without such splits never reads a kubeconfig.
var kubernetes = kubeclient.New(kubeclient.Config{UserAgent: "golive-cli"})

// gatewayAPIRouter reads the HTTPRoute a gateway_api split record names.
func gatewayAPIRouter(sp ledger.Split, dests []rollout.Destination) rollout.Router {
	var route router.HTTPRoute
	if r := sp.HTTPRoute; r != nil {
		route = router.HTTPRoute{Namespace: r.Namespace, Name: r.Name, Rule: r.Rule, Port: int32(r.Port)}
	}
	client, err := kubernetes.Dynamic()
	if err != nil {
		return router.Unavailable{Name: route.String(), Err: err}
	}
	return router.NewGatewayAPI(client, route, dests)
}
