package router_test

import (
	"context"
	"net/http"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/acctest/kubeapi"
)

func TestMain(m *testing.M) {
	os.Exit(kubeapi.Run(func() int { return emulator.Run(m, emulator.Options{}) }))
}

// account returns an SDK configuration acting in a fresh emulator account,
// and the account ID.
func account(t *testing.T) (aws.Config, string) {
	t.Helper()
	acct := emulator.NewAccountID()
	cfg, err := emulator.Shared(t).AccountConfig(context.Background(), acct)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, acct
}

// calls records the HTTP requests of the clients built from a
// configuration, so a test can see what a router sent.
type calls struct {
	inner aws.HTTPClient
	mu    sync.Mutex
	reqs  []string // "METHOD path"
}

// counted returns a copy of cfg whose clients record their requests in c.
func counted(cfg aws.Config) (aws.Config, *calls) {
	c := &calls{inner: awshttp.NewBuildableClient()}
	cfg.HTTPClient = c
	return cfg, c
}

func (c *calls) Do(req *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.reqs = append(c.reqs, req.Method+" "+req.URL.Path)
	c.mu.Unlock()
	return c.inner.Do(req)
}

// matching is the number of requests with method whose path ends in
// suffix (trailing slashes ignored); "" matches any method or path.
func (c *calls) matching(method, suffix string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, r := range c.reqs {
		m, path, _ := strings.Cut(r, " ")
		if (method == "" || m == method) && strings.HasSuffix(strings.TrimSuffix(path, "/"), suffix) {
			n++
		}
	}
	return n
}

func (c *calls) reset() {
	c.mu.Lock()
	c.reqs = nil
	c.mu.Unlock()
}

func mustEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got  %v\n want %v", what, got, want)
	}
}
