package deploy_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/deploy"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

const circuitBreakerReason = "ECS deployment circuit breaker: tasks failed to start."

// stopTasksOf runs n tasks as ECS would for the deployment (startedBy its
// id) and stops them, so the deployment has stopped tasks to explain. It
// goes through the proxy, which makes moto's task answers decodable, and
// runs a task definition without awsvpc networking, which moto's RunTask
// cannot attach (it fails on the network interface it makes).
func (f *slotFixture) stopTasksOf(t *testing.T, deployment string, n int, reason string) {
	t.Helper()
	ctx := context.Background()
	client := f.deployer.Client
	td, err := client.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("api-tasks"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("api"), Image: aws.String("shop/api:2.0"), Memory: aws.Int32(512)}}})
	if err != nil {
		t.Fatal(err)
	}
	for range n {
		out, err := client.RunTask(ctx, &ecs.RunTaskInput{Cluster: aws.String(f.cluster), TaskDefinition: td.TaskDefinition.TaskDefinitionArn,
			LaunchType: ecstypes.LaunchTypeFargate, StartedBy: aws.String(deployment)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := client.StopTask(ctx, &ecs.StopTaskInput{Cluster: aws.String(f.cluster), Task: out.Tasks[0].TaskArn, Reason: aws.String(reason)}); err != nil {
			t.Fatal(err)
		}
	}
}

// primaryDeployment is the id of the service's PRIMARY deployment, read
// directly from the emulator.
func (f *slotFixture) primaryDeployment(t *testing.T) string {
	t.Helper()
	for _, d := range f.describe(t, "api-green").Deployments {
		if aws.ToString(d.Status) == "PRIMARY" {
			return aws.ToString(d.Id)
		}
	}
	t.Fatal("no PRIMARY deployment")
	return ""
}

func TestWaitRollout_followsTheDeploymentUntilCompleted(t *testing.T) {
	t.Parallel()
	f := newSlotFixture(t)
	sim := &emulator.ECSAnswers{}
	f.throughProxy(t, sim.Rewrite)
	a, err := f.deployer.Deploy(context.Background(), greenID, f.service(1), deploy.ClaimTag)
	if err != nil {
		t.Fatal(err)
	}
	sim.SetRollout("", "IN_PROGRESS", "IN_PROGRESS", "COMPLETED")
	if err := f.deployer.WaitRollout(context.Background(), a, time.Minute); err != nil {
		t.Fatal(err)
	}
	if sim.Reads() != 3 {
		t.Fatalf("the wait read the service %d times, want 3 (IN_PROGRESS twice, then COMPLETED)", sim.Reads())
	}
}

// A FAILED rollout is an error that says why: ECS's reason, the stopped
// tasks of that deployment with their exit codes, the service's events.
func TestWaitRollout_failedListsStoppedTasks(t *testing.T) {
	t.Parallel()
	f := newSlotFixture(t)
	sim := &emulator.ECSAnswers{}
	sim.SetExitCode(1)
	f.throughProxy(t, sim.Rewrite)
	a, err := f.deployer.Deploy(context.Background(), greenID, f.service(1), deploy.ClaimTag)
	if err != nil {
		t.Fatal(err)
	}
	f.stopTasksOf(t, a.Deployment, 2, "Essential container in task exited")
	sim.SetRollout(circuitBreakerReason, "IN_PROGRESS", "FAILED")
	err = f.deployer.WaitRollout(context.Background(), a, time.Minute)
	t.Logf("the error reads:\n%v", err)
	var re *deploy.RolloutError
	if !errors.As(err, &re) || re.TimedOut || len(re.Stopped) != 2 || re.Deployment != a.Deployment {
		t.Fatalf("got %v", err)
	}
	for _, want := range []string{
		"ECS deployment " + a.Deployment + " of service api-green failed: ECS deployment circuit breaker: tasks failed to start.",
		"stopped tasks of deployment " + a.Deployment + ":\n  - 2 tasks (",
		"): Essential container in task exited [EssentialContainerExited]; container api exited with code 1",
		"latest service events:\n  - ", "deployment failed: tasks failed to start.",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%s", want, err)
		}
	}
}

