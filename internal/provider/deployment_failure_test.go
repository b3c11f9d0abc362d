package provider_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

const circuitBreakerReason = "ECS deployment circuit breaker: tasks failed to start."

// taskClient is an ECS client of the test's account through a fault proxy
// without faults, which makes moto's task answers decodable.
func (e *testEnv) taskClient(t *testing.T) *ecs.Client {
	t.Helper()
	proxy, err := emulator.StartFaultProxy(e.server.URL, emulator.FaultOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	cfg := e.cfg.Copy()
	cfg.BaseEndpoint = aws.String(proxy.URL)
	return ecs.NewFromConfig(cfg)
}

// stopTasksOf runs n tasks of taskDef as ECS would for the service's
// current deployment (startedBy its id) and stops them: the deployment's
// stopped tasks that a failed rollout reports. moto's services start no
// tasks of their own.
func (e *testEnv) stopTasksOf(t *testing.T, cluster, service, taskDef string, n int) {
	t.Helper()
	s, err := e.describeService(cluster, service)
	if err != nil || s == nil {
		t.Fatalf("service %s: %v", service, err)
	}
	deployment := ""
	for _, d := range s.Deployments {
		if aws.ToString(d.Status) == "PRIMARY" {
			deployment = aws.ToString(d.Id)
		}
	}
	c, ctx := e.taskClient(t), context.Background()
	for range n {
		out, err := c.RunTask(ctx, &ecs.RunTaskInput{Cluster: aws.String(cluster), TaskDefinition: aws.String(taskDef),
			LaunchType: ecstypes.LaunchTypeFargate, StartedBy: aws.String(deployment)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.StopTask(ctx, &ecs.StopTaskInput{Cluster: aws.String(cluster), Task: out.Tasks[0].TaskArn,
			Reason: aws.String("Essential container in task exited")}); err != nil {
			t.Fatal(err)
		}
	}
}

func (e *testEnv) checkServiceOn(cluster, name, taskDef string) func() {
	return func() {
		e.t.Helper()
		if err := e.checkECSService(cluster, name, taskDef)(nil); err != nil {
			e.t.Fatal(err)
		}
	}
}

// A rollout that ECS marks FAILED (simulated in the fault proxy: moto
// never fails one) fails the deployment with the stopped tasks' reasons and
// exit codes, puts the service back on its previous task definition, and
// records why.
func TestAccDeployment_ecsFailedRolloutPutsBack(t *testing.T) {
	e := newTestEnv(t)
	f := e.ecsFixture(t)
	answers := &emulator.ECSAnswers{}
	answers.SetExitCode(1)
	cfg := e.simulatedProvider(t, answers.Rewrite) + devEnv + testConfig(t, "main.tf")
	vars := func(version string, rev int) config.Variables {
		return config.Variables{"cluster_arn": config.StringVariable(f.cluster), "task_definition": config.StringVariable(f.revs[rev-1]),
			"release_version": config.StringVariable(version)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             e.checkECSService(f.cluster, "api-blue", ""),
		Steps: []resource.TestStep{
			{Config: cfg, ConfigVariables: vars("1.0.0", 1), Check: e.checkECSService(f.cluster, "api-blue", f.revs[0])},
			{
				PreConfig: func() {
					e.stopTasksOf(t, f.cluster, "api-blue", f.revs[1], 2)
					answers.SetRollout(circuitBreakerReason, "FAILED")
				},
				Config: cfg, ConfigVariables: vars("2.0.0", 2),
				ExpectError: errorPattern(`updating golive deployment \(shop/dev/api/blue\).*ECS deployment ecs-svc/\d+ of service api-blue failed: ` +
					`ECS deployment circuit breaker: tasks failed to start\..*stopped tasks of deployment ecs-svc/\d+:.*2 tasks \(.*\): ` +
					`Essential container in task exited \[EssentialContainerExited\]; container api exited with code 1.*` +
					`latest service events:.*deployment failed: tasks failed to start\..*; ECS service api-blue put back on .*task-definition/api:1`),
			},
			{
				PreConfig: func() {
					answers.SetRollout("")
					e.checkServiceOn(f.cluster, "api-blue", f.revs[0])()
					mustCheck(t, e.checkVerification("shop/dev", "api", "2.0.0", ledger.StatusFailed),
						e.checkEvent("shop/dev", ledger.KindRolledBack, ledger.OutcomePutBack, func(ev ledger.Event) error {
							if ev.Version != "2.0.0" || ev.Reason == "" || ev.Detail != "ECS service api-blue put back on "+f.revs[0] {
								return fmt.Errorf("rolled_back event %+v", ev)
							}
							return nil
						}))
				},
				// The state still holds 1.0.0, which runs.
				Config: cfg, ConfigVariables: vars("1.0.0", 1), PlanOnly: true,
			},
		},
	})
}

// mustCheck runs checks outside a step's Check (in PreConfig).
func mustCheck(t *testing.T, checks ...resource.TestCheckFunc) {
	t.Helper()
	for _, c := range checks {
		if err := c(nil); err != nil {
			t.Fatal(err)
		}
	}
}

// A first deployment whose rollout fails deletes the service it created:
// nothing is left that Terraform does not track, and the next apply starts
// afresh.
func TestAccDeployment_ecsFailedFirstDeploymentLeavesNothing(t *testing.T) {
	e := newTestEnv(t)
	f := e.ecsFixture(t)
	answers := &emulator.ECSAnswers{}
	answers.SetRollout(circuitBreakerReason, "FAILED")
	cfg := e.simulatedProvider(t, answers.Rewrite) + devEnv + testConfig(t, "main.tf")
	vars := config.Variables{"cluster_arn": config.StringVariable(f.cluster), "task_definition": config.StringVariable(f.revs[0]),
		"release_version": config.StringVariable("1.0.0")}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             e.checkECSService(f.cluster, "api-blue", ""),
		Steps: []resource.TestStep{
			{
				Config: cfg, ConfigVariables: vars,
				ExpectError: errorPattern(`creating golive deployment \(shop/dev/api/blue\).*ECS deployment ecs-svc/\d+ of service api-blue failed: ` +
					`ECS deployment circuit breaker: tasks failed to start\..*; ECS service api-blue, which this deployment created, deleted`),
			},
			{
				PreConfig: func() {
					e.checkServiceOn(f.cluster, "api-blue", "")()
					mustCheck(t, e.checkVerification("shop/dev", "api", "1.0.0", ledger.StatusFailed),
						e.checkEvent("shop/dev", ledger.KindRolledBack, ledger.OutcomeDeleted, nil))
					answers.SetRollout("")
				},
				Config: cfg, ConfigVariables: vars,
				Check: e.checkECSService(f.cluster, "api-blue", f.revs[0]),
			},
		},
	})
}

// A first deployment that fails and cannot delete the service it created
// (DeleteService refused, as IAM would refuse it; moto never refuses) stays
// in Terraform state: the next plan still tracks the service, and
// destroying the deployment deletes it.
func TestAccDeployment_ecsFailedFirstDeploymentLeftoverIsTracked(t *testing.T) {
	e := newTestEnv(t)
	f := e.ecsFixture(t)
	answers := &emulator.ECSAnswers{}
	answers.SetRollout(circuitBreakerReason, "FAILED")
	var refuseDelete atomic.Bool
	refuseDelete.Store(true)
	provider := e.proxiedProvider(t, emulator.FaultOptions{Rewrite: answers.Rewrite, Refuse: func(r *http.Request) string {
		if refuseDelete.Load() && strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".DeleteService") {
			return "not authorized to perform: ecs:DeleteService (refused by the golive fault proxy)"
		}
		return ""
	}})
	vars := config.Variables{"cluster_arn": config.StringVariable(f.cluster), "task_definition": config.StringVariable(f.revs[0]),
		"release_version": config.StringVariable("1.0.0")}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             e.checkECSService(f.cluster, "api-blue", ""),
		Steps: []resource.TestStep{
			{
				Config: provider + devEnv + testConfig(t, "main.tf"), ConfigVariables: vars,
				ExpectError: errorPattern(`creating golive deployment \(shop/dev/api/blue\).*ECS deployment ecs-svc/\d+ of service api-blue failed: .*` +
					`deleting ECS service api-blue, which this deployment created: .*ecs:DeleteService.*: the service stays in Terraform state`),
			},
			{
				PreConfig: func() {
					e.checkServiceOn(f.cluster, "api-blue", f.revs[0])()
					refuseDelete.Store(false)
				},
				Config: provider + devEnv,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("golive_deployment.api_blue", plancheck.ResourceActionDestroy)}},
				Check: e.checkECSService(f.cluster, "api-blue", ""),
			},
		},
	})
}

