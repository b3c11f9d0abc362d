package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// hookCall is one request an HTTP hook made.
type hookCall struct {
	Method, Path, Authorization string
	Release                     map[string]string
}

// hookServer records the calls of HTTP hooks.
type hookServer struct {
	*httptest.Server
	mu    sync.Mutex
	calls []hookCall
}

func newHookServer(t *testing.T) *hookServer {
	h := &hookServer{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		c := hookCall{Method: r.Method, Path: r.URL.Path, Authorization: r.Header.Get("Authorization")}
		_ = json.Unmarshal(body, &c.Release)
		h.mu.Lock()
		h.calls = append(h.calls, c)
		h.mu.Unlock()
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookServer) calledFor(version string) []hookCall {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []hookCall
	for _, c := range h.calls {
		if c.Release["version"] == version {
			out = append(out, c)
		}
	}
	return out
}

// checkHookTask checks the hook task ECS ran last for version: the command
// override and the release variables of its container.
func (e *testEnv) checkHookTask(t *testing.T, cluster, version string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		c, ctx := e.taskClient(t), context.Background()
		// moto lists every task without a status filter (its own stopping
		// leaves the desired status RUNNING).
		list, err := c.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String(cluster), StartedBy: aws.String("golive-hook")})
		if err != nil {
			return err
		}
		if len(list.TaskArns) == 0 {
			return fmt.Errorf("no hook task ran")
		}
		tasks, err := c.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: list.TaskArns})
		if err != nil {
			return err
		}
		for _, task := range tasks.Tasks {
			o := task.Overrides.ContainerOverrides[0]
			env := map[string]string{}
			for _, kv := range o.Environment {
				env[aws.ToString(kv.Name)] = aws.ToString(kv.Value)
			}
			if env["GOLIVE_VERSION"] != version {
				continue
			}
			if aws.ToString(o.Name) != "migrate" || strings.Join(o.Command, " ") != "./migrate up" || env["GOLIVE_PHASE"] != "before_verify" ||
				env["GOLIVE_DEPLOYMENT_ID"] != "shop/dev/worker/"+version || env["GOLIVE_ACTOR"] != e.actorARN() {
				return fmt.Errorf("hook task override %+v, environment %v", o, env)
			}
			return nil
		}
		return fmt.Errorf("no hook task ran for %s", version)
	}
}

// Hooks through Terraform: an ECS task (command override, release
// variables) and HTTP calls (headers, the release as JSON) before the
// gates, an HTTP call after them; a task exiting non-zero fails the
// deployment naming the container and exit code, and the after_verify hook
// does not run. moto's stopped tasks exit 0: the fault proxy reports the
// exit code the test sets.
func TestAccDeployment_hooksEndToEnd(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	fn, err := emulator.NewLambda(ctx, e.cfg, "worker")
	if err != nil {
		t.Fatal(err)
	}
	f := e.ecsFixture(t)
	td, err := ecs.NewFromConfig(e.cfg).RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("migrate"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("migrate"), Image: aws.String("shop/migrate"), Memory: aws.Int32(128)}}})
	if err != nil {
		t.Fatal(err)
	}
	answers := &emulator.ECSAnswers{}
	hooks := newHookServer(t)
	cfg := e.simulatedProvider(t, answers.Rewrite) + devEnv + testConfig(t, "main.tf")
	vars := func(version, lambdaVersion string) config.Variables {
		return config.Variables{"function_name": config.StringVariable(fn.Function), "release_version": config.StringVariable(version),
			"lambda_version": config.StringVariable(lambdaVersion), "hook_url": config.StringVariable(hooks.URL), "token": config.StringVariable("s3cr3t"),
			"cluster_arn": config.StringVariable(f.cluster), "migrate_task_definition": config.StringVariable(aws.ToString(td.TaskDefinition.TaskDefinitionArn))}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{
				Config: cfg, ConfigVariables: vars("1.0.0", "1"),
				Check: resource.ComposeTestCheckFunc(
					e.checkVerification("shop/dev", "worker", "1.0.0", ledger.StatusVerified),
					e.checkHookTask(t, f.cluster, "1.0.0"),
					func(*terraform.State) error {
						calls := hooks.calledFor("1.0.0")
						if len(calls) != 2 || calls[0].Method != http.MethodPost || calls[0].Path != "/before" || calls[1].Method != http.MethodPut ||
							calls[1].Path != "/after" || calls[0].Release["phase"] != "before_verify" || calls[1].Release["phase"] != "after_verify" {
							return fmt.Errorf("hook calls %+v", calls)
						}
						for _, c := range calls {
							if c.Authorization != "Bearer s3cr3t" || c.Release["environment"] != "shop/dev" || c.Release["service"] != "worker" ||
								c.Release["slot"] != "1.0.0" || c.Release["deployment_id"] != "shop/dev/worker/1.0.0" || c.Release["actor"] != e.actorARN() {
								return fmt.Errorf("hook call %+v", c)
							}
						}
						return nil
					},
				),
			},
			{
				PreConfig: func() { answers.SetExitCode(3) },
				Config:    cfg, ConfigVariables: vars("2.0.0", "2"),
				ExpectError: errorPattern(`hook 1 \(before_verify\): hook task arn:aws:ecs:[^ ]+: container migrate exited with code 3: ` +
					`Essential container in task exited \[EssentialContainerExited\]`),
			},
			{
				PreConfig: func() {
					mustCheck(t, e.checkVerification("shop/dev", "worker", "2.0.0", ledger.StatusFailed), e.checkHookTask(t, f.cluster, "2.0.0"))
					if calls := hooks.calledFor("2.0.0"); len(calls) != 0 {
						t.Fatalf("hooks after the failed one ran: %+v", calls)
					}
				},
				Config: cfg, ConfigVariables: vars("1.0.0", "1"), PlanOnly: true,
			},
		},
	})
}

// parity = "strict" fails closed: when the upstream environment's config
// keys cannot be read, the plan fails saying what could not be read. The
// fault proxy garbles the ledger's answer for that environment's record.
func TestAccDeployment_parityStrictFailsClosed(t *testing.T) {
	e := newTestEnv(t)
	fn, err := emulator.NewLambda(context.Background(), e.cfg, "worker")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	garble := false
	cfgBlock := e.simulatedProvider(t, func(action string, body []byte) []byte {
		mu.Lock()
		defer mu.Unlock()
		if garble && action == "GetItem" && strings.Contains(string(body), `"ENV#shop/staging"`) {
			return body[:len(body)/2]
		}
		return body
	})
	envs := fmt.Sprintf(stagingProd, "strict", `, FEATURE_X = "on"`)
	staging := lambdaDeployment("staging", fn.Function, "1.0.0", "1", "")
	prod := lambdaDeployment("prod", fn.Function, "1.0.0", "1", "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(fixedClock(t, inWindow)),
		Steps: []resource.TestStep{
			{Config: cfgBlock + envs + staging},
			{
				PreConfig: func() {
					mu.Lock()
					garble = true
					mu.Unlock()
				},
				Config: cfgBlock + envs + staging + prod, PlanOnly: true,
				ExpectError: errorPattern(`config parity not checked.*shop/prod has parity = "strict": its config keys must include those of shop/staging, ` +
					`but reading the config keys of shop/staging from the golive ledger failed: .*Nothing was deployed`),
			},
			{
				PreConfig: func() {
					mu.Lock()
					garble = false
					mu.Unlock()
				},
				Config: cfgBlock + envs + staging + prod,
				Check:  e.checkVerification("shop/prod", "worker", "1.0.0", ledger.StatusVerified),
			},
		},
	})
}
