package provider_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/awsclient"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// prodRegion is production's region; the ledger and staging stay in
// emulator.Region.
const prodRegion = "eu-west-1"

// ledgerRoleName is the role of the ledger account that workload accounts
// assume; moto assumes any role, in the account of its ARN.
const ledgerRoleName = "golive-ledger"

// organisation is three accounts of the emulator: the ledger's, staging's
// and production's, with SDK clients acting in each to check outcomes.
type organisation struct {
	t                                   *testing.T
	server                              *emulator.Server
	ledgerAccount, staging, prod        string
	ledgerCfg, stagingCfg, prodCfg      aws.Config // prodCfg in prodRegion
	ledger                              *ledger.Ledger
	stagingActor, prodActor, ledgerRole string
}

func newOrganisation(t *testing.T) *organisation {
	t.Helper()
	o := &organisation{t: t, server: emulator.Shared(t),
		ledgerAccount: emulator.NewAccountID(), staging: emulator.NewAccountID(), prod: emulator.NewAccountID()}
	o.ledgerCfg = o.config(o.ledgerAccount, emulator.Region)
	o.stagingCfg = o.config(o.staging, emulator.Region)
	o.prodCfg = o.config(o.prod, prodRegion)
	ddb := dynamodb.NewFromConfig(o.ledgerCfg)
	if err := ledger.CreateTable(context.Background(), ddb, ledger.DefaultTable); err != nil {
		t.Fatal(err)
	}
	o.ledger = ledger.New(ddb, ledger.DefaultTable, emulator.Region)
	o.stagingActor = fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/acctest", o.staging, emulator.RoleName)
	o.prodActor = fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/acctest", o.prod, emulator.RoleName)
	o.ledgerRole = fmt.Sprintf("arn:aws:iam::%s:role/%s", o.ledgerAccount, ledgerRoleName)
	return o
}

func (o *organisation) config(account, region string) aws.Config {
	o.t.Helper()
	cfg, err := o.server.AccountConfig(context.Background(), account)
	if err != nil {
		o.t.Fatal(err)
	}
	cfg.Region = region
	return cfg
}

// provider is the golive provider configuration of one environment's stack:
// the workload in account and region, the ledger in the ledger account's
// us-east-1 table through its role, every endpoint at url.
func (o *organisation) provider(url, name, account, region string, extra ...string) string {
	return o.providerWithLedger(url, name, account, region, o.ledgerRole, extra...)
}

func (o *organisation) providerWithLedger(url, name, account, region, ledgerRole string, extra ...string) string {
	var eps []string
	for _, svc := range awsclient.Services {
		eps = append(eps, fmt.Sprintf("    %s = %q", svc, url))
	}
	return fmt.Sprintf(`
provider %q {
  region = %q
  assume_role {
    role_arn     = %q
    session_name = "acctest"
  }
  endpoints {
%s
  }
  ledger {
    region = %q
    assume_role {
      role_arn = %q
    }
  }
%s
}
`, name, region, emulator.RoleARN(account), strings.Join(eps, "\n"), emulator.Region, ledgerRole, strings.Join(extra, "\n"))
}

func (o *organisation) providers() string {
	return o.provider(o.server.URL, "golivestaging", o.staging, emulator.Region, fmt.Sprintf("  allowed_account_ids = [%q]", o.staging)) +
		o.provider(o.server.URL, "golive", o.prod, prodRegion, fmt.Sprintf("  allowed_account_ids = [%q]", o.prod))
}

// orgFactories serves production's provider as "golive" and staging's as
// "golivestaging": two instances, as two stacks would have.
func orgFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	f := factories()
	f["golivestaging"] = factories()["golive"]
	return f
}