func TestWaitRollout_timesOut(t *testing.T) {
	t.Parallel()
	f := newSlotFixture(t)
	sim := &emulator.ECSAnswers{}
	f.throughProxy(t, sim.Rewrite)
	a, err := f.deployer.Deploy(context.Background(), greenID, f.service(1), deploy.ClaimTag)
	if err != nil {
		t.Fatal(err)
	}
	sim.SetRollout("", "IN_PROGRESS")
	err = f.deployer.WaitRollout(context.Background(), a, 300*time.Millisecond)
	var re *deploy.RolloutError
	if !errors.As(err, &re) || !re.TimedOut || !strings.Contains(err.Error(), "ECS service api-green did not finish rolling out within 300ms: deployment "+a.Deployment+" IN_PROGRESS") {
		t.Fatalf("got %v", err)
	}
}

// The pipeline over a real (emulated) ECS service: a failed rollout of a
// new revision puts the service back on the one it ran, and the error
// carries the stopped tasks' reasons.
func TestPipelineOnECS_failedRolloutPutsBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newSlotFixture(t)
	sim := &emulator.ECSAnswers{}
	sim.SetExitCode(1)
	f.throughProxy(t, sim.Rewrite)
	if _, err := f.deployer.Deploy(ctx, greenID, f.service(1), deploy.ClaimTag); err != nil {
		t.Fatal(err)
	}
	sim.SetRollout(circuitBreakerReason, "FAILED")
	pf := newPipeline(nil)
	target := &deploy.ECSTarget{ECS: f.deployer, Service: f.service(2), ID: greenID, Wait: true, WaitTimeout: time.Minute}
	applied := false
	pf.p.Target = applyHook{target, func() {
		applied = true
		f.stopTasksOf(t, f.primaryDeployment(t), 1, "Essential container in task exited")
	}}
	_, err := pf.p.Run(ctx)
	if err == nil || !applied {
		t.Fatalf("pipeline: %v", err)
	}
	for _, want := range []string{"tasks failed to start.", "container api exited with code 1", "; ECS service api-green put back on " + f.revs[0]} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%s", want, err)
		}
	}
	if live := f.describe(t, "api-green"); aws.ToString(live.TaskDefinition) != f.revs[0] {
		t.Fatalf("service runs %s after the failed rollout, want %s", aws.ToString(live.TaskDefinition), f.revs[0])
	}
	if e := pf.session.find(ledger.KindRolledBack); e == nil || e.Outcome != ledger.OutcomePutBack {
		t.Fatalf("rolled_back event %+v", e)
	}
}

// A first deployment whose rollout fails deletes the service it created.
func TestPipelineOnECS_failedFirstDeploymentLeavesNothing(t *testing.T) {
	t.Parallel()
	f := newSlotFixture(t)
	sim := &emulator.ECSAnswers{}
	sim.SetRollout(circuitBreakerReason, "FAILED")
	f.throughProxy(t, sim.Rewrite)
	pf := newPipeline(nil)
	pf.ledger.release = nil
	pf.p.Target = &deploy.ECSTarget{ECS: f.deployer, Service: f.service(1), ID: greenID, Wait: true, WaitTimeout: time.Minute}
	out, err := pf.p.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "; ECS service api-green, which this deployment created, deleted") || out.Leftover {
		t.Fatalf("pipeline: %+v, %v", out, err)
	}
	if live := f.describe(t, "api-green"); live != nil {
		t.Fatalf("the failed first deployment left service api-green %s", aws.ToString(live.Status))
	}
}

// applyHook lets a test act right after the target applied (start the
// tasks of the new deployment).
type applyHook struct {
	*deploy.ECSTarget
	after func()
}

func (h applyHook) Apply(ctx context.Context) (deploy.Change, error) {
	c, err := h.ECSTarget.Apply(ctx)
	if err == nil {
		h.after()
	}
	return c, err
}
