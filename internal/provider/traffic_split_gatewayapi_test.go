package provider_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/kubeapi"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// gatewayEnv is one test's AWS account (ledger) and namespace of the
// Kubernetes API server, holding HTTPRoute "web" whose rule 0 sends to
// Services web-stable and web-canary on port 80.
type gatewayEnv struct {
	*testEnv
	kube *kubeapi.Server
	ns   string
}

func newGatewayEnv(t *testing.T, stable, canary int32) *gatewayEnv {
	t.Helper()
	g := &gatewayEnv{testEnv: newTestEnv(t), kube: kubeapi.Shared(t)}
	g.ns = g.kube.Namespace(t)
	g.kube.CreateRoute(t, kubeapi.NewRoute(g.ns, "web", []kubeapi.Backend{
		kubeapi.Weighted("web-stable", 80, stable), kubeapi.Weighted("web-canary", 80, canary),
	}))
	return g
}

// provider is the golive provider block with a kubernetes block reading
// the test server's kubeconfig.
func (g *gatewayEnv) provider() string {
	return g.providerBlock(fmt.Sprintf("  kubernetes {\n    config_path = %q\n  }", g.kube.Kubeconfig(g.t)))
}

func (g *gatewayEnv) split(stable, canary int, extra string) string {
	return g.provider() + splitEnv + g.resource(stable, canary, extra)
}

// resource is the split on the test's route, without provider block.
func (g *gatewayEnv) resource(stable, canary int, extra string) string {
	return fmt.Sprintf(`
resource "golive_traffic_split" "web" {
  environment = golive_environment.prod.id
  service     = "web"
  gateway_api {
    namespace = %q
    route     = "web"
  }
  destination {
    name   = "stable"
    target = "web-stable"
    weight = %d
  }
  destination {
    name   = "canary"
    target = "web-canary"
    weight = %d
  }
  %s
}
`, g.ns, stable, canary, extra)
}

// checkRoute reads rule 0's weights with a client-go client of the test's
// own, not through golive.
func (g *gatewayEnv) checkRoute(stable, canary int32) resource.TestCheckFunc {
	return g.checkWeights(map[string]int32{"web-stable:80": stable, "web-canary:80": canary})
}

func (g *gatewayEnv) checkWeights(want map[string]int32) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := g.kube.Weights(g.t, g.ns, "web", 0); !reflect.DeepEqual(got, want) {
			return fmt.Errorf("HTTPRoute %s/web weights %v, want %v", g.ns, got, want)
		}
		return nil
	}
}

// kubectlEdit changes rule 0's weights as `kubectl edit` would: an update
// by another field manager.
func (g *gatewayEnv) kubectlEdit(stable, canary int) {
	g.t.Helper()
	patch := fmt.Sprintf(`[{"op":"replace","path":"/spec/rules/0/backendRefs/0/weight","value":%d},{"op":"replace","path":"/spec/rules/0/backendRefs/1/weight","value":%d}]`, stable, canary)
	_, err := g.kube.Dynamic(g.t).Resource(kubeapi.HTTPRoutes).Namespace(g.ns).
		Patch(context.Background(), "web", types.JSONPatchType, []byte(patch), metav1.PatchOptions{FieldManager: "kubectl-edit"})
	if err != nil {
		g.t.Fatal(err)
	}
}

func TestAccTrafficSplit_gatewayAPICanaryImportDrift(t *testing.T) {
	g := newGatewayEnv(t, 100, 0)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{
				// Adopting the live weights is no cutover.
				Config: g.split(100, 0, fastCanary),
				Check: resource.ComposeTestCheckFunc(
					g.checkRoute(100, 0),
					resource.TestCheckResourceAttr("golive_traffic_split.web", "gateway_api.0.rule", "0"),
				),
			},
			{
				Config: g.split(0, 100, fastCanary),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: expectCutover("golive_traffic_split.web", "stable", "canary",
					[][2]int64{{90, 10}, {50, 50}, {0, 100}}, "canary 0 → 100: 10% for 2s, 50% for 2s, then 100%")},
				Check: resource.ComposeTestCheckFunc(
					g.checkRoute(0, 100),
					g.checkEventKinds("shop/prod", "web", []string{ledger.KindCutoverCompleted, ledger.KindTrafficStep, ledger.KindTrafficStep, ledger.KindTrafficStep, ledger.KindCutoverStarted}),
					g.checkSplitRecord(),
				),
			},
			{
				ResourceName:            "golive_traffic_split.web",
				ImportState:             true,
				ImportStateId:           "shop/prod/web",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"strategy", "planned_steps", "cutover"},
			},
			{
				// A kubectl edit of the weights is drift: the plan shows it and a cutover back.
				PreConfig: func() { g.kubectlEdit(70, 30) },
				Config:    g.split(0, 100, fastCanary),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("golive_traffic_split.web", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("golive_traffic_split.web", tfjsonpath.New("live_weights"),
						knownvalue.MapExact(map[string]knownvalue.Check{"stable": knownvalue.Int64Exact(0), "canary": knownvalue.Int64Exact(100)})),
					plancheck.ExpectKnownValue("golive_traffic_split.web", tfjsonpath.New("cutover"),
						knownvalue.StringExact("canary 30 → 100: 50% for 2s, then 100%")),
				}},
				Check: g.checkRoute(0, 100),
			},
		},
	})
}