// Production in account C (eu-west-1) promoted from staging in account B,
// the ledger in account A (us-east-1): promotion gates, parity, locks,
// cutover records and every data source go through the one ledger, config
// parameters and routers stay in each workload account, and every record
// names the workload identity, never the ledger role.
func TestAccLedgerAccounts_promotionAcrossAccounts(t *testing.T) {
	o := newOrganisation(t)
	ctx := context.Background()
	for _, cfg := range []aws.Config{o.stagingCfg, o.prodCfg} {
		if _, err := emulator.NewLambda(ctx, cfg, "worker"); err != nil {
			t.Fatal(err)
		}
	}
	vars := func(green string, blueWeight, greenWeight int) config.Variables {
		return config.Variables{
			"prod_account":  config.StringVariable(o.prod),
			"green_version": config.StringVariable(green),
			"blue_weight":   config.IntegerVariable(blueWeight),
			"green_weight":  config.IntegerVariable(greenWeight),
		}
	}
	cfg := o.providers() + testConfig(t, "main.tf")
	var otherPipeline *ledger.Lock
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: orgFactories(),
		Steps: []resource.TestStep{
			{
				Config: cfg, ConfigVariables: vars("2.0.0", 100, 0),
				Check: resource.ComposeTestCheckFunc(
					o.checkAlias("1"),
					o.checkWhereThingsLive(),
					o.checkVerified("shop/staging", "1.0.0", o.stagingActor), o.checkVerified("shop/staging", "2.0.0", o.stagingActor),
					o.checkVerified("shop/prod", "1.0.0", o.prodActor), o.checkVerified("shop/prod", "2.0.0", o.prodActor),
					o.checkActors("shop/staging", o.stagingActor), o.checkActors("shop/prod", o.prodActor),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.golive_release.staging", tfjsonpath.New("slots"), knownvalue.MapExact(map[string]knownvalue.Check{
						"blue": knownvalue.StringExact("1.0.0"), "green": knownvalue.StringExact("2.0.0"),
					})),
				},
			},
			{
				// The cutover in eu-west-1, recorded in the us-east-1 ledger.
				Config: cfg, ConfigVariables: vars("2.0.0", 0, 100),
				Check: resource.ComposeTestCheckFunc(
					o.checkAlias("2"),
					o.checkEvent("shop/prod", ledger.KindCutoverCompleted, o.prodActor),
					o.checkActors("shop/prod", o.prodActor),
					resource.TestCheckResourceAttrWith("data.golive_delivery_metrics.prod", "deployment_frequency", positive),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.golive_history.prod", tfjsonpath.New("events").AtSliceIndex(0).AtMapKey("actor"), knownvalue.StringExact(o.prodActor)),
				},
			},
			{
				// Staging, in another account, never verified 3.0.0.
				Config: cfg, ConfigVariables: vars("3.0.0", 0, 100), PlanOnly: true,
				ExpectError: errorPattern(`worker@3.0.0 may enter shop/prod only after it is verified in shop/staging`),
			},
			{
				// Another pipeline holds production's lock in the shared ledger.
				PreConfig: func() {
					var err error
					otherPipeline, err = o.ledger.AcquireLock(ctx, ledger.LockRequest{Environment: "shop/prod", Service: "worker",
						Holder: "arn:aws:sts::999999999999:assumed-role/ci/other-pipeline", Operation: "traffic shift by another pipeline", Lease: time.Hour})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg, ConfigVariables: vars("2.0.0", 100, 0),
				ExpectError: errorPattern(`shop/prod/worker is locked by arn:aws:sts::999999999999:assumed-role/ci/other-pipeline \(traffic shift by another pipeline\)`),
			},
			{
				PreConfig: func() {
					mustPass(t, o.checkAlias("2")) // the refused shift moved nothing
					if err := otherPipeline.Release(ctx); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg, ConfigVariables: vars("2.0.0", 100, 0),
				Check: resource.ComposeTestCheckFunc(o.checkAlias("1"), o.checkActors("shop/prod", o.prodActor)),
			},
		},
	})
}

func positive(v string) error {
	if f, err := strconv.ParseFloat(v, 64); err != nil || f <= 0 {
		return fmt.Errorf("want a positive number, got %q", v)
	}
	return nil
}

// checkAlias reads production's alias in its own account and region.
func (o *organisation) checkAlias(primary string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, _, err := emulator.AliasRouting(context.Background(), o.prodCfg, "worker", "stable")
		if err != nil {
			return fmt.Errorf("alias stable of worker in account %s, %s: %w", o.prod, prodRegion, err)
		}
		if got != primary {
			return fmt.Errorf("alias stable routes to version %s, want %s", got, primary)
		}
		return nil
	}
}

