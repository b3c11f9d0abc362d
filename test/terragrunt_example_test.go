package test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/gruntwork-io/terratest/modules/shell"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// TestTerragruntExample runs examples/terragrunt as its README says, with
// the real terragrunt binary and an emulator account per environment and
// one for the ledger: the ledger and its role from bootstrap/, then
// `terragrunt run --all` over live/ — a plan of the three units, 1.0.0
// released to dev, staging and prod in dependency order, 2.0.0 raised in
// dev and staging by one run (staging is planned only once dev verified
// it), and a run --all plan refused at prod's promotion gate. Everything
// of an environment lives in its account, the ledger only in the ledger
// account, and the ledger names each environment's deploy role as actor.
func TestTerragruntExample(t *testing.T) {
	t.Parallel()
	emulator.SkipShort(t)
	bin := os.Getenv("TERRAGRUNT")
	if bin == "" {
		t.Fatal("TERRAGRUNT is not set: run this test with `make terratest`, which builds bin/terragrunt (v1.1.3) and sets TERRAGRUNT to it")
	}
	// The stack's own account holds the ledger; s.Events reads it there.
	s := newStack(t, "examples/terragrunt")
	tg := &terragrunt{t: t, s: s, bin: bin, accounts: map[string]*stack{}}
	for _, env := range []string{"dev", "staging", "prod"} {
		tg.accounts[env] = s.inAccount(emulator.NewAccountID())
	}
	// A test must be able to destroy production.
	tg.edit("live/prod", "deletion_protection = true", "deletion_protection = false")

	t.Cleanup(func() { tg.run("bootstrap", "destroy", "-auto-approve") })
	tg.run("bootstrap", "apply", "-auto-approve")
	t.Cleanup(func() { tg.run("live", "run", "--all", "destroy") })

	// A plan of all three units: dev's outputs do not exist yet, so staging
	// and prod plan with the dependencies' mock outputs. Nothing is created.
	out := tg.run("live", "run", "--all", "plan")
	for _, env := range []string{"dev", "staging", "prod"} {
		if !strings.Contains(out, "["+env+"] terraform: Plan: ") {
			t.Errorf("run --all plan shows no plan for live/%s", env)
		}
	}
	for env, a := range tg.accounts {
		lbs, err := elbv2.NewFromConfig(a.AWS).DescribeLoadBalancers(context.Background(), &elbv2.DescribeLoadBalancersInput{})
		if err != nil || len(lbs.LoadBalancers) != 0 {
			t.Fatalf("a plan created load balancers in %s's account: %d (%v)", env, len(lbs.LoadBalancers), err)
		}
	}

	tg.run("live", "run", "--all", "apply")
	for _, env := range []string{"dev", "staging", "prod"} {
		a := tg.accounts[env]
		wantReleased(t, a, env, "blue", "1.0.0")
		level := "info"
		if env == "dev" {
			level = "debug"
		}
		wantParams(t, a, "/golive/shop/"+env+"/vars/", map[string]string{"LOG_LEVEL": level, "STATIC_PATH": "/static"})
		wantNoLedgerTable(t, a, env)
		wantActors(t, s, env, fmt.Sprintf("arn:aws:sts::%s:assumed-role/golive-deployer/golive", a.Account))
	}
	wantParams(t, s, "/golive/", map[string]string{})
	// The dependencies ordered the units: each environment verified 1.0.0
	// before the next one started deploying it.
	wantOrdered(t, s, "1.0.0", "dev", "staging", "prod")

	// 2.0.0 into dev and staging in one run: staging accepts it only because
	// dev was applied, and verified it, before staging was planned.
	tg.edit("live/dev", `api_version = "1.0.0"`, `api_version = "2.0.0"`)
	tg.edit("live/staging", `api_version = "1.0.0"`, `api_version = "2.0.0"`)
	tg.run("live", "run", "--all", "apply")
	wantReleased(t, tg.accounts["dev"], "dev", "green", "2.0.0")
	wantReleased(t, tg.accounts["staging"], "staging", "green", "2.0.0")
	wantReleased(t, tg.accounts["prod"], "prod", "blue", "1.0.0")
	wantOrdered(t, s, "2.0.0", "dev", "staging")

	// Production refuses, at plan, a version staging never verified.
	tg.edit("live/prod", `api_version = "1.0.0"`, `api_version = "3.0.0"`)
	out, err := tg.runE("live", "run", "--all", "plan")
	if err == nil {
		t.Fatal("run --all plan with 3.0.0 in prod succeeded; want prod's promotion gate to refuse it")
	}
	for _, want := range []string{
		"[prod] terraform: Error: version not verified upstream",
		"api@3.0.0 may enter shop/prod only after it is verified in shop/staging",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("run --all plan output lacks %q", want)
		}
	}
	wantReleased(t, tg.accounts["prod"], "prod", "blue", "1.0.0")
	tg.edit("live/prod", `api_version = "3.0.0"`, `api_version = "1.0.0"`)
}