// checkSplitRecord checks the ledger's record names the route, for import.
func (g *gatewayEnv) checkSplitRecord() resource.TestCheckFunc {
	return func(*terraform.State) error {
		rec, err := g.ledger.GetSplit(context.Background(), "shop/prod", "web")
		if err != nil {
			return err
		}
		want := ledger.SplitHTTPRoute{Namespace: g.ns, Name: "web"}
		if rec.Router != "gateway_api" || rec.HTTPRoute == nil || *rec.HTTPRoute != want {
			return fmt.Errorf("split record router %q route %+v, want gateway_api %+v", rec.Router, rec.HTTPRoute, want)
		}
		return nil
	}
}

// A failing HTTP gate rolls the route back in one patch; the ledger
// records it and the lock is free.
func TestAccTrafficSplit_gatewayAPIHTTPGateRollsBack(t *testing.T) {
	g := newGatewayEnv(t, 100, 0)
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) > 2 { // healthy for the pre-check and first poll, then failing
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()
	g.createAlarm(t, "shop-prod-web-5xx")
	gated := fmt.Sprintf(`
  strategy {
    linear {
      increment = 25
      interval  = "5s"
    }
  }
  rollback {
    alarms = ["shop-prod-web-5xx"]
    http {
      url        = %q
      body_regex = "ok"
    }
    poll_interval = "1s"
  }
`, srv.URL)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{Config: g.split(100, 0, gated)},
			{
				PreConfig:   func() { calls.Store(0) },
				Config:      g.split(0, 100, gated),
				ExpectError: errorPattern(`shifting traffic for shop/prod/web at step 1 of 4: http GET http://127\.0\.0\.1:\d+: got HTTP 503, want 200.*traffic rolled back to canary=0 stable=100`),
			},
			{
				PreConfig: func() {
					mustPass(t, resource.ComposeTestCheckFunc(
						g.checkRoute(100, 0),
						g.checkEventKinds("shop/prod", "web", []string{ledger.KindRolledBack, ledger.KindTrafficStep, ledger.KindCutoverStarted}),
						g.checkLockFree("shop/prod", "web"),
					))
				},
				Config:             g.split(0, 100, gated),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// An apply interrupted mid-bake (its timeout ends, as Ctrl-C or a CI
// timeout would) puts the route back with a fresh context.
func TestAccTrafficSplit_gatewayAPIInterruptedRollsBack(t *testing.T) {
	g := newGatewayEnv(t, 100, 0)
	slow := `
  strategy {
    canary {
      steps = [10, 50]
      bake  = "1m"
    }
  }
  timeouts {
    update = "4s"
  }
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{Config: g.split(100, 0, slow)},
			{
				Config:      g.split(0, 100, slow),
				ExpectError: errorPattern(`at step 1 of 3: interrupted: the timeout of this change ran out .*; traffic rolled back to canary=0 stable=100`),
			},
			{
				PreConfig: func() {
					mustPass(t, resource.ComposeTestCheckFunc(
						g.checkRoute(100, 0),
						g.checkLockFree("shop/prod", "web"),
						g.checkEventKinds("shop/prod", "web", []string{ledger.KindRolledBack, ledger.KindTrafficStep, ledger.KindCutoverStarted}),
					))
				},
				Config:             g.split(0, 100, slow),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// Another pipeline holding the service's lock refuses the apply at once;
// the route is untouched.
func TestAccTrafficSplit_gatewayAPIHeldLock(t *testing.T) {
	g := newGatewayEnv(t, 100, 0)
	var lk *ledger.Lock
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{Config: g.split(100, 0, fastCanary)},
			{
				PreConfig: func() {
					var err error
					lk, err = g.ledger.AcquireLock(context.Background(), ledger.LockRequest{
						Environment: "shop/prod", Service: "web", Holder: "arn:aws:sts::111111111111:assumed-role/ci/pipeline-7", Operation: "traffic shift by terraform apply",
					})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config:      g.split(0, 100, fastCanary),
				ExpectError: errorPattern(`shop/prod/web is locked by arn:aws:sts::111111111111:assumed-role/ci/pipeline-7`),
			},
			{
				PreConfig: func() {
					mustPass(t, g.checkRoute(100, 0))
					if err := lk.Release(context.Background()); err != nil {
						t.Fatal(err)
					}
				},
				Config: g.split(0, 100, fastCanary),
				Check:  g.checkRoute(0, 100),
			},
		},
	})
}

// The kubernetes block with host, CA and client certificate alone (no
// kubeconfig), and a destroy that leaves traffic where it is.
func TestAccTrafficSplit_gatewayAPIHostCredentialsAndDestroy(t *testing.T) {
	g := newGatewayEnv(t, 100, 0)
	block := fmt.Sprintf(`  kubernetes {
    host                   = %q
    cluster_ca_certificate = %q
    client_certificate     = %q
    client_key             = %q
  }`, g.kube.URL, g.kube.CA(), g.kube.ClientCert(), g.kube.ClientKey())
	cfg := func(stable, canary int) string {
		return g.providerBlock(block) + splitEnv + g.resource(stable, canary, "")
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{Config: cfg(100, 0)},
			{Config: cfg(20, 80), Check: g.checkRoute(20, 80)},
			{
				Config: g.providerBlock(block) + splitEnv,
				Check: resource.ComposeTestCheckFunc(
					g.checkRoute(20, 80),
					g.checkEventKinds("shop/prod", "web", []string{ledger.KindSplitDeleted}),
				),
			},
		},
	})
}

// A deleted route takes the split out of the state (like a deleted
// alias); the next plan says the route is missing.
func TestAccTrafficSplit_gatewayAPIRouteDeleted(t *testing.T) {
	g := newGatewayEnv(t, 100, 0)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{Config: g.split(100, 0, "")},
			{
				PreConfig: func() {
					err := g.kube.Dynamic(t).Resource(kubeapi.HTTPRoutes).Namespace(g.ns).Delete(context.Background(), "web", metav1.DeleteOptions{})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config:      g.split(100, 0, ""),
				PlanOnly:    true,
				ExpectError: errorPattern(`reading the live weights of shop/prod/web.*HTTPRoute ` + g.ns + `/web does not exist`),
			},
		},
	})
}

// A route its Gateway does not accept moves no traffic: the cutover fails
// before its first step, with the Gateway's reason, and the route keeps
// its weights. Once the Gateway accepts it, the same apply goes through.
// The test writes the route's status as a Gateway controller would.
func TestAccTrafficSplit_gatewayAPIRouteNotAccepted(t *testing.T) {
	g := newGatewayEnv(t, 100, 0)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{Config: g.split(100, 0, fastCanary)},
			{
				PreConfig: func() {
					g.kube.SetParents(t, g.ns, "web", kubeapi.Parent{Gateway: "gw", Reason: "NotAllowedByListeners", Message: "no listener allows routes from this namespace"})
				},
				Config: g.split(0, 100, fastCanary),
				ExpectError: errorPattern(`shifting traffic for shop/prod/web: before step 1 of 3: HTTPRoute ` + g.ns + `/web is accepted by none of its parents: ` +
					`Gateway ` + g.ns + `/gw \(controller golive\.test/gateway-controller\) says Accepted=False \(NotAllowedByListeners\): no listener allows routes`),
			},
			{
				PreConfig: func() {
					mustPass(t, resource.ComposeTestCheckFunc(g.checkRoute(100, 0), g.checkLockFree("shop/prod", "web")))
					g.kube.SetParents(t, g.ns, "web", kubeapi.Parent{Gateway: "gw", Accepted: true, Reason: "Accepted"})
				},
				Config: g.split(0, 100, fastCanary),
				Check:  g.checkRoute(0, 100),
			},
		},
	})
}

// A cutover that would give traffic to a Service the route's rule does not
// list fails at plan: golive sets weights, it does not add backends.
func TestAccTrafficSplit_gatewayAPIServiceNotInRoute(t *testing.T) {
	g := &gatewayEnv{testEnv: newTestEnv(t), kube: kubeapi.Shared(t)}
	g.ns = g.kube.Namespace(t)
	g.kube.CreateRoute(t, kubeapi.NewRoute(g.ns, "web", []kubeapi.Backend{kubeapi.Weighted("web-stable", 80, 100)}))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{
				// The environment is created in the same apply, so only the
				// plan made during apply, once it exists, can judge the
				// cutover: it refuses it before any traffic moves.
				Config:      g.split(90, 10, ""),
				ExpectError: errorPattern(`Service not in the route.*destination "canary" is to get 10% but Service "web-canary" is not a backendRef of HTTPRoute ` + g.ns + `/web rule 0`),
			},
			{
				PreConfig:   func() { mustPass(t, g.checkWeights(map[string]int32{"web-stable:80": 100})) },
				Config:      g.provider() + splitEnv + strings.Replace(g.resource(90, 10, ""), "golive_environment.prod.id", `"shop/prod"`, 1),
				PlanOnly:    true,
				ExpectError: errorPattern(`destination "canary" is to get 10% but Service "web-canary" is not a backendRef of HTTPRoute ` + g.ns + `/web rule 0: add it to the route`),
			},
		},
	})
}

// putServiceMetric publishes one sample of a per-Service metric, as an
// exporter of the cluster's metrics to CloudWatch would.
func (g *gatewayEnv) putServiceMetric(t *testing.T, service string, at time.Time, v float64) {
	t.Helper()
	_, err := g.cloudwatch().PutMetricData(context.Background(), &cloudwatch.PutMetricDataInput{
		Namespace: aws.String("Shop/Web"),
		MetricData: []cwtypes.MetricDatum{{MetricName: aws.String("ErrorRate"), Timestamp: aws.Time(at), Value: aws.Float64(v),
			Dimensions: []cwtypes.Dimension{{Name: aws.String("Service"), Value: aws.String(service)}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// whenCanaryAt calls f once the route gives web-canary weight, polling
// with a client of its own for at most a minute.
func (g *gatewayEnv) whenCanaryAt(weight int32, f func()) {
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		obj, err := g.kube.Dynamic(g.t).Resource(kubeapi.HTTPRoutes).Namespace(g.ns).Get(context.Background(), "web", metav1.GetOptions{})
		if err != nil {
			continue
		}
		refs, _, _ := unstructured.NestedSlice(obj.Object, "spec", "rules")
		if len(refs) == 0 {
			continue
		}
		backends, _, _ := unstructured.NestedSlice(refs[0].(map[string]any), "backendRefs")
		for _, b := range backends {
			if m := b.(map[string]any); m["name"] == "web-canary" && m["weight"] == int64(weight) {
				f()
				return
			}
		}
	}
}

// A metric gate on the canary Service's error rate rolls the route back
// when the rate rises during a bake.
func TestAccTrafficSplit_gatewayAPIMetricGateRollsBack(t *testing.T) {
	g := newGatewayEnv(t, 100, 0)
	now := time.Now().UTC()
	for i := range 3 {
		g.putServiceMetric(t, "web-canary", now.Add(-time.Duration(i)*time.Minute), 0)
	}
	gated := `
  strategy {
    canary {
      steps = [10, 50]
      bake  = "6s"
    }
  }
  rollback {
    poll_interval = "1s"
    metric {
      name = "canary-error-rate"
      query {
        id          = "rate"
        namespace   = "Shop/Web"
        metric_name = "ErrorRate"
        dimensions  = { Service = "web-canary" }
        stat        = "Maximum"
      }
      value  = "rate"
      period = "1m"
      window = "5m"
      max    = 5
    }
  }
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{Config: g.split(100, 0, gated)},
			{
				// The canary starts failing once step 1 (10%) is live.
				PreConfig:   func() { go g.whenCanaryAt(10, func() { g.putServiceMetric(t, "web-canary", time.Now().UTC(), 40) }) },
				Config:      g.split(0, 100, gated),
				ExpectError: errorPattern(`shifting traffic for shop/prod/web at step 1 of 3: metric "canary-error-rate": rate = 40, above max 5.*traffic rolled back to canary=0 stable=100`),
			},
			{
				PreConfig: func() {
					mustPass(t, resource.ComposeTestCheckFunc(
						g.checkRoute(100, 0),
						g.checkEventKinds("shop/prod", "web", []string{ledger.KindRolledBack, ledger.KindTrafficStep, ledger.KindCutoverStarted}),
					))
				},
				Config:             g.split(0, 100, gated),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// A kubernetes block whose host is known only after apply (a cluster
// created in the same run) leaves the plan's cutover unknown instead of
// failing it; the apply, once the provider has the host, shifts traffic.
func TestAccTrafficSplit_gatewayAPIClusterKnownAfterApply(t *testing.T) {
	g := newGatewayEnv(t, 100, 0)
	// substr(id, 0, 0) is "" but unknown until the environment exists.
	block := fmt.Sprintf(`  kubernetes {
    host                   = "%s${substr(golive_environment.prod.id, 0, 0)}"
    cluster_ca_certificate = %q
    client_certificate     = %q
    client_key             = %q
  }`, g.kube.URL, g.kube.CA(), g.kube.ClientCert(), g.kube.ClientKey())
	cluster := strings.Replace(g.providerBlock(block), `provider "golive" {`, "provider \"golive\" {\n  alias = \"cluster\"", 1)
	split := strings.Replace(g.resource(20, 80, "  depends_on = [golive_environment.prod]"),
		"environment = golive_environment.prod.id", "provider    = golive.cluster\n  environment = \"shop/prod\"", 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: g.providerBlock() + cluster + splitEnv + split,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue("golive_traffic_split.web", tfjsonpath.New("planned_steps")),
			}},
			Check: g.checkRoute(20, 80),
		}},
	})
}
