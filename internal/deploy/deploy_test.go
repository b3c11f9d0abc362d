package deploy_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/deploy"
)

// moto reports MOTO_ECS_SERVICE_RUNNING tasks for a new service.
func TestMain(m *testing.M) { emulator.Main(m, emulator.Options{ECSServiceRunning: 2}) }

func account(t *testing.T) aws.Config {
	t.Helper()
	cfg, err := emulator.Shared(t).AccountConfig(context.Background(), emulator.NewAccountID())
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestHTTPHook(t *testing.T) {
	t.Parallel()
	type call struct {
		method, auth, contentType string
		body                      []byte
	}
	calls := make(chan call, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		calls <- call{r.Method, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), body}
		if strings.HasSuffix(r.URL.Path, "/fail") {
			http.Error(w, "boom", http.StatusBadGateway)
			return
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	secret := map[string]string{"Authorization": "Bearer s3cr3t"}

	// POST: the headers and the release as JSON.
	if err := (deploy.HTTPHook{URL: srv.URL + "/ok", Headers: secret}).RunRelease(ctx, hookRelease); err != nil {
		t.Fatal(err)
	}
	c := <-calls
	var got deploy.Release
	if err := json.Unmarshal(c.body, &got); err != nil || got != hookRelease {
		t.Fatalf("body %s (%v), want %+v", c.body, err, hookRelease)
	}
	if c.method != http.MethodPost || c.auth != "Bearer s3cr3t" || c.contentType != "application/json" {
		t.Fatalf("request %+v", c)
	}
	for _, key := range []string{`"environment":"shop/prod"`, `"previous_version":"1.0.0"`, `"deployment_id":"shop/prod/api/green"`, `"phase":"before_verify"`} {
		if !strings.Contains(string(c.body), key) {
			t.Errorf("body %s lacks %s", c.body, key)
		}
	}
	// GET: headers, no body.
	if err := (deploy.HTTPHook{URL: srv.URL + "/ok", Method: http.MethodGet, Headers: secret}).RunRelease(ctx, hookRelease); err != nil {
		t.Fatal(err)
	}
	if c = <-calls; c.method != http.MethodGet || len(c.body) != 0 || c.auth != "Bearer s3cr3t" {
		t.Fatalf("GET request %+v", c)
	}
	// A failure names the answer, never the headers.
	err := (deploy.HTTPHook{URL: srv.URL + "/fail", Headers: secret}).RunRelease(ctx, hookRelease)
	if err == nil || !strings.Contains(err.Error(), "answered HTTP 502: boom") || strings.Contains(err.Error(), "s3cr3t") {
		t.Fatalf("got %v", err)
	}
}

func TestCheckLambdaVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := account(t)
	f, err := emulator.NewLambda(ctx, cfg, "fn")
	if err != nil {
		t.Fatal(err)
	}
	client := lambda.NewFromConfig(cfg)
	if err := deploy.CheckLambdaVersion(ctx, client, f.Function, "2"); err != nil {
		t.Fatal(err)
	}
	if err := deploy.CheckLambdaVersion(ctx, client, f.Function, "$LATEST"); err == nil || !strings.Contains(err.Error(), "published version") {
		t.Fatalf("$LATEST: %v", err)
	}
	if err := deploy.CheckLambdaVersion(ctx, client, f.Function, "7"); err == nil {
		t.Fatal("a missing version passed")
	}
}
