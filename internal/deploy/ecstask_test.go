package deploy_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/deploy"
)

// mototaskFix works around a moto 5.2 bug in test set-up: RunTask and
// DescribeTasks answer container "cpu" and "memory" as JSON numbers where
// the ECS API has strings, which the SDK refuses to decode. The proxy quotes
// them; nothing else changes.
func motoTaskFix(t *testing.T) string {
	t.Helper()
	target, _ := url.Parse(emulator.Shared(t).URL)
	numbers := regexp.MustCompile(`"(cpu|memory)": ?(\d+)`)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(r *http.Response) error {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return err
		}
		r.Body.Close()
		if strings.Contains(r.Request.Header.Get("X-Amz-Target"), "RunTask") || strings.Contains(r.Request.Header.Get("X-Amz-Target"), "DescribeTasks") {
			body = numbers.ReplaceAll(body, []byte(`"$1": "$2"`))
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.Header.Set("Content-Length", strconv.Itoa(len(body)))
		return nil
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestECSTaskHook(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := account(t)
	cfg.BaseEndpoint = aws.String(motoTaskFix(t))
	client := ecs.NewFromConfig(cfg)
	if _, err := client.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("c")}); err != nil {
		t.Fatal(err)
	}
	td, err := client.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("migrate"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("migrate"), Image: aws.String("shop/migrate"), Memory: aws.Int32(128)}}})
	if err != nil {
		t.Fatal(err)
	}
	hook := deploy.ECSTaskHook{Client: client, Cluster: "c", TaskDefinition: aws.ToString(td.TaskDefinition.TaskDefinitionArn),
		Command: []string{"./migrate", "up"}, LaunchType: "FARGATE", Subnets: []string{"subnet-1"}, SecurityGroups: []string{"sg-1"},
		Timeout: 20 * time.Second}

	// moto never finishes tasks by itself; stop it as the task would,
	// once the hook is waiting.
	go func() {
		for i := 0; i < 50; i++ {
			time.Sleep(200 * time.Millisecond)
			out, err := client.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String("c")})
			if err == nil && len(out.TaskArns) > 0 {
				_, _ = client.StopTask(ctx, &ecs.StopTaskInput{Cluster: aws.String("c"), Task: aws.String(out.TaskArns[0])})
				return
			}
		}
	}()
	if err := hook.Run(ctx); err != nil {
		t.Fatalf("a task that exits 0 must pass: %v", err)
	}

	// A task that never finishes fails the hook when its timeout passes.
	hook.Timeout = 2 * time.Second
	if err := hook.Run(ctx); err == nil || !strings.Contains(err.Error(), "did not finish within 2s") {
		t.Fatalf("unfinished task: %v", err)
	}
}