// target_health is polled until every target of the slot is healthy; one
// that stays unhealthy fails the deployment when target_health_timeout
// ends, naming the target and its reason code, and the service is put
// back. moto reports every target healthy: the fault proxy simulates the
// others.
func TestAccDeployment_targetHealthPolled(t *testing.T) {
	e := newTestEnv(t)
	f := e.ecsFixture(t)
	alb := e.alb(t)
	if _, err := elbv2.NewFromConfig(e.cfg).RegisterTargets(context.Background(), &elbv2.RegisterTargetsInput{TargetGroupArn: aws.String(alb.Green),
		Targets: []elbtypes.TargetDescription{{Id: aws.String("10.0.1.10"), Port: aws.Int32(8080)}}}); err != nil {
		t.Fatal(err)
	}
	health := &emulator.TargetHealthAnswers{}
	cfg := e.simulatedProvider(t, health.Rewrite) + devEnv + testConfig(t, "main.tf")
	vars := func(version string, rev int, timeout string) config.Variables {
		return config.Variables{"cluster_arn": config.StringVariable(f.cluster), "task_definition": config.StringVariable(f.revs[rev-1]),
			"release_version": config.StringVariable(version), "target_group": config.StringVariable(alb.Green),
			"target_health_timeout": config.StringVariable(timeout)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { health.Set("unhealthy", "unhealthy", "healthy") },
				Config:    cfg, ConfigVariables: vars("1.0.0", 1, "2m"),
				Check: func(*terraform.State) error {
					if n := health.Reads(); n != 3 {
						return fmt.Errorf("target health read %d times, want 3 (unhealthy twice, then healthy)", n)
					}
					return nil
				},
			},
			{
				PreConfig: func() { health.Set("unhealthy") },
				Config:    cfg, ConfigVariables: vars("2.0.0", 2, "3s"),
				ExpectError: errorPattern(`verifying api@2.0.0: target health of target groups "shop-green": not healthy after 3s: ` +
					`target 10.0.1.10:8080 in target group "shop-green" is unhealthy \(Target.ResponseCodeMismatch: Health checks failed with these codes: \[502\]\); ` +
					`ECS service api-green put back on .*task-definition/api:1`),
			},
			{
				PreConfig: e.checkServiceOn(f.cluster, "api-green", f.revs[0]),
				Config:    cfg, ConfigVariables: vars("1.0.0", 1, "2m"), PlanOnly: true,
			},
		},
	})
}