// terragrunt runs the real terragrunt binary in a directory of a stack
// copied from examples/terragrunt. The example's root.hcl reads the
// emulator's URL and the accounts from the environment: the stack's account
// holds the ledger, each environment has one of its own.
type terragrunt struct {
	t        *testing.T
	s        *stack
	bin      string
	accounts map[string]*stack // environment → the stack seen from its account
}

func (g *terragrunt) env() map[string]string {
	env := g.s.Env()
	env["GOLIVE_AWS_ENDPOINT"] = g.s.Server.URL
	env["GOLIVE_ACCOUNT_LEDGER"] = g.s.Account
	for name, a := range g.accounts {
		env["GOLIVE_ACCOUNT_"+strings.ToUpper(name)] = a.Account
	}
	env["TG_TF_PATH"] = "terraform" // from PATH, even where OpenTofu is installed too
	env["TG_NON_INTERACTIVE"] = "true"
	env["TG_NO_COLOR"] = "true"
	return env
}

// run runs terragrunt with args in dir (relative to the example) and fails
// the test if it fails.
func (g *terragrunt) run(dir string, args ...string) string {
	g.t.Helper()
	out, err := g.runE(dir, args...)
	if err != nil {
		g.t.Fatalf("terragrunt %s in %s: %v", strings.Join(args, " "), dir, err)
	}
	return out
}

func (g *terragrunt) runE(dir string, args ...string) (string, error) {
	g.t.Helper()
	return shell.RunCommandAndGetOutputE(g.t, shell.Command{
		Command:    g.bin,
		Args:       args,
		WorkingDir: filepath.Join(g.s.Dir, dir),
		Env:        g.env(),
	})
}

// edit replaces from with to in a unit's terragrunt.hcl, as a pull request
// that raises a version would.
func (g *terragrunt) edit(unit, from, to string) {
	g.t.Helper()
	path := filepath.Join(g.s.Dir, unit, "terragrunt.hcl")
	b, err := os.ReadFile(path)
	if err != nil {
		g.t.Fatal(err)
	}
	if strings.Count(string(b), from) != 1 {
		g.t.Fatalf("%s/terragrunt.hcl does not hold %q exactly once", unit, from)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), from, to, 1)), 0o644); err != nil {
		g.t.Fatal(err)
	}
}

