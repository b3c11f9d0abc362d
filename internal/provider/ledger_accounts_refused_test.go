package provider_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// prodEnvironment is what the refused plans would create: production's
// environment, with config parameters.
const prodEnvironment = `
resource "golive_environment" "prod" {
  application         = "shop"
  name                = "prod"
  tier                = "production"
  deletion_protection = false
  variables           = { LOG_LEVEL = "warn" }
}
`

// A ledger role the ledger account does not let the workload assume, a
// ledger account without the table, and workload credentials of an account
// the provider does not allow: each fails the plan with an error that says
// what to fix, and no AWS call of the plan changes anything (the
// emulator's recorder, calls told apart by the provider version in the
// SDK's app ID), and the SDK finds nothing in any account afterwards.
//
// Not parallel, so the recording window holds only this test's calls.
func TestAccLedgerAccounts_refusedAtPlanChangeNothing(t *testing.T) {
	o := newOrganisation(t)
	// moto assumes any role: the proxy answers the ledger role's
	// AssumeRole as STS answers a caller its trust policy does not name.
	proxy, err := emulator.StartFaultProxy(o.server.URL, emulator.FaultOptions{Refuse: emulator.RefuseAssumeRole(o.ledgerRole)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	empty := emulator.NewAccountID() // an account with no ledger table
	cases := []struct {
		name, provider string
		want           *regexp.Regexp
	}{
		{
			name:     "ledger role refused",
			provider: o.provider(proxy.URL, "golive", o.prod, prodRegion),
			want: errorPattern(regexp.QuoteMeta(fmt.Sprintf("assuming role %s (the provider's ledger.assume_role, assumed with the workload credentials): STS refused:", o.ledgerRole)) +
				`.*trust policy must allow sts:AssumeRole`),
		},
		{
			name:     "ledger table missing in the ledger account",
			provider: o.providerWithLedger(o.server.URL, "golive", o.prod, prodRegion, fmt.Sprintf("arn:aws:iam::%s:role/%s", empty, ledgerRoleName)),
			want:     errorPattern(fmt.Sprintf(`the golive ledger table "golive-ledger" does not exist in account %s, us-east-1\. Create it with the modules/ledger`, empty)),
		},
		{
			name:     "account not allowed",
			provider: o.provider(o.server.URL, "golive", o.prod, prodRegion, fmt.Sprintf("  allowed_account_ids = [%q]", o.staging)),
			want: errorPattern(fmt.Sprintf(`Error: AWS account not allowed .* allowed_account_ids = .*the provider's credentials are for AWS account %s \(arn:aws:sts::%s:assumed-role/%s/acctest\), but allowed_account_ids allows only %s`,
				o.prod, o.prod, emulator.RoleName, o.staging)),
		},
		{
			name:     "account forbidden",
			provider: o.provider(o.server.URL, "golive", o.prod, prodRegion, fmt.Sprintf("  forbidden_account_ids = [%q, %q]", o.staging, o.prod)),
			want:     errorPattern(fmt.Sprintf(`Error: AWS account forbidden .* forbidden_account_ids = .*the provider's credentials are for AWS account %s .* which forbidden_account_ids lists`, o.prod)),
		},
	}
	rec, err := o.server.StartRecording()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _, _ = rec.Stop() }() // no-op once stopped below
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: factoriesAs(fmt.Sprintf("accounts-refused-%d", i)),
				Steps:                    []resource.TestStep{{Config: tc.provider + prodEnvironment, PlanOnly: true, ExpectError: tc.want}},
			})
		})
	}
	t.Run("control: a valid plan reads the ledger", func(t *testing.T) {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: factoriesAs("accounts-control"),
			Steps: []resource.TestStep{{
				Config:   o.provider(o.server.URL, "golive", o.prod, prodRegion, fmt.Sprintf("  allowed_account_ids = [%q]", o.prod)) + prodEnvironment,
				PlanOnly: true, ExpectNonEmptyPlan: true,
			}},
		})
	})
	calls, err := rec.Stop()
	if err != nil {
		t.Fatal(err)
	}
	byApp := map[string][]emulator.Call{}
	for _, c := range calls {
		byApp[c.AppID()] = append(byApp[c.AppID()], c)
	}
	control := actions(byApp["golive-accounts-control"])
	for _, want := range []string{"sts:GetCallerIdentity", "dynamodb:GetItem"} {
		if !slices.Contains(control, want) {
			t.Fatalf("the valid plan's calls were not attributed (want %s), got %q", want, control)
		}
	}
	for i, tc := range cases {
		for _, c := range byApp[fmt.Sprintf("golive-accounts-refused-%d", i)] {
			if c.Mutating() {
				t.Errorf("%s: mutating AWS call at plan: %s", tc.name, c)
			}
		}
	}
	o.checkNothingCreated(t, empty)
}

// checkNothingCreated reads back through the SDK, as each account, that no
// parameter, ledger record or table exists.
func (o *organisation) checkNothingCreated(t *testing.T, empty string) {
	t.Helper()
	ctx := context.Background()
	for _, cfg := range [...]struct {
		name string
		acct string
		reg  string
	}{{"production", o.prod, prodRegion}, {"staging", o.staging, emulator.Region}, {"the ledger", o.ledgerAccount, emulator.Region}, {"the empty ledger account", empty, emulator.Region}} {
		names, err := parameterNames(o.config(cfg.acct, cfg.reg))
		if err != nil || len(names) != 0 {
			t.Errorf("parameters in %s's account: %v (%v)", cfg.name, names, err)
		}
	}
	if _, err := o.ledger.GetEnvironment(ctx, "shop/prod"); !errors.Is(err, ledger.ErrNotFound) {
		t.Errorf("a refused plan left shop/prod in the ledger: %v", err)
	}
	out, err := dynamodb.NewFromConfig(o.config(empty, emulator.Region)).ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil || len(out.TableNames) != 0 {
		t.Errorf("tables in the empty ledger account: %v (%v)", out, err)
	}
}
