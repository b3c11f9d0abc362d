package kubeclient_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/kubeapi"
	"github.com/golive-dev/terraform-provider-golive/internal/kubeclient"
)

func TestMain(m *testing.M) { kubeapi.Main(m) }

const twoContexts = `apiVersion: v1
kind: Config
clusters:
- name: dev
  cluster: {server: "https://dev.example.com"}
- name: prod
  cluster: {server: "https://prod.example.com"}
contexts:
- name: dev
  context: {cluster: dev, user: dev}
- name: prod
  context: {cluster: prod, user: prod}
current-context: dev
users:
- name: dev
  user: {token: dev-token}
- name: prod
  user: {token: prod-token}
`

// isolated points client-go's default loading rules at an empty home, so
// a kubeconfig of the machine running the tests cannot leak in.
func isolated(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("KUBECONFIG", "")
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	return home
}

func writeKubeconfig(t *testing.T, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(twoContexts), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRESTConfig(t *testing.T) {
	for _, tc := range []struct {
		name      string
		cfg       func(home string) kubeclient.Config
		host      string
		token     string
		withCA    bool
		wantError string
	}{
		{
			name: "current context of config_path",
			cfg: func(home string) kubeclient.Config {
				return kubeclient.Config{ConfigPath: writeKubeconfig(t, home, "kc")}
			},
			host: "https://dev.example.com", token: "dev-token",
		},
		{
			name: "config_context picks another context",
			cfg: func(home string) kubeclient.Config {
				return kubeclient.Config{ConfigPath: writeKubeconfig(t, home, "kc"), ConfigContext: "prod"}
			},
			host: "https://prod.example.com", token: "prod-token",
		},
		{
			name: "~ in config_path is the home directory",
			cfg: func(home string) kubeclient.Config {
				writeKubeconfig(t, home, ".kube/other")
				return kubeclient.Config{ConfigPath: "~/.kube/other", ConfigContext: "prod"}
			},
			host: "https://prod.example.com", token: "prod-token",
		},
		{
			name: "without config_path: ~/.kube/config",
			cfg: func(home string) kubeclient.Config {
				writeKubeconfig(t, home, ".kube/config")
				return kubeclient.Config{}
			},
			host: "https://dev.example.com", token: "dev-token",
		},
		{
			name: "the block's host and token override the kubeconfig's",
			cfg: func(home string) kubeclient.Config {
				return kubeclient.Config{ConfigPath: writeKubeconfig(t, home, "kc"), Host: "https://other.example.com", Token: "block-token", ClusterCACertificate: "PEM"}
			},
			host: "https://other.example.com", token: "block-token", withCA: true,
		},
		{
			name: "host alone reads no kubeconfig",
			cfg: func(home string) kubeclient.Config {
				writeKubeconfig(t, home, ".kube/config")
				return kubeclient.Config{Host: "https://direct.example.com", Token: "block-token", ClusterCACertificate: "PEM"}
			},
			host: "https://direct.example.com", token: "block-token", withCA: true,
		},
		{
			name:      "nothing configured",
			cfg:       func(string) kubeclient.Config { return kubeclient.Config{} },
			wantError: "no Kubernetes configuration found: set the provider's kubernetes block",
		},
		{
			name:      "config_path missing",
			cfg:       func(home string) kubeclient.Config { return kubeclient.Config{ConfigPath: filepath.Join(home, "nope")} },
			wantError: "(config_path)",
		},
		{
			name: "unknown context",
			cfg: func(home string) kubeclient.Config {
				return kubeclient.Config{ConfigPath: writeKubeconfig(t, home, "kc"), ConfigContext: "staging"}
			},
			wantError: `context "staging" does not exist`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := isolated(t)
			rc, err := tc.cfg(home).RESTConfig()
			if tc.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantError) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rc.Host != tc.host || rc.BearerToken != tc.token || (len(rc.CAData) > 0) != tc.withCA {
				t.Fatalf("host %q token %q CA %q, want %q %q (CA: %v)", rc.Host, rc.BearerToken, rc.CAData, tc.host, tc.token, tc.withCA)
			}
			if rc.Timeout == 0 || rc.QPS < 50 {
				t.Fatalf("timeout %s, QPS %v: want golive's limits", rc.Timeout, rc.QPS)
			}
		})
	}
}

// The clients reach a real API server with a kubeconfig, and with the
// block's host, CA and client certificate alone.
func TestClients_dynamic(t *testing.T) {
	s := kubeapi.Shared(t)
	isolated(t)
	for name, cfg := range map[string]kubeclient.Config{
		"kubeconfig": {ConfigPath: s.Kubeconfig(t)},
		"block":      {Host: s.URL, ClusterCACertificate: s.CA(), ClientCertificate: s.ClientCert(), ClientKey: s.ClientKey()},
	} {
		t.Run(name, func(t *testing.T) {
			client, err := kubeclient.New(cfg).Dynamic()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := client.Resource(kubeapi.HTTPRoutes).Namespace("default").List(context.Background(), metav1.ListOptions{}); err != nil {
				t.Fatalf("listing HTTPRoutes: %v", err)
			}
		})
	}
	_, err := kubeclient.New(kubeclient.Config{}).Dynamic()
	if err == nil || !strings.Contains(err.Error(), "configuring the Kubernetes client (provider kubernetes block): no Kubernetes configuration found") {
		t.Fatalf("Dynamic without configuration: %v", err)
	}
}
