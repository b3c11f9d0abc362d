package emulator

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// Rewrite sees the action of JSON (X-Amz-Target) and query (form Action)
// requests, and the client reads what it returns; task answers get moto's
// cpu/memory numbers quoted whether or not a test rewrites.
func TestRewriteChangesAnswers(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch {
		case strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".ListClusters"):
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			fmt.Fprint(w, `{"clusterArns":["arn:aws:ecs:us-east-1:123456789012:cluster/moto"]}`)
		case strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".DescribeTasks"):
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			fmt.Fprint(w, `{"tasks":[{"taskArn":"t","cpu": 256,"containers":[{"name":"api","memory": 512}]}],"failures":[]}`)
		case strings.Contains(string(body), "Action=DescribeTargetGroups"):
			w.Header().Set("Content-Type", "text/xml")
			fmt.Fprint(w, `<DescribeTargetGroupsResponse><DescribeTargetGroupsResult><TargetGroups><member><TargetGroupName>moto</TargetGroupName></member></TargetGroups></DescribeTargetGroupsResult></DescribeTargetGroupsResponse>`)
		default:
			http.Error(w, "unexpected", http.StatusBadRequest)
		}
	}))
	defer backend.Close()
	var mu sync.Mutex
	var actions []string
	p := startProxy(t, backend.URL, FaultOptions{Rewrite: func(action string, body []byte) []byte {
		mu.Lock()
		actions = append(actions, action)
		mu.Unlock()
		switch action {
		case "ListClusters":
			return EditJSON(body, func(m map[string]any) {
				m["clusterArns"] = []string{"arn:aws:ecs:us-east-1:123456789012:cluster/rewritten"}
			})
		case "DescribeTargetGroups":
			return []byte(strings.ReplaceAll(string(body), "moto", "rewritten"))
		}
		return body
	}})
	ctx := context.Background()
	cfg := oneAttempt(p.URL)
	clusters, err := ecs.NewFromConfig(cfg).ListClusters(ctx, &ecs.ListClustersInput{})
	if err != nil || len(clusters.ClusterArns) != 1 || !strings.HasSuffix(clusters.ClusterArns[0], "/rewritten") {
		t.Fatalf("ListClusters: %v, %v", clusters, err)
	}
	groups, err := elbv2.NewFromConfig(cfg).DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{})
	if err != nil || len(groups.TargetGroups) != 1 || aws.ToString(groups.TargetGroups[0].TargetGroupName) != "rewritten" {
		t.Fatalf("DescribeTargetGroups: %+v, %v", groups, err)
	}
	tasks, err := ecs.NewFromConfig(cfg).DescribeTasks(ctx, &ecs.DescribeTasksInput{Tasks: []string{"t"}})
	if err != nil || aws.ToString(tasks.Tasks[0].Cpu) != "256" || aws.ToString(tasks.Tasks[0].Containers[0].Memory) != "512" {
		t.Fatalf("DescribeTasks: %+v, %v", tasks, err)
	}
	if strings.Join(actions, " ") != "ListClusters DescribeTargetGroups DescribeTasks" {
		t.Fatalf("Rewrite saw actions %v", actions)
	}
}
