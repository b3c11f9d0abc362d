package provider_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
)

type ecsFixture struct {
	cluster string
	revs    []string // task definition ARNs, revisions 1..3
}

func (e *testEnv) ecsFixture(t *testing.T) ecsFixture {
	t.Helper()
	ctx := context.Background()
	c := ecs.NewFromConfig(e.cfg)
	cl, err := c.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("shop")})
	if err != nil {
		t.Fatal(err)
	}
	f := ecsFixture{cluster: aws.ToString(cl.Cluster.ClusterArn)}
	for i := 1; i <= 3; i++ {
		td, err := c.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{
			Family: aws.String("api"),
			ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("api"), Image: aws.String(fmt.Sprintf("shop/api:%d.0", i)),
				Memory: aws.Int32(256), PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(8080)}}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		f.revs = append(f.revs, aws.ToString(td.TaskDefinition.TaskDefinitionArn))
	}
	return f
}

func (e *testEnv) checkECSService(cluster, name, taskDef string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		out, err := ecs.NewFromConfig(e.cfg).DescribeServices(context.Background(), &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{name}})
		if err != nil {
			return err
		}
		for _, s := range out.Services {
			if aws.ToString(s.Status) == "INACTIVE" {
				continue
			}
			if taskDef == "" {
				return fmt.Errorf("ECS service %s still exists", name)
			}
			if got := aws.ToString(s.TaskDefinition); got != taskDef {
				return fmt.Errorf("ECS service %s runs %s, want %s", name, got, taskDef)
			}
			return nil
		}
		if taskDef == "" {
			return nil
		}
		return fmt.Errorf("ECS service %s not found", name)
	}
}

func (e *testEnv) checkVerification(env, service, version, status string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		v, err := e.ledger.GetVerification(context.Background(), env, service, version)
		if err != nil {
			return err
		}
		if v.Status != status || v.Actor != e.actorARN() {
			return fmt.Errorf("%s@%s in %s: status %s by %s, want %s by %s", service, version, env, v.Status, v.Actor, status, e.actorARN())
		}
		return nil
	}
}

const devEnv = `
resource "golive_environment" "dev" {
  application = "shop"
  name        = "dev"
}
`

func ecsDeployment(f ecsFixture, version string, rev int, verify string) string {
	return fmt.Sprintf(`
resource "golive_deployment" "api_blue" {
  environment = golive_environment.dev.id
  service     = "api"
  version     = %q
  slot        = "blue"
  ecs {
    cluster_arn         = %q
    task_definition_arn = %q
    desired_count       = 1
    launch_type         = "EC2"
  }
  %s
}
`, version, f.cluster, f.revs[rev-1], verify)
}

