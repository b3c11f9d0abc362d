package deploy_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
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

func TestECSServiceLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client := ecs.NewFromConfig(account(t))
	if _, err := client.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("c")}); err != nil {
		t.Fatal(err)
	}
	var revs []string
	for i := 0; i < 2; i++ {
		td, err := client.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("api"),
			ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("api"), Image: aws.String("api"), Memory: aws.Int32(128)}}})
		if err != nil {
			t.Fatal(err)
		}
		revs = append(revs, aws.ToString(td.TaskDefinition.TaskDefinitionArn))
	}
	e := &deploy.ECS{Client: client}
	svc := deploy.ECSService{Cluster: "c", Name: "api-blue", TaskDefinition: revs[0], DesiredCount: 2, LaunchType: "EC2"}
	prev, err := e.Apply(ctx, svc)
	if err != nil || prev != "" {
		t.Fatalf("create: previous %q, %v", prev, err)
	}
	if err := e.WaitStable(ctx, "c", "api-blue", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	svc.TaskDefinition = revs[1]
	if prev, err = e.Apply(ctx, svc); err != nil || prev != revs[0] {
		t.Fatalf("update: previous %q, %v", prev, err)
	}
	live, _ := e.Describe(ctx, "c", "api-blue")
	if live.TaskDefinition != revs[1] {
		t.Fatalf("after update runs %s", live.TaskDefinition)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := e.PutBack(cancelled, "c", "api-blue", revs[0]); err != nil {
		t.Fatalf("put back must work on a cancelled context: %v", err)
	}
	live, _ = e.Describe(ctx, "c", "api-blue")
	if live.TaskDefinition != revs[0] {
		t.Fatalf("after put back runs %s", live.TaskDefinition)
	}
	if err := e.Delete(ctx, "c", "api-blue"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Describe(ctx, "c", "api-blue"); !errors.Is(err, deploy.ErrServiceNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if err := e.Delete(ctx, "c", "api-blue"); err != nil {
		t.Fatalf("deleting a missing service: %v", err)
	}
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
