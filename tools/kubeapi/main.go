// Command kubeapi is a Kubernetes API server for custom resources only,
// built for golive's tests: k8s.io/apiextensions-apiserver serving CRDs
// and their objects from etcd, plus the two things the stock command leaves
// to kube-apiserver's aggregator, so that client-go and kubectl can use it
// like a cluster:
//   - discovery of /apis (aggregated, and the legacy group list), and
//   - an OpenAPI v2 configuration, without which the server never publishes
//     the CRDs' OpenAPI (v2 or v3).
//
// Flags are those of apiextensions-apiserver (see its --help).
package main

import (
	"context"
	"net/http"
	"os"
	"sync/atomic"

	"github.com/spf13/cobra"

	"k8s.io/apiextensions-apiserver/pkg/apiserver"
	"k8s.io/apiextensions-apiserver/pkg/cmd/server/options"
	generatedopenapi "k8s.io/apiextensions-apiserver/pkg/generated/openapi"
	discoveryendpoint "k8s.io/apiserver/pkg/endpoints/discovery/aggregated"
	openapinamer "k8s.io/apiserver/pkg/endpoints/openapi"
	genericapiserver "k8s.io/apiserver/pkg/server"
	"k8s.io/apiserver/pkg/util/openapi"
	"k8s.io/component-base/cli"
)

func main() {
	ctx := genericapiserver.SetupSignalContext()
	os.Exit(cli.Run(newCommand(ctx)))
}

func newCommand(ctx context.Context) *cobra.Command {
	o := options.NewCustomResourceDefinitionsServerOptions(os.Stdout, os.Stderr)
	cmd := &cobra.Command{
		Use:   "kubeapi",
		Short: "A Kubernetes API server for custom resources, with discovery and OpenAPI",
		PersistentPreRunE: func(*cobra.Command, []string) error {
			return o.ServerRunOptions.ComponentGlobalsRegistry.Set()
		},
		RunE: func(c *cobra.Command, _ []string) error {
			if err := o.Complete(); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return run(c.Context(), o)
		},
	}
	cmd.SetContext(ctx)
	o.AddFlags(cmd.Flags())
	return cmd
}

func run(ctx context.Context, o *options.CustomResourceDefinitionsServerOptions) error {
	config, err := o.Config()
	if err != nil {
		return err
	}
	// The CRD OpenAPI controllers (v2 and v3) run only when the server has a
	// static v2 spec, which needs this configuration.
	config.GenericConfig.OpenAPIConfig = genericapiserver.DefaultOpenAPIConfig(
		openapi.GetOpenAPIDefinitionsWithoutDisabledFeatures(generatedopenapi.GetOpenAPIDefinitions),
		openapinamer.NewDefinitionNamer(apiserver.Scheme),
	)
	// The CRD handler owns /apis and passes what it does not serve (the
	// root itself) to its delegate; the root is answered there.
	root := &rootHandler{}
	server, err := config.Complete().New(delegate{DelegationTarget: genericapiserver.NewEmptyDelegate(), root: root})
	if err != nil {
		return err
	}
	generic := server.GenericAPIServer
	var aggregated http.Handler = generic.AggregatedDiscoveryGroupManager
	if aggregated == nil { // the AggregatedDiscoveryEndpoint feature is off
		aggregated = generic.DiscoveryGroupManager
	}
	root.discovery.Store(discoveryHandler{
		discoveryendpoint.WrapAggregatedDiscoveryToHandler(generic.DiscoveryGroupManager, aggregated, nil),
	})
	return generic.PrepareRun().RunWithContext(ctx)
}

// delegate is the server's fallback: it answers /apis and 404s the rest.
type delegate struct {
	genericapiserver.DelegationTarget
	root *rootHandler
}

func (d delegate) UnprotectedHandler() http.Handler { return d.root }

// rootHandler answers GET /apis with the discovery document the client
// negotiates: aggregated discovery (every group, CRDs included, as the CRD
// discovery controller keeps it), or the legacy APIGroupList, which lists
// only apiextensions.k8s.io (clients since Kubernetes 1.26 ask for the
// aggregated one).
type rootHandler struct {
	discovery atomic.Value // discoveryHandler, set once the server exists
}

type discoveryHandler struct{ http.Handler }

func (h *rootHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d, ok := h.discovery.Load().(discoveryHandler)
	if ok && (r.URL.Path == "/apis" || r.URL.Path == "/apis/") {
		d.ServeHTTP(w, r)
		return
	}
	http.NotFound(w, r)
}