func TestAccDeployment_ecsNewVersionFailingGatePutsBackDestroy(t *testing.T) {
	e := newTestEnv(t)
	f := e.ecsFixture(t)
	e.createAlarm(t, "shop-dev-api-5xx")
	gate := `
  verify {
    alarms = ["shop-dev-api-5xx"]
  }
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             e.checkECSService(f.cluster, "api-blue", ""),
		Steps: []resource.TestStep{
			{
				Config: e.providerBlock() + devEnv + ecsDeployment(f, "1.0.0", 1, gate),
				Check: resource.ComposeTestCheckFunc(
					e.checkECSService(f.cluster, "api-blue", f.revs[0]),
					e.checkVerification("shop/dev", "api", "1.0.0", "verified"),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("golive_deployment.api_blue", tfjsonpath.New("id"), knownvalue.StringExact("shop/dev/api/blue")),
					statecheck.ExpectKnownValue("golive_deployment.api_blue", tfjsonpath.New("status"), knownvalue.StringExact("verified")),
				},
			},
			{
				Config: e.providerBlock() + devEnv + ecsDeployment(f, "2.0.0", 2, gate),
				Check:  e.checkECSService(f.cluster, "api-blue", f.revs[1]),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("golive_deployment.api_blue", tfjsonpath.New("previous_version"), knownvalue.StringExact("1.0.0")),
				},
			},
			{
				PreConfig:   func() { _ = e.fireAlarm("shop-dev-api-5xx") },
				Config:      e.providerBlock() + devEnv + ecsDeployment(f, "3.0.0", 3, gate),
				ExpectError: errorPattern(`verifying api@3.0.0: alarm "shop-dev-api-5xx" is ALARM.*ECS service api-blue put back on .*task-definition/api:2`),
			},
			{
				PreConfig: func() {
					if err := e.checkECSService(f.cluster, "api-blue", f.revs[1])(nil); err != nil {
						t.Fatal(err)
					}
					if err := e.checkVerification("shop/dev", "api", "3.0.0", "failed")(nil); err != nil {
						t.Fatal(err)
					}
				},
				// Fixed alarm: 3.0.0 goes out.
				Config: e.providerBlock() + devEnv + ecsDeployment(f, "3.0.0", 3, ""),
				Check:  e.checkECSService(f.cluster, "api-blue", f.revs[2]),
			},
			{
				// Someone moves the service by hand: drift.
				PreConfig: func() {
					_, err := ecs.NewFromConfig(e.cfg).UpdateService(context.Background(), &ecs.UpdateServiceInput{
						Cluster: aws.String(f.cluster), Service: aws.String("api-blue"), TaskDefinition: aws.String(f.revs[0])})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config:             e.providerBlock() + devEnv + ecsDeployment(f, "3.0.0", 3, ""),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

func lambdaDeployment(env, fn, version, lambdaVersion, extra string) string {
	return fmt.Sprintf(`
resource "golive_deployment" "worker_%[1]s" {
  environment = golive_environment.%[1]s.id
  service     = "worker"
  version     = %[3]q
  lambda {
    function_name = %[2]q
    version       = %[4]q
  }
  %[5]s
}
`, env, fn, version, lambdaVersion, extra)
}

func TestAccDeployment_lambdaAlarmFailsVerification(t *testing.T) {
	e := newTestEnv(t)
	fn, err := emulator.NewLambda(context.Background(), e.cfg, "worker")
	if err != nil {
		t.Fatal(err)
	}
	e.createAlarm(t, "worker-errors")
	gate := `
  verify {
    alarms = ["worker-errors"]
  }
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{
				Config: e.providerBlock() + devEnv + lambdaDeployment("dev", fn.Function, "1.0.0", "1", gate),
				Check:  e.checkVerification("shop/dev", "worker", "1.0.0", "verified"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("golive_deployment.worker_dev", tfjsonpath.New("destination"), knownvalue.StringExact("1")),
				},
			},
			{
				PreConfig:   func() { _ = e.fireAlarm("worker-errors") },
				Config:      e.providerBlock() + devEnv + lambdaDeployment("dev", fn.Function, "2.0.0", "2", gate),
				ExpectError: errorPattern(`verifying worker@2.0.0: alarm "worker-errors" is ALARM`),
			},
			{
				Config:      e.providerBlock() + devEnv + lambdaDeployment("dev", fn.Function, "9.0.0", "9", ""),
				ExpectError: errorPattern(`reading worker version 9`),
			},
		},
	})
}

func TestAccDeployment_failingHookStopsTheDeployment(t *testing.T) {
	e := newTestEnv(t)
	fn, err := emulator.NewLambda(context.Background(), e.cfg, "worker")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "migration 0042 failed", http.StatusInternalServerError)
	}))
	defer srv.Close()
	hook := fmt.Sprintf(`
  hook {
    when = "before_verify"
    http {
      url = %q
    }
  }
`, srv.URL+"/migrate")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config:      e.providerBlock() + devEnv + lambdaDeployment("dev", fn.Function, "1.0.0", "1", hook),
			ExpectError: errorPattern(`hook 1 \(before_verify\): hook POST http://127.0.0.1:\d+/migrate answered HTTP 500: migration 0042 failed`),
		}},
	})
	if err := e.checkVerification("shop/dev", "worker", "1.0.0", "failed")(nil); err != nil {
		t.Fatal(err)
	}
}

const stagingProd = `
resource "golive_environment" "staging" {
  application = "shop"
  name        = "staging"
  tier        = "staging"
  variables   = { LOG_LEVEL = "info", FEATURE_X = "on" }
}

resource "golive_environment" "prod" {
  application         = "shop"
  name                = "prod"
  tier                = "production"
  deletion_protection = false
  promotes_from       = "staging"
  parity              = "%s"
  variables           = { LOG_LEVEL = "info"%s }
  freeze {
    start  = "2026-12-24T00:00:00Z"
    end    = "2026-12-27T00:00:00Z"
    reason = "holiday freeze"
  }
}
`

