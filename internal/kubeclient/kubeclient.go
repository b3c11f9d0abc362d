// Package kubeclient builds the Kubernetes client golive's Gateway API
// router uses, from the provider's kubernetes block and client-go's loading
// rules. The client is built once, lazily, on first use: a configuration
// without Gateway API splits never reads a kubeconfig.
package kubeclient

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Config is what the provider's kubernetes block says about reaching a
// cluster. Every field is optional.
type Config struct {
	ConfigPath           string // kubeconfig file; "~/" is the home directory
	ConfigContext        string // context of the kubeconfig; default its current-context
	Host                 string // API server URL
	ClusterCACertificate string // PEM
	Token                string
	ClientCertificate    string // PEM
	ClientKey            string // PEM
	UserAgent            string
}

// Per-request limits. Calls are few (a read and a patch per step), but a
// refresh of many splits runs them in parallel, and client-go's default
// rate limit (5 per second) would queue them.
const (
	requestTimeout = 30 * time.Second
	qps            = 50
	burst          = 100
)

// RESTConfig resolves c into a client configuration:
//   - Host set and ConfigPath unset: the block's values alone (no
//     kubeconfig is read, so a developer's own kubeconfig cannot leak in);
//   - otherwise client-go's loading rules: ConfigPath, else $KUBECONFIG,
//     else ~/.kube/config, else the pod's service account when running in a
//     cluster. ConfigContext picks the context, and Host and the
//     credentials set in the block override the kubeconfig's.
func (c Config) RESTConfig() (*rest.Config, error) {
	var rc *rest.Config
	if c.Host != "" && c.ConfigPath == "" {
		rc = &rest.Config{
			Host:        c.Host,
			BearerToken: c.Token,
			TLSClientConfig: rest.TLSClientConfig{
				CAData: []byte(c.ClusterCACertificate), CertData: []byte(c.ClientCertificate), KeyData: []byte(c.ClientKey),
			},
		}
	} else {
		var err error
		if rc, err = c.fromKubeconfig(); err != nil {
			return nil, err
		}
	}
	rc.Timeout = requestTimeout
	rc.QPS, rc.Burst = qps, burst
	if c.UserAgent != "" {
		rc.UserAgent = c.UserAgent
	}
	return rc, nil
}

func (c Config) fromKubeconfig() (*rest.Config, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if os.Getenv(clientcmd.RecommendedConfigPathEnvVar) == "" {
		// client-go fixes ~/.kube/config when it is initialised; resolve
		// the home directory at use, like everything else here.
		if home, err := os.UserHomeDir(); err == nil {
			rules.Precedence = []string{filepath.Join(home, clientcmd.RecommendedHomeDir, clientcmd.RecommendedFileName)}
		}
	}
	if c.ConfigPath != "" {
		path, err := expandHome(c.ConfigPath)
		if err != nil {
			return nil, err
		}
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("reading kubeconfig %s (config_path): %w", c.ConfigPath, err)
		}
		rules.ExplicitPath = path
	}
	overrides := &clientcmd.ConfigOverrides{
		CurrentContext: c.ConfigContext,
		ClusterInfo:    clientcmdapi.Cluster{Server: c.Host},
		AuthInfo:       clientcmdapi.AuthInfo{Token: c.Token},
	}
	if c.ClusterCACertificate != "" {
		overrides.ClusterInfo.CertificateAuthorityData = []byte(c.ClusterCACertificate)
	}
	if c.ClientCertificate != "" {
		overrides.AuthInfo.ClientCertificateData = []byte(c.ClientCertificate)
		overrides.AuthInfo.ClientKeyData = []byte(c.ClientKey)
	}
	rc, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides).ClientConfig()
	if clientcmd.IsEmptyConfig(err) {
		return nil, errors.New("no Kubernetes configuration found: set the provider's kubernetes block (config_path, or host and credentials), KUBECONFIG, or ~/.kube/config")
	}
	if err != nil {
		return nil, fmt.Errorf("loading the Kubernetes configuration: %w", err)
	}
	return rc, nil
}

func expandHome(path string) (string, error) {
	if path != "~" && !strings.HasPrefix(path, "~/") {
		return path, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("expanding %s (config_path): %w", path, err)
	}
	return filepath.Join(home, strings.TrimPrefix(path, "~")), nil
}

// Clients builds the client of one provider configuration on first use
// and shares it.
type Clients struct {
	cfg  Config
	once sync.Once
	dyn  dynamic.Interface
	err  error
}

// New returns the (not yet built) clients of cfg.
func New(cfg Config) *Clients { return &Clients{cfg: cfg} }

// Dynamic is a client-go dynamic client for the configured cluster. A
// configuration that cannot be loaded is an error on every call.
func (c *Clients) Dynamic() (dynamic.Interface, error) {
	c.once.Do(func() {
		rc, err := c.cfg.RESTConfig()
		if err != nil {
			c.err = err
			return
		}
		c.dyn, c.err = dynamic.NewForConfig(rc)
	})
	if c.err != nil {
		return nil, fmt.Errorf("configuring the Kubernetes client (provider kubernetes block): %w", c.err)
	}
	return c.dyn, nil
}
