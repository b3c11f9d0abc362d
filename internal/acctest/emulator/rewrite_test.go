package emulator

import (
	"context"
	"errors"
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
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
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

// Refuse answers AccessDenied for the refused role only, as STS would, and
// lets every other call through.
func TestRefuseAssumeRole(t *testing.T) {
	var forwarded []string
	var mu sync.Mutex
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		forwarded = append(forwarded, r.Form.Get("RoleArn"))
		mu.Unlock()
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>AK</AccessKeyId><SecretAccessKey>s</SecretAccessKey>`+
			`<SessionToken>t</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>`)
	}))
	defer backend.Close()
	refused := "arn:aws:iam::111111111111:role/golive-ledger"
	p := startProxy(t, backend.URL, FaultOptions{Refuse: RefuseAssumeRole(refused)})
	client := sts.NewFromConfig(oneAttempt(p.URL))
	ctx := context.Background()
	_, err := client.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(refused), RoleSessionName: aws.String("x")})
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "AccessDenied" || !strings.Contains(api.ErrorMessage(), "is not authorized to perform: sts:AssumeRole on resource: "+refused) {
		t.Fatalf("AssumeRole of the refused role: %v", err)
	}
	other := "arn:aws:iam::222222222222:role/deployer"
	if _, err := client.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(other), RoleSessionName: aws.String("x")}); err != nil {
		t.Fatalf("AssumeRole of another role: %v", err)
	}
	if len(forwarded) != 1 || forwarded[0] != other {
		t.Fatalf("forwarded %q, want only %s", forwarded, other)
	}
}