// checkWhereThingsLive reads, as each account, that config parameters are
// in the workload accounts and regions only, and the ledger only in the
// ledger account.
func (o *organisation) checkWhereThingsLive() resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, w := range []struct {
			name   string
			cfg    aws.Config
			params []string
			tables string
		}{
			{"the ledger account", o.ledgerCfg, nil, ledger.DefaultTable},
			{"staging's account", o.stagingCfg, []string{"/golive/shop/staging/vars/FEATURE_X", "/golive/shop/staging/vars/LOG_LEVEL"}, ""},
			{"production's account, " + prodRegion, o.prodCfg, []string{"/golive/shop/prod/vars/FEATURE_X", "/golive/shop/prod/vars/LOG_LEVEL"}, ""},
			{"production's account, " + emulator.Region, o.config(o.prod, emulator.Region), nil, ""},
		} {
			got, err := parameterNames(w.cfg)
			if err != nil {
				return err
			}
			if strings.Join(got, " ") != strings.Join(w.params, " ") {
				return fmt.Errorf("parameters in %s: %v, want %v", w.name, got, w.params)
			}
			out, err := dynamodb.NewFromConfig(w.cfg).ListTables(context.Background(), &dynamodb.ListTablesInput{})
			if err != nil {
				return err
			}
			if got := strings.Join(out.TableNames, " "); got != w.tables {
				return fmt.Errorf("DynamoDB tables in %s: %q, want %q", w.name, got, w.tables)
			}
		}
		for _, env := range []string{"shop/staging", "shop/prod"} {
			if _, err := o.ledger.GetEnvironment(context.Background(), env); err != nil {
				return fmt.Errorf("%s in the ledger account's table: %w", env, err)
			}
		}
		if _, err := o.ledger.GetSplit(context.Background(), "shop/prod", "worker"); err != nil {
			return fmt.Errorf("production's split record in the ledger account's table: %w", err)
		}
		return nil
	}
}

func parameterNames(cfg aws.Config) ([]string, error) {
	var names []string
	p := ssm.NewGetParametersByPathPaginator(ssm.NewFromConfig(cfg), &ssm.GetParametersByPathInput{Path: aws.String("/golive/"), Recursive: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			return nil, err
		}
		for _, prm := range page.Parameters {
			names = append(names, aws.ToString(prm.Name))
		}
	}
	return names, nil
}

func (o *organisation) checkVerified(env, version, actor string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		v, err := o.ledger.GetVerification(context.Background(), env, "worker", version)
		if err != nil {
			return fmt.Errorf("verification of worker@%s in %s, in the ledger account: %w", version, env, err)
		}
		if v.Status != ledger.StatusVerified || v.Actor != actor {
			return fmt.Errorf("worker@%s in %s: %s by %s, want verified by %s", version, env, v.Status, v.Actor, actor)
		}
		return nil
	}
}

// checkActors checks that every event of env names the workload identity:
// never the ledger role, whose credentials wrote the items.
func (o *organisation) checkActors(env, actor string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		events, _, err := o.ledger.Events(context.Background(), ledger.EventQuery{Environment: env, Limit: 200})
		if err != nil {
			return err
		}
		if len(events) == 0 {
			return fmt.Errorf("no events of %s in the ledger account", env)
		}
		for _, ev := range events {
			if ev.Actor != actor {
				return fmt.Errorf("event %s of %s names %q, want the workload identity %q", ev.Kind, env, ev.Actor, actor)
			}
		}
		return nil
	}
}

func (o *organisation) checkEvent(env, kind, actor string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		events, _, err := o.ledger.Events(context.Background(), ledger.EventQuery{Environment: env, Limit: 50})
		if err != nil {
			return err
		}
		for _, ev := range events {
			if ev.Kind == kind && ev.Actor == actor {
				return nil
			}
		}
		return fmt.Errorf("no %s event by %s in %s", kind, actor, env)
	}
}
