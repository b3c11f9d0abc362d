// Package kubeapi runs a real Kubernetes API server for golive's tests: etcd
// and an apiextensions API server (built by `make kubeapi` from tools/kubeapi
// into bin/) on free loopback ports, with a throwaway CA, an admin client
// certificate in group system:masters and the Gateway API standard CRDs
// installed. CEL validation of the CRDs runs as in a cluster.
//
// One server serves a whole test binary (see Run and Shared); tests isolate
// themselves by namespace. The server has custom resources only: no core
// API (no Namespace objects, Services or Pods), which golive's Gateway API
// router does not need.
//
// It is test support only; no product code imports it.
package kubeapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"k8s.io/client-go/rest"
)

// Server is a running etcd and API server pair.
type Server struct {
	// URL is the API server's address, https://127.0.0.1:<port>.
	URL string
	// Config is a client configuration for the admin user.
	Config *rest.Config

	pki       *pki
	dir       string
	etcd, api *process
	etcdURL   string
}

// Binaries are the programs Start runs; `make kubeapi` builds them.
var Binaries = []string{"kubeapi", "etcd"}

// Start launches etcd and the API server, waits until the server is
// healthy and installs the Gateway API CRDs. Missing binaries are an
// error that names the make target that builds them.
func Start(ctx context.Context) (*Server, error) {
	bins, err := findBinaries()
	if err != nil {
		return nil, err
	}
	s := &Server{}
	if err := s.start(ctx, bins); err != nil {
		s.Stop()
		return nil, err
	}
	if err := installGatewayAPI(ctx, s.Config); err != nil {
		s.Stop()
		return nil, fmt.Errorf("installing the Gateway API CRDs: %w", err)
	}
	return s, nil
}

func (s *Server) start(ctx context.Context, bins map[string]string) error {
	var err error
	if s.pki, err = newPKI(); err != nil {
		return err
	}
	removeAbandoned()
	if s.dir, err = os.MkdirTemp("", dirPattern); err != nil {
		return fmt.Errorf("creating the API server's directory: %w", err)
	}
	files := map[string][]byte{
		"ca.crt": s.pki.caCert, "server.crt": s.pki.serverCert, "server.key": s.pki.serverKey,
		"unreachable.kubeconfig": []byte(unreachableKubeconfig),
		ownerFile:                []byte(strconv.Itoa(os.Getpid())),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(s.dir, name), data, 0o600); err != nil {
			return fmt.Errorf("writing %s: %w", name, err)
		}
	}
	ports, err := freePorts(3)
	if err != nil {
		return err
	}
	s.etcdURL = "http://127.0.0.1:" + strconv.Itoa(ports[0])
	peerURL := "http://127.0.0.1:" + strconv.Itoa(ports[1])
	s.URL = "https://127.0.0.1:" + strconv.Itoa(ports[2])
	// Both start at once: the API server retries etcd until it answers.
	if s.etcd, err = startProcess("etcd", bins["etcd"], etcdArgs(s.dir, s.etcdURL, peerURL)); err != nil {
		return err
	}
	if s.api, err = startProcess("kubeapi", bins["kubeapi"], s.apiArgs(ports[2])); err != nil {
		return err
	}
	s.Config = &rest.Config{
		Host: s.URL,
		TLSClientConfig: rest.TLSClientConfig{
			CAData: s.pki.caCert, CertData: s.pki.clientCert, KeyData: s.pki.clientKey,
		},
		// Tests create many objects quickly; client-go's defaults (5/10)
		// would make them wait on the client's own rate limiter.
		QPS: 200, Burst: 400,
	}
	return s.waitHealthy(ctx, time.Minute)
}

func etcdArgs(dir, clientURL, peerURL string) []string {
	return []string{
		"--name", "golive-test",
		"--data-dir", filepath.Join(dir, "etcd"),
		"--listen-client-urls", clientURL, "--advertise-client-urls", clientURL,
		"--listen-peer-urls", peerURL, "--initial-advertise-peer-urls", peerURL,
		"--initial-cluster", "golive-test=" + peerURL,
		"--log-level", "error",
		// Throwaway data: durability is not worth an fsync per write.
		"--unsafe-no-fsync",
	}
}

// apiArgs are the flags that let apiextensions-apiserver run without a
// kube-apiserver: it must not look up its authentication config map, and
// the delegated authentication, authorization and informer kubeconfigs
// point at an address where nothing listens (only client certificates of
// system:masters, which are never delegated, get in). Admission plugins
// that watch core or admissionregistration objects are off.
func (s *Server) apiArgs(port int) []string {
	unreachable := filepath.Join(s.dir, "unreachable.kubeconfig")
	return []string{
		"--etcd-servers", s.etcdURL,
		"--bind-address", "127.0.0.1",
		"--secure-port", strconv.Itoa(port),
		"--tls-cert-file", filepath.Join(s.dir, "server.crt"),
		"--tls-private-key-file", filepath.Join(s.dir, "server.key"),
		"--client-ca-file", filepath.Join(s.dir, "ca.crt"),
		"--authentication-skip-lookup",
		"--authentication-kubeconfig", unreachable,
		"--authorization-kubeconfig", unreachable,
		"--kubeconfig", unreachable,
		"--enable-priority-and-fairness=false",
		"--disable-admission-plugins", "NamespaceLifecycle,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ValidatingAdmissionPolicy,MutatingAdmissionPolicy",
		"--profiling=false",
	}
}

const unreachableKubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: none
  cluster:
    server: https://127.0.0.1:1
contexts:
- name: none
  context: {cluster: none, user: none}
current-context: none
users:
- name: none
  user: {}
`

// waitHealthy polls /healthz (not /readyz, which waits on controllers this
// server does not run) until it answers 200.
func (s *Server) waitHealthy(ctx context.Context, limit time.Duration) error {
	client, err := s.httpClient()
	if err != nil {
		return err
	}
	deadline := time.Now().Add(limit)
	var last string
	for time.Now().Before(deadline) {
		for _, p := range []*process{s.etcd, s.api} {
			if p.exited() {
				return fmt.Errorf("%s exited before the API server was healthy:\n%s", p.name, p.logs)
			}
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/healthz", http.NoBody)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("the API server at %s was not healthy within %s (last answer: %s)\nkubeapi output:\n%s\netcd output:\n%s",
		s.URL, limit, last, s.api.logs, s.etcd.logs)
}

// httpClient trusts the test CA and presents the admin certificate.
func (s *Server) httpClient() (*http.Client, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(s.pki.caCert) {
		return nil, errors.New("parsing the test CA")
	}
	cert, err := tls.X509KeyPair(s.pki.clientCert, s.pki.clientKey)
	if err != nil {
		return nil, err
	}
	return &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}}},
	}, nil
}

// Stop ends the API server, then etcd, and removes their files.
func (s *Server) Stop() {
	if s == nil {
		return
	}
	s.api.stop()
	s.etcd.stop()
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
}

// dirPattern names the servers' directories; ownerFile in each holds the
// process ID of the test binary that made it.
const (
	dirPattern = "golive-kubeapi-*"
	ownerFile  = "owner.pid"
)

// removeAbandoned deletes the directories of servers whose test binary is
// gone without stopping them (killed by go test -timeout, say: the parent
// death signal ends the processes, not their files, and etcd's
// preallocated log is over 100 MB).
func removeAbandoned() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPattern))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue // not ours, or still being set up
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err == nil && pid > 0 && syscall.Kill(pid, 0) == syscall.ESRCH {
			os.RemoveAll(dir)
		}
	}
}

// findBinaries locates the programs in GOLIVE_KUBEAPI_BIN (a directory) or
// else in bin/ at the repository's root.
func findBinaries() (map[string]string, error) {
	dir := os.Getenv("GOLIVE_KUBEAPI_BIN")
	if dir == "" {
		root, err := repoRoot()
		if err != nil {
			return nil, err
		}
		dir = filepath.Join(root, "bin")
	}
	out := map[string]string{}
	for _, name := range Binaries {
		path := filepath.Join(dir, name)
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("%s not found in %s: build the test API server and etcd with `make kubeapi` (`go test -short` runs only the unit tests)", name, dir)
		}
		out[name] = path
	}
	return out, nil
}

// repoRoot is the nearest directory above the working directory (a test's
// package directory) that holds the GNUmakefile.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "GNUmakefile")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("repository root (the directory with GNUmakefile) not found above the working directory; set GOLIVE_KUBEAPI_BIN to the directory holding kubeapi and etcd")
		}
		dir = parent
	}
}

func freePorts(n int) ([]int, error) {
	var ports []int
	var held []net.Listener // until all are chosen, so they differ
	defer func() {
		for _, l := range held {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("finding a free port: %w", err)
		}
		held = append(held, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// process is a child program in its own process group.
type process struct {
	name string
	cmd  *exec.Cmd
	logs *tailBuffer
	done chan struct{}
}

func startProcess(name, path string, args []string) (*process, error) {
	p := &process{name: name, logs: &tailBuffer{max: 64 << 10}, done: make(chan struct{})}
	p.cmd = exec.Command(path, args...)
	p.cmd.Stdout = p.logs
	p.cmd.Stderr = p.logs
	// Own process group, so stop ends anything it spawned; and a parent
	// death signal, so a test binary killed by `go test -timeout` (which
	// skips TestMain's Stop) does not leave it running.
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	return p, nil
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop asks the process group to terminate and kills it after a short
// grace: the data is throwaway, so a slow graceful shutdown buys nothing.
func (p *process) stop() {
	if p == nil {
		return
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(2 * time.Second):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	}
}
