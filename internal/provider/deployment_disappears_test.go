package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// The slot's ECS service deleted outside Terraform: the deployment is gone
// from the refreshed state and the next apply creates the service again,
// owned and tagged.
func TestAccDeployment_ecsServiceDisappears(t *testing.T) {
	e := newTestEnv(t)
	f := e.ecsFixture(t)
	cfg := e.providerBlock() + devEnv + ecsDeployment(f, "1.0.0", 1, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             e.checkECSService(f.cluster, "api-blue", ""),
		Steps: []resource.TestStep{
			{Config: cfg, Check: e.checkECSService(f.cluster, "api-blue", f.revs[0])},
			{
				PreConfig: func() {
					_, err := ecs.NewFromConfig(e.cfg).DeleteService(context.Background(), &ecs.DeleteServiceInput{Cluster: aws.String(f.cluster),
						Service: aws.String("api-blue"), Force: aws.Bool(true)})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg, PlanOnly: true, ExpectNonEmptyPlan: true,
			},
			{
				Config: cfg,
				Check: e.checkServiceWith(f.cluster, "api-blue", func(s *ecstypes.Service, tags map[string]string) error {
					if aws.ToString(s.TaskDefinition) != f.revs[0] || tags[ownerTag] != "shop/dev/api/blue" {
						return fmt.Errorf("service created again runs %s, tags %v", aws.ToString(s.TaskDefinition), tags)
					}
					return nil
				}),
			},
		},
	})
}

// The environment's ledger record deleted outside Terraform: the
// environment is planned again and recreated; its deployment, recorded
// apart, stays verified and unchanged.
func TestAccDeployment_environmentRecordDisappears(t *testing.T) {
	e := newTestEnv(t)
	fn, err := emulator.NewLambda(context.Background(), e.cfg, "worker")
	if err != nil {
		t.Fatal(err)
	}
	cfg := e.providerBlock() + devEnv + lambdaDeployment("dev", fn.Function, "1.0.0", "1", "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{Config: cfg, Check: e.checkVerification("shop/dev", "worker", "1.0.0", ledger.StatusVerified)},
			{
				PreConfig: func() {
					if err := e.ledger.DeleteEnvironment(context.Background(), "shop/dev"); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg, PlanOnly: true, ExpectNonEmptyPlan: true,
			},
			{
				Config: cfg,
				Check: resource.ComposeTestCheckFunc(
					e.checkLedger("shop/dev", func(*ledger.Environment) error { return nil }),
					e.checkReleaseSlot("shop/dev", "worker", "1.0.0"),
					e.checkVerification("shop/dev", "worker", "1.0.0", ledger.StatusVerified),
				),
			},
			{Config: cfg, PlanOnly: true},
		},
	})
}

// A slot that moves from ECS to Lambda replaces the deployment: the slot's
// ECS service is deleted with the old one, not left running untracked.
func TestAccDeployment_ecsToLambdaDeletesService(t *testing.T) {
	e := newTestEnv(t)
	f := e.ecsFixture(t)
	fn, err := emulator.NewLambda(context.Background(), e.cfg, "api")
	if err != nil {
		t.Fatal(err)
	}
	onLambda := fmt.Sprintf(`
resource "golive_deployment" "api_blue" {
  environment = golive_environment.dev.id
  service     = "api"
  version     = "2.0.0"
  slot        = "blue"
  lambda {
    function_name = %q
    version       = "1"
  }
}
`, fn.Function)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{Config: e.providerBlock() + devEnv + ecsDeployment(f, "1.0.0", 1, ""), Check: e.checkECSService(f.cluster, "api-blue", f.revs[0])},
			{
				Config: e.providerBlock() + devEnv + onLambda,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("golive_deployment.api_blue", plancheck.ResourceActionDestroyBeforeCreate)}},
				Check: e.checkECSService(f.cluster, "api-blue", ""),
			},
		},
	})
}
