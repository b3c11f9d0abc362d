package deploy_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/deploy"
)

// taskHookFixture is a cluster with a migration task definition, reached
// through the emulator's fault proxy (no faults), which quotes moto's task
// cpu/memory numbers. moto stops a task after a few DescribeTasks calls,
// always with exit code 0 and no reason; the proxy (emulator.ECSAnswers)
// reports a stopped task as ECS does when its essential container exits
// with the exit code the test sets.
type taskHookFixture struct {
	client  *ecs.Client
	taskDef string
	answers *emulator.ECSAnswers
}

func newTaskHookFixture(t *testing.T) *taskHookFixture {
	t.Helper()
	f := &taskHookFixture{answers: &emulator.ECSAnswers{}}
	proxy, err := emulator.StartFaultProxy(emulator.Shared(t).URL, emulator.FaultOptions{Rewrite: f.answers.Rewrite})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	cfg := account(t)
	cfg.BaseEndpoint = aws.String(proxy.URL)
	f.client = ecs.NewFromConfig(cfg)
	ctx := context.Background()
	if _, err := f.client.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("c")}); err != nil {
		t.Fatal(err)
	}
	td, err := f.client.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("migrate"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("migrate"), Image: aws.String("shop/migrate"), Memory: aws.Int32(128)}}})
	if err != nil {
		t.Fatal(err)
	}
	f.taskDef = aws.ToString(td.TaskDefinition.TaskDefinitionArn)
	return f
}

func (f *taskHookFixture) hook() deploy.ECSTaskHook {
	return deploy.ECSTaskHook{Client: f.client, Cluster: "c", TaskDefinition: f.taskDef, Command: []string{"./migrate", "up"},
		LaunchType: "FARGATE", Subnets: []string{"subnet-1"}, SecurityGroups: []string{"sg-1"}, Timeout: 20 * time.Second,
		PollInterval: 100 * time.Millisecond}
}

// stopWhenStarted stops the hook's task once it runs, as the task would
// by finishing, and sends the task as RunTask started it.
func (f *taskHookFixture) stopWhenStarted() <-chan ecstypes.Task {
	started := make(chan ecstypes.Task, 1)
	go func() {
		ctx := context.Background()
		for range 100 {
			time.Sleep(100 * time.Millisecond)
			out, err := f.client.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String("c"), StartedBy: aws.String("golive-hook")})
			if err != nil || len(out.TaskArns) == 0 {
				continue
			}
			d, err := f.client.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String("c"), Tasks: out.TaskArns[:1]})
			if err == nil && len(d.Tasks) == 1 {
				started <- d.Tasks[0]
			}
			_, _ = f.client.StopTask(ctx, &ecs.StopTaskInput{Cluster: aws.String("c"), Task: aws.String(out.TaskArns[0]), Reason: aws.String("Essential container in task exited")})
			return
		}
		close(started)
	}()
	return started
}

var hookRelease = deploy.Release{Environment: "shop/prod", Service: "api", Version: "2.0.0", Slot: "green", PreviousVersion: "1.0.0",
	DeploymentID: "shop/prod/api/green", Actor: "arn:aws:iam::123456789012:user/ci", Phase: deploy.PhaseBeforeVerify}

// A task that exits 0 passes; its container got the command override and
// the release as GOLIVE_* variables.
func TestECSTaskHook_successWithOverrides(t *testing.T) {
	t.Parallel()
	f := newTaskHookFixture(t)
	started := f.stopWhenStarted()
	if err := f.hook().RunRelease(context.Background(), hookRelease); err != nil {
		t.Fatalf("a task that exits 0 must pass: %v", err)
	}
	task, ok := <-started
	if !ok || task.Overrides == nil || len(task.Overrides.ContainerOverrides) != 1 {
		t.Fatalf("task as started: %+v", task)
	}
	o := task.Overrides.ContainerOverrides[0]
	env := map[string]string{}
	for _, kv := range o.Environment {
		env[aws.ToString(kv.Name)] = aws.ToString(kv.Value)
	}
	if aws.ToString(o.Name) != "migrate" || strings.Join(o.Command, " ") != "./migrate up" || env["GOLIVE_VERSION"] != "2.0.0" ||
		env["GOLIVE_PREVIOUS_VERSION"] != "1.0.0" || env["GOLIVE_DEPLOYMENT_ID"] != "shop/prod/api/green" || env["GOLIVE_PHASE"] != "before_verify" {
		t.Fatalf("container override %+v, environment %v", o, env)
	}
}

// A non-zero exit fails the hook, naming the container and the code.
func TestECSTaskHook_nonZeroExitFails(t *testing.T) {
	t.Parallel()
	f := newTaskHookFixture(t)
	f.answers.SetExitCode(3)
	f.stopWhenStarted()
	err := f.hook().RunRelease(context.Background(), hookRelease)
	if err == nil || !strings.Contains(err.Error(), "container migrate exited with code 3: Essential container in task exited [EssentialContainerExited]") {
		t.Fatalf("exit 3: %v", err)
	}
}

// A task that never finishes fails the hook when its timeout passes.
func TestECSTaskHook_timeout(t *testing.T) {
	t.Parallel()
	f := newTaskHookFixture(t)
	h := f.hook()
	// Two DescribeTasks calls: too few for moto to stop the task.
	h.Timeout, h.PollInterval = time.Second, time.Second
	if err := h.RunRelease(context.Background(), hookRelease); err == nil || !strings.Contains(err.Error(), "did not finish within 1s") {
		t.Fatalf("unfinished task: %v", err)
	}
}