func TestAccDeployment_promotionParityFreezeAndOverride(t *testing.T) {
	e := newTestEnv(t)
	fn, err := emulator.NewLambda(context.Background(), e.cfg, "worker")
	if err != nil {
		t.Fatal(err)
	}
	envs := func(parity, extra string) string { return fmt.Sprintf(stagingProd, parity, extra) }
	both := `, FEATURE_X = "off"`
	override := `
  override {
    reason = "hotfix INC-1234"
  }
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(fixedClock(t, inWindow)),
		Steps: []resource.TestStep{
			{Config: e.providerBlock() + envs("strict", both)},
			{
				// Not verified in staging: the plan fails.
				Config:      e.providerBlock() + envs("strict", both) + lambdaDeployment("prod", fn.Function, "1.0.0", "1", ""),
				PlanOnly:    true,
				ExpectError: errorPattern(`worker@1.0.0 may enter shop/prod only after it is verified in shop/staging \(promotes_from\), but it was never deployed to shop/staging`),
			},
			{
				Config: e.providerBlock() + envs("strict", both) + lambdaDeployment("staging", fn.Function, "1.0.0", "1", ""),
				Check:  e.checkVerification("shop/staging", "worker", "1.0.0", "verified"),
			},
			{
				// Verified there: the promotion goes through.
				Config: e.providerBlock() + envs("strict", both) + lambdaDeployment("staging", fn.Function, "1.0.0", "1", "") +
					lambdaDeployment("prod", fn.Function, "1.0.0", "1", ""),
				Check: e.checkVerification("shop/prod", "worker", "1.0.0", "verified"),
			},
			{
				// An unverified hotfix with an override: allowed and recorded.
				Config: e.providerBlock() + envs("strict", both) + lambdaDeployment("staging", fn.Function, "1.0.0", "1", "") +
					lambdaDeployment("prod", fn.Function, "1.0.1", "2", override),
				Check: resource.ComposeTestCheckFunc(
					e.checkVerification("shop/prod", "worker", "1.0.1", "verified"),
					e.checkOverrideRecorded("shop/prod", "hotfix INC-1234"),
				),
			},
			{
				// Strict parity: FEATURE_X exists in staging, not in prod.
				Config:      e.providerBlock() + envs("strict", "") + lambdaDeployment("staging", fn.Function, "1.0.0", "1", "") + lambdaDeployment("prod", fn.Function, "1.0.0", "1", ""),
				ExpectError: errorPattern(`shop/prod lacks config keys that shop/staging has: FEATURE_X`),
			},
		},
	})
}

func TestAccDeployment_freezeRefusesAtPlan(t *testing.T) {
	e := newTestEnv(t)
	fn, err := emulator.NewLambda(context.Background(), e.cfg, "worker")
	if err != nil {
		t.Fatal(err)
	}
	envs := fmt.Sprintf(stagingProd, "off", "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(fixedClock(t, "2026-12-25T12:00:00Z")),
		Steps: []resource.TestStep{
			{Config: e.providerBlock() + envs + lambdaDeployment("staging", fn.Function, "1.0.0", "1", "")},
			{
				Config:      e.providerBlock() + envs + lambdaDeployment("staging", fn.Function, "1.0.0", "1", "") + lambdaDeployment("prod", fn.Function, "1.0.0", "1", ""),
				PlanOnly:    true,
				ExpectError: errorPattern(`deploying worker@1.0.0 to shop/prod is refused: inside freeze window "holiday freeze"`),
			},
			{
				Config: e.providerBlock() + envs + lambdaDeployment("staging", fn.Function, "1.0.0", "1", "") +
					lambdaDeployment("prod", fn.Function, "1.0.0", "1", `
  override {
    reason = "payment outage INC-99"
  }
`),
				Check: e.checkOverrideRecorded("shop/prod", "payment outage INC-99"),
			},
			{
				Config: e.providerBlock() + envs + lambdaDeployment("staging", fn.Function, "1.0.0", "1", "") +
					lambdaDeployment("prod", fn.Function, "1.0.0", "1", `
  override {
    reason = "payment outage INC-99"
  }
`) + `
data "golive_release" "prod" {
  environment = golive_environment.prod.id
  service     = "worker"
  depends_on  = [golive_deployment.worker_prod]
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.golive_release.prod", tfjsonpath.New("version"), knownvalue.StringExact("1.0.0")),
					statecheck.ExpectKnownValue("data.golive_release.prod", tfjsonpath.New("slot"), knownvalue.StringExact("1.0.0")),
					statecheck.ExpectKnownValue("data.golive_release.prod", tfjsonpath.New("verified"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.golive_release.prod", tfjsonpath.New("slots"), knownvalue.MapExact(map[string]knownvalue.Check{"1.0.0": knownvalue.StringExact("1.0.0")})),
				},
			},
		},
	})
}
