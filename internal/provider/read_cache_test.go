package provider

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/awsclient"
	"github.com/golive-dev/terraform-provider-golive/internal/deploy"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// callLog records the AWS operations a client made (X-Amz-Target, or the
// path of query-protocol calls). The SDK insists on its own BuildableClient
// (to add a CA bundle), so the log hooks the transport's per-request Proxy.
type callLog struct {
	mu  sync.Mutex
	ops []string
}

func (c *callLog) client() *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.Proxy = func(r *http.Request) (*url.URL, error) {
			op := r.Header.Get("X-Amz-Target")
			if op == "" {
				op = r.URL.Path
			}
			c.mu.Lock()
			c.ops = append(c.ops, op[strings.LastIndex(op, ".")+1:])
			c.mu.Unlock()
			return nil, nil
		}
	})
}

func (c *callLog) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	ops := c.ops
	c.ops = nil
	return ops
}

// TestReadCacheOneLedgerQueryAndOneDescribePerEnvironment: every Read of
// one environment (the environment, two deployments, a split) is served by
// one ledger Query and one DescribeServices, concurrent Reads included, and
// each answer is what the single reads say.
func TestReadCacheOneLedgerQueryAndOneDescribePerEnvironment(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := emulator.Shared(t)
	account := emulator.NewAccountID()
	cfg, err := srv.AccountConfig(ctx, account)
	if err != nil {
		t.Fatal(err)
	}
	eps := map[string]string{}
	for _, s := range awsclient.Services {
		eps[s] = srv.URL
	}
	log := &callLog{}
	clients, err := awsclient.New(ctx, awsclient.Config{Region: emulator.Region, Endpoints: eps, HTTPClient: log.client(),
		AssumeRole: &awsclient.AssumeRole{RoleARN: emulator.RoleARN(account), SessionName: "cache-test"}})
	if err != nil {
		t.Fatal(err)
	}
	l := ledger.New(clients.DynamoDB(), ledger.DefaultTable, emulator.Region)
	if err := ledger.CreateTable(ctx, clients.DynamoDB(), ledger.DefaultTable); err != nil {
		t.Fatal(err)
	}
	sdk := ecs.NewFromConfig(cfg)
	if _, err := sdk.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("c")}); err != nil {
		t.Fatal(err)
	}
	td, err := sdk.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("api"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("api"), Image: aws.String("api"), Memory: aws.Int32(128)}}})
	if err != nil {
		t.Fatal(err)
	}
	ecsc := &deploy.ECS{Client: sdk}
	for _, n := range []string{"api-blue", "api-green"} {
		if _, err := ecsc.Deploy(ctx, "shop/dev/"+n, deploy.ECSService{Cluster: "c", Name: n, TaskDefinition: aws.ToString(td.TaskDefinition.TaskDefinitionArn), DesiredCount: 1, LaunchType: "EC2"}, deploy.ClaimTag); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	if err := l.CreateEnvironment(ctx, ledger.Environment{Application: "shop", Name: "prod", Tier: "production", UpdatedAt: at}); err != nil {
		t.Fatal(err)
	}
	if err := l.PutRelease(ctx, ledger.Release{Environment: "shop/prod", Service: "api", UpdatedAt: at, Slots: map[string]ledger.Slot{
		"blue":  {Version: "1", DeployedAt: at, Cluster: "c", ECSService: "api-blue"},
		"green": {Version: "2", DeployedAt: at, Cluster: "c", ECSService: "api-green"},
	}}); err != nil {
		t.Fatal(err)
	}
	if err := l.PutSplit(ctx, ledger.Split{Environment: "shop/prod", Service: "api", Router: "alb", RuleARN: "arn:rule", UpdatedAt: at}); err != nil {
		t.Fatal(err)
	}
	log.take()

	c := newReadCache(l, clients)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 2 { // every Read twice, all at once
		wg.Add(4)
		go func() {
			defer wg.Done()
			if e, err := c.Environment(ctx, "shop/prod"); err != nil || e.Tier != "production" {
				errs <- errors.Join(err, errors.New("environment: "+e.Tier))
			}
		}()
		go func() {
			defer wg.Done()
			if r, err := c.Release(ctx, "shop/prod", "api"); err != nil || r.Slots["green"].Version != "2" {
				errs <- errors.Join(err, errors.New("release"))
			}
		}()
		go func() {
			defer wg.Done()
			if s, err := c.Split(ctx, "shop/prod", "api"); err != nil || s.RuleARN != "arn:rule" {
				errs <- errors.Join(err, errors.New("split"))
			}
		}()
		go func() {
			defer wg.Done()
			for _, n := range []string{"api-blue", "api-green"} {
				live, err := c.ECSService(ctx, "shop/prod", "c", n)
				if err != nil || live.DesiredCount != 1 || live.TaskDefinition != aws.ToString(td.TaskDefinition.TaskDefinitionArn) {
					errs <- errors.Join(err, errors.New("ecs service "+n))
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var reads []string
	for _, op := range log.take() {
		if op != "AssumeRole" && !strings.HasPrefix(op, "/") { // credentials, at most once
			reads = append(reads, op)
		}
	}
	if len(reads) != 2 || !contains(reads, "Query") || !contains(reads, "DescribeServices") {
		t.Fatalf("reads of one environment: %v, want one Query and one DescribeServices", reads)
	}

	// Not in the ledger: the environment's read says not found, as the
	// single reads do; a service the ledger does not name is asked alone.
	if _, err := c.Release(ctx, "shop/prod", "web"); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("release of web: %v, want ErrNotFound", err)
	}
	if _, err := c.Environment(ctx, "shop/none"); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("environment shop/none: %v, want ErrNotFound", err)
	}
	if _, err := c.ECSService(ctx, "shop/prod", "c", "api-gone"); !errors.Is(err, deploy.ErrServiceNotFound) {
		t.Fatalf("service api-gone: %v, want ErrServiceNotFound", err)
	}
	if ops := log.take(); len(ops) != 2 || ops[0] != "Query" || ops[1] != "DescribeServices" {
		t.Fatalf("calls for shop/none and api-gone: %v, want Query, DescribeServices", ops)
	}

	// A write of this provider instance (here: the release moving to
	// green) makes the cache forget: the next read sees the write.
	if err := l.SetLiveSlot(ctx, "shop/prod", "api", "green"); err != nil {
		t.Fatal(err)
	}
	if r, _ := c.Release(ctx, "shop/prod", "api"); r == nil || r.LiveSlot != "" {
		t.Fatalf("before forget, the cached release (live slot %q) should still be served", r.LiveSlot)
	}
	c.forget()
	if r, err := c.Release(ctx, "shop/prod", "api"); err != nil || r.LiveSlot != "green" {
		t.Fatalf("after forget: %+v, %v; want live slot green", r, err)
	}
	if ops := log.take(); !contains(ops, "Query") {
		t.Fatalf("calls after forget: %v, want a fresh Query", ops)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