// wantReleased checks through the SDK that shop/env serves version from
// slot: the api rule sends all traffic to the slot's target group, and the
// slot's ECS service, attached to that target group, runs a task
// definition of that version.
func wantReleased(t *testing.T, s *stack, env, slot, version string) {
	t.Helper()
	ctx := context.Background()
	lb := "shop-" + env
	wantServing(t, s, lb, slot)
	tgs, err := elbv2.NewFromConfig(s.AWS).DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{Names: []string{lb + "-api-" + slot}})
	if err != nil || len(tgs.TargetGroups) != 1 {
		t.Fatalf("target group %s-api-%s: %v", lb, slot, err)
	}
	c := ecs.NewFromConfig(s.AWS)
	svcs, err := c.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(lb), Services: []string{"api-" + slot}})
	if err != nil || len(svcs.Services) != 1 || aws.ToString(svcs.Services[0].Status) != "ACTIVE" {
		t.Fatalf("ECS service api-%s in cluster %s: %v %+v", slot, lb, err, svcs)
	}
	svc := svcs.Services[0]
	if len(svc.LoadBalancers) != 1 || aws.ToString(svc.LoadBalancers[0].TargetGroupArn) != aws.ToString(tgs.TargetGroups[0].TargetGroupArn) {
		t.Errorf("%s: ECS service api-%s is not behind target group %s: %+v", env, slot, aws.ToString(tgs.TargetGroups[0].TargetGroupName), svc.LoadBalancers)
	}
	td, err := c.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: svc.TaskDefinition})
	if err != nil || len(td.TaskDefinition.ContainerDefinitions) != 1 {
		t.Fatalf("task definition %s: %v", aws.ToString(svc.TaskDefinition), err)
	}
	cd := td.TaskDefinition.ContainerDefinitions[0]
	if got, want := aws.ToString(cd.Image), "public.ecr.aws/golive/shop-api:"+version; got != want {
		t.Errorf("%s: api-%s runs image %s, want %s", env, slot, got, want)
	}
	var envVersion string
	for _, kv := range cd.Environment {
		if aws.ToString(kv.Name) == "GOLIVE_VERSION" {
			envVersion = aws.ToString(kv.Value)
		}
	}
	if envVersion != version {
		t.Errorf("%s: api-%s task GOLIVE_VERSION = %q, want %q", env, slot, envVersion, version)
	}
}

// wantOrdered checks in the ledger that every environment in envs verified
// api@version, and that each one started deploying it only after the one
// before had verified it in all its slots.
func wantOrdered(t *testing.T, s *stack, version string, envs ...string) {
	t.Helper()
	var prevVerified time.Time
	for i, env := range envs {
		var firstStarted, lastVerified time.Time
		for _, e := range s.Events("shop/"+env, 200) {
			if e.Service != "api" || e.Version != version {
				continue
			}
			switch {
			case e.Kind == ledger.KindDeploymentStarted && (firstStarted.IsZero() || e.At.Before(firstStarted)):
				firstStarted = e.At
			case e.Kind == ledger.KindDeploymentVerified && e.At.After(lastVerified):
				lastVerified = e.At
			}
		}
		if firstStarted.IsZero() || lastVerified.IsZero() {
			t.Errorf("ledger of shop/%s: api@%s started %v, verified %v; want both", env, version, firstStarted, lastVerified)
			return
		}
		if i > 0 && !firstStarted.After(prevVerified) {
			t.Errorf("shop/%s started deploying api@%s at %s, before shop/%s verified it at %s",
				env, version, firstStarted.Format(time.RFC3339Nano), envs[i-1], prevVerified.Format(time.RFC3339Nano))
		}
		prevVerified = lastVerified
	}
}

// inAccount is the stack seen from another account of the emulator: the
// same configuration, its SDK clients acting in account.
func (s *stack) inAccount(account string) *stack {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg, err := s.Server.AccountConfig(ctx, account)
	if err != nil {
		s.t.Fatal(err)
	}
	a := *s
	a.Account, a.AWS = account, cfg
	return &a
}

// wantNoLedgerTable checks that an environment's account has no DynamoDB
// table: its ledger records went to the ledger account.
func wantNoLedgerTable(t *testing.T, a *stack, env string) {
	t.Helper()
	out, err := dynamodb.NewFromConfig(a.AWS).ListTables(context.Background(), &dynamodb.ListTablesInput{})
	if err != nil || len(out.TableNames) != 0 {
		t.Errorf("%s's account has DynamoDB tables %v (%v); the ledger belongs to the ledger account", env, out, err)
	}
}

// wantActors checks, in the ledger account, that every event of an
// environment names its account's deploy role: the workload identity, not
// the ledger role the items were written with.
func wantActors(t *testing.T, ledgerStack *stack, env, actor string) {
	t.Helper()
	events := ledgerStack.Events("shop/"+env, 200)
	if len(events) == 0 {
		t.Errorf("no events of shop/%s in the ledger account", env)
	}
	for _, e := range events {
		if e.Actor != actor {
			t.Errorf("shop/%s event %s names %q, want %q", env, e.Kind, e.Actor, actor)
			return
		}
	}
}
