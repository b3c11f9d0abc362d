package kubeapi

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"
)

// GatewayAPIModule is the Go module whose config/crd/standard/ CRDs the
// server installs: the version golive's go.mod requires, so the CRDs match
// the Gateway API types the tests use.
const GatewayAPIModule = "sigs.k8s.io/gateway-api"

var crdResource = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// HTTPRoutes is the Gateway API's HTTPRoute resource.
var HTTPRoutes = schema.GroupVersionResource{Group: "gateway.networking.k8s.io", Version: "v1", Resource: "httproutes"}

// installGatewayAPI applies every CustomResourceDefinition of the Gateway
// API's standard channel server-side (the ValidatingAdmissionPolicy in the
// same directory is skipped: this server runs no admission policies) and
// waits until HTTPRoutes are served.
func installGatewayAPI(ctx context.Context, cfg *rest.Config) error {
	crds, err := standardCRDs()
	if err != nil {
		return err
	}
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	for _, crd := range crds {
		_, err := client.Resource(crdResource).Apply(ctx, crd.GetName(), crd, metav1.ApplyOptions{FieldManager: "golive-tests", Force: true})
		if err != nil {
			return fmt.Errorf("applying CRD %s: %w", crd.GetName(), err)
		}
	}
	for _, crd := range crds {
		if err := waitEstablished(ctx, client, crd.GetName()); err != nil {
			return err
		}
	}
	return waitServed(ctx, client, HTTPRoutes)
}

// standardCRDs reads the CRDs from the Gateway API module in the module
// cache (downloading it through the module proxy if needed).
func standardCRDs() ([]*unstructured.Unstructured, error) {
	dir, err := moduleDir(GatewayAPIModule)
	if err != nil {
		return nil, err
	}
	files, err := filepath.Glob(filepath.Join(dir, "config", "crd", "standard", "*.yaml"))
	if err != nil {
		return nil, fmt.Errorf("finding the CRDs in %s/config/crd/standard: %w", dir, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no CRDs in %s/config/crd/standard", dir)
	}
	var out []*unstructured.Unstructured
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		obj := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(data, &obj.Object); err != nil {
			return nil, fmt.Errorf("parsing %s: %w", f, err)
		}
		if obj.GetKind() == "CustomResourceDefinition" {
			out = append(out, obj)
		}
	}
	return out, nil
}

// moduleDir asks the go command where a module of the build list is.
func moduleDir(module string) (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	cmd := exec.Command("go", "mod", "download", "-json", module)
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("locating module %s (go mod download): %w", module, err)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out, &info); err != nil {
		return "", err
	}
	if info.Error != "" || info.Dir == "" {
		return "", fmt.Errorf("locating module %s: %s", module, info.Error)
	}
	return info.Dir, nil
}

func waitEstablished(ctx context.Context, client dynamic.Interface, name string) error {
	return poll(ctx, 30*time.Second, "CRD "+name+" established", func() (bool, error) {
		crd, err := client.Resource(crdResource).Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		conds, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
		for _, c := range conds {
			m, _ := c.(map[string]any)
			if m["type"] == "Established" && m["status"] == "True" {
				return true, nil
			}
		}
		return false, nil
	})
}

// waitServed waits until the resource can be listed: a CRD is established
// a moment before its handler serves it.
func waitServed(ctx context.Context, client dynamic.Interface, gvr schema.GroupVersionResource) error {
	return poll(ctx, 30*time.Second, gvr.Resource+" served", func() (bool, error) {
		_, err := client.Resource(gvr).List(ctx, metav1.ListOptions{Limit: 1})
		return err == nil, nil
	})
}

// poll calls done every 50 ms until it reports true, returns an error, or
// limit passes.
func poll(ctx context.Context, limit time.Duration, what string, done func() (bool, error)) error {
	deadline := time.Now().Add(limit)
	for {
		ok, err := done()
		if err != nil {
			return fmt.Errorf("waiting for %s: %w", what, err)
		}
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("waiting for %s: not within %s", what, limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
