package deploy_test

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/golive-dev/terraform-provider-golive/internal/deploy"
)

type countingClient struct {
	mu    sync.Mutex
	n     int
	inner *awshttp.BuildableClient
}

func (c *countingClient) Do(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	return c.inner.Do(r)
}

// TestDescribeAllBatchesByTen: twelve services, one deleted, one never
// made, read in two calls; each answer is what Describe says of it.
func TestDescribeAllBatchesByTen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := account(t)
	client := ecs.NewFromConfig(cfg)
	if _, err := client.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("c")}); err != nil {
		t.Fatal(err)
	}
	td, err := client.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("api"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("api"), Image: aws.String("api"), Memory: aws.Int32(128)}}})
	if err != nil {
		t.Fatal(err)
	}
	e := &deploy.ECS{Client: client}
	var names []string
	for i := range 11 {
		name := fmt.Sprintf("svc-%02d", i)
		if _, err := e.Deploy(ctx, "shop/dev/"+name, deploy.ECSService{Cluster: "c", Name: name, TaskDefinition: aws.ToString(td.TaskDefinition.TaskDefinitionArn), DesiredCount: int32(i + 1), LaunchType: "EC2"}, deploy.ClaimTag); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	if err := e.Delete(ctx, "c", "svc-03"); err != nil {
		t.Fatal(err)
	}
	names = append(names, "never-made")

	counter := &countingClient{inner: awshttp.NewBuildableClient()}
	cc := cfg.Copy()
	cc.HTTPClient = counter
	got, err := (&deploy.ECS{Client: ecs.NewFromConfig(cc)}).DescribeAll(ctx, "c", names)
	if err != nil {
		t.Fatal(err)
	}
	if counter.n != 2 {
		t.Fatalf("DescribeAll of %d services made %d calls, want 2", len(names), counter.n)
	}
	if len(got) != 10 {
		t.Fatalf("DescribeAll answered %d services, want 10 (one deleted, one never made): %v", len(got), got)
	}
	for _, n := range names {
		one, err := e.Describe(ctx, "c", n)
		if err != nil {
			if _, ok := got[n]; ok {
				t.Errorf("%s: Describe says %v, DescribeAll answered it", n, err)
			}
			continue
		}
		if got[n] == nil || !reflect.DeepEqual(got[n], one) {
			t.Errorf("%s: DescribeAll %+v, Describe %+v", n, got[n], one)
		}
	}
}
