package provider_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/awsclient"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/provider"
)

// badInput is one invalid configuration of the catalogue. It must fail at
// plan with a diagnostic that names the attribute (attr) and says how to put
// it right (fix), both regular expressions in which a space also matches a
// line break, and without any AWS call, read-only or mutating.
type badInput struct {
	name string
	// provider replaces the test account's provider block when set, as
	// written by providerWith.
	provider string
	config   string
	attr     string
	fix      string
}

// badInputs is the catalogue, grouped by what it configures (the files
// bad_input_*_test.go). golive_traffic_split has 19 more cases in
// traffic_split_validation_test.go.
func badInputs(e *testEnv) []badInput {
	var all []badInput
	for _, group := range [][]badInput{
		providerBadInputs(e), accountBadInputs(e), environmentBadInputs(), deploymentBadInputs(), splitBadInputs(), metricBadInputs(), dataSourceBadInputs(),
		gatewayAPIBadInputs(e),
	} {
		all = append(all, group...)
	}
	return all
}

// TestAccBadInput_rejectedAtPlan plans every case of the catalogue with the
// emulator's request recorder on and checks that none made any AWS call:
// not a mutating one, and not a read either (no STS identity, no ledger
// read), since the provider builds its clients lazily and validation fails
// the plan before anything needs them. Each case's provider has its own
// version, which the SDK sends as the app ID "golive-badinput-<n>" in its
// user agent: calls are attributed to the case that made them. A valid
// plan under the same scheme proves that attribution sees calls; a call in
// the recording window that no provider of this test made fails the test
// too, since it could be a case's call that escaped attribution.
//
// Not parallel, so the recording window holds no calls of the package's
// parallel tests (they start after the sequential ones).
func TestAccBadInput_rejectedAtPlan(t *testing.T) {
	e := newTestEnv(t)
	cases := badInputs(e)
	if len(cases) < 40 {
		t.Fatalf("the catalogue has %d cases, want at least 40", len(cases))
	}
	names := map[string]bool{}
	for _, tc := range cases {
		if names[tc.name] {
			t.Fatalf("case name %q is used twice", tc.name)
		}
		names[tc.name] = true
	}
	rec, err := e.server.StartRecording()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _, _ = rec.Stop() }() // no-op once stopped below; frees the recorder on t.Fatal
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pb := tc.provider
			if pb == "" {
				pb = e.providerBlock()
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: factoriesAs(badInputVersion(i)),
				Steps: []resource.TestStep{{
					Config: pb + tc.config, PlanOnly: true, ExpectError: attrAndFix(tc.attr, tc.fix),
				}},
			})
		})
	}
	controlRan := false
	t.Run("control: a valid plan is recorded", func(t *testing.T) {
		controlRan = true
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: factoriesAs("badinput-control"),
			Steps: []resource.TestStep{{
				Config:   e.providerBlock() + "resource \"golive_environment\" \"ok\" {\n  application = \"shop\"\n  name = \"dev\"\n}\n",
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

	control := actions(byApp["golive-badinput-control"])
	if controlRan && !strings.Contains(strings.Join(control, " "), "dynamodb:GetItem") {
		t.Fatalf("the valid plan's calls were not attributed (want its ledger read dynamodb:GetItem), got %q", control)
	}
	cased := map[string]bool{"golive-badinput-control": true}
	for i, tc := range cases {
		app := "golive-" + badInputVersion(i)
		cased[app] = true
		if got := byApp[app]; len(got) > 0 {
			t.Errorf("%s: AWS calls at plan (want none, read-only or mutating): %q", tc.name, actions(got))
		}
	}
	for app, got := range byApp {
		if !cased[app] {
			t.Errorf("AWS calls of app ID %q in the recording window, made by no case: %q", app, actions(got))
		}
	}
	for _, c := range byApp["golive-badinput-control"] {
		if c.Mutating() {
			t.Errorf("the valid plan made a mutating call %s", c)
		}
	}
	// And read back independently: nothing was written.
	if got := e.parameters("/golive/"); len(got) != 0 {
		t.Errorf("bad input created parameters: %v", sortedKeys(got))
	}
	for _, id := range []string{"shop/prod", "shop/dev"} {
		if _, err := e.ledger.GetEnvironment(context.Background(), id); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("bad input left a ledger record of %s: %v", id, err)
		}
	}
	t.Logf("%d bad inputs rejected at plan without an AWS call; the valid plan made %q", len(cases), control)
}

func badInputVersion(i int) string { return fmt.Sprintf("badinput-%02d", i) }

// factoriesAs is factories() with a provider version of its own, which
// becomes the SDK app ID of every AWS call the provider makes.
func factoriesAs(version string) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"golive": providerserver.NewProtocol6WithError(provider.New(version)()),
	}
}

// attrAndFix matches output in which both patterns appear, in either order.
func attrAndFix(attr, fix string) *regexp.Regexp {
	a := strings.ReplaceAll(attr, " ", `\s+`)
	f := strings.ReplaceAll(fix, " ", `\s+`)
	return regexp.MustCompile("(?s)(?:" + a + ".*" + f + "|" + f + ".*" + a + ")")
}

func actions(calls []emulator.Call) []string {
	out := make([]string, 0, len(calls))
	for _, c := range calls {
		out = append(out, c.String())
	}
	sort.Strings(out)
	return out
}

// providerWith is a provider block with every endpoint at the emulator and
// body in place of the test's assume_role hop.
func (e *testEnv) providerWith(body string) string {
	var eps []string
	for _, svc := range awsclient.Services {
		eps = append(eps, fmt.Sprintf("    %s = %q", svc, e.server.URL))
	}
	return fmt.Sprintf("provider \"golive\" {\n  region = %q\n  endpoints {\n%s\n  }\n%s\n}\n", emulator.Region, strings.Join(eps, "\n"), body)
}

// validEnvironment is a resource for provider cases: the provider block is
// validated only when something uses the provider.
const validEnvironment = `
resource "golive_environment" "x" {
  application = "shop"
  name        = "dev"
}
`

func providerBadInputs(e *testEnv) []badInput {
	role := fmt.Sprintf("  assume_role {\n    role_arn = %q\n", emulator.RoleARN(e.account))
	return []badInput{
		{name: "provider region with spaces", provider: "provider \"golive\" {\n  region = \"us east 1\"\n}\n", config: validEnvironment,
			attr: `Attribute region`, fix: `must be an AWS region code such as us-east-1`},
		{name: "provider ledger_table too short", provider: e.providerBlock(`ledger_table = "gl"`), config: validEnvironment,
			attr: `Attribute ledger_table string length`, fix: `must be between 3 and 255`},
		{name: "provider ledger_table with a space", provider: e.providerBlock(`ledger_table = "golive ledger"`), config: validEnvironment,
			attr: `Attribute ledger_table`, fix: `must be 3-255 letters, digits, '_', '-' or '.'`},
		{name: "provider max_retries zero", provider: e.providerBlock(`max_retries = 0`), config: validEnvironment,
			attr: `Attribute max_retries value`, fix: `must be between 1 and 50`},
		{name: "provider role_arn of a user", provider: e.providerWith(`assume_role { role_arn = "arn:aws:iam::123456789012:user/ci" }`), config: validEnvironment,
			attr: `Attribute assume_role\[0\]\.role_arn`, fix: `must be an IAM role ARN such as arn:aws:iam::111111111111:role/deployer`},
		{name: "provider two assume_role blocks", provider: e.providerBlock(`assume_role { role_arn = "arn:aws:iam::123456789012:role/x" }`), config: validEnvironment,
			attr: `Attribute assume_role list`, fix: `must contain at most 1 elements?`},
		{name: "provider assume_role duration too short", provider: e.providerWith(role + "    duration = \"5m\"\n  }"), config: validEnvironment,
			attr: `assume_role\[0\]\.duration: 5m`, fix: `is outside 15m0s to 12h0m0s`},
		{name: "provider assume_role duration without unit", provider: e.providerWith(role + "    duration = \"3600\"\n  }"), config: validEnvironment,
			attr: `assume_role\[0\]\.duration: "3600" is not a duration`, fix: `use a number with a unit, such as "30s"`},
		{name: "provider session_name with a space", provider: e.providerWith(role + "    session_name = \"ci run\"\n  }"), config: validEnvironment,
			attr: `Attribute assume_role\[0\]\.session_name`, fix: `must be 2-64 letters, digits or any of \+=,\.@-`},
		{name: "provider external_id with a space", provider: e.providerWith(role + "    external_id = \"a b\"\n  }"), config: validEnvironment,
			attr: `Attribute assume_role\[0\]\.external_id`, fix: `must be 2-1224 letters, digits or any of \+=,\.@:/-`},
		{name: "provider endpoint without scheme", provider: "provider \"golive\" {\n  region = \"us-east-1\"\n  endpoints { ssm = \"localhost:5000\" }\n}\n", config: validEnvironment,
			attr: `endpoints\[0\]\.ssm: "localhost:5000"`, fix: `is not an absolute http:// or https:// URL`},
		{name: "provider default tag key reserved by AWS", provider: e.providerWith(role + "  }\n  default_tags = { \"aws:team\" = \"x\" }"), config: validEnvironment,
			attr: `default_tags\["aws:team"\]`, fix: `the aws: prefix is reserved by AWS: choose another key`},
	}
}

func dataSourceBadInputs() []badInput {
	return []badInput{
		{name: "data environment id without application", config: `data "golive_environment" "x" { id = "prod" }`,
			attr: `Attribute id`, fix: `must be <application>/<name>, e.g. shop/staging`},
		{name: "data release upper-case environment", config: "data \"golive_release\" \"x\" {\n  environment = \"Shop/prod\"\n  service = \"api\"\n}",
			attr: `Attribute environment`, fix: `must be an environment id <application>/<name>`},
		{name: "data release service with a slash", config: "data \"golive_release\" \"x\" {\n  environment = \"shop/prod\"\n  service = \"api/v2\"\n}",
			attr: `Attribute service`, fix: `must be 1-40 lower-case letters, digits or '-'`},
		{name: "data release without service", config: `data "golive_release" "x" { environment = "shop/prod" }`,
			attr: `The argument "service" is required`, fix: `no definition was found`},
		{name: "data history limit zero", config: "data \"golive_history\" \"x\" {\n  environment = \"shop/prod\"\n  limit = 0\n}",
			attr: `Attribute limit value`, fix: `must be between 1 and 1000`},
		{name: "data history after that is not an event id", config: "data \"golive_history\" \"x\" {\n  environment = \"shop/prod\"\n  after = \"yesterday\"\n}",
			attr: `Attribute after`, fix: `must be the id of an event \(the next of a previous page\)`},
		{name: "data history upper-case service", config: "data \"golive_history\" \"x\" {\n  environment = \"shop/prod\"\n  service = \"API\"\n}",
			attr: `Attribute service`, fix: `must be 1-40 lower-case letters`},
		{name: "data delivery_metrics window in days", config: "data \"golive_delivery_metrics\" \"x\" {\n  environment = \"shop/prod\"\n  window = \"30d\"\n}",
			attr: `window: "30d" is not a duration`, fix: `use a number with a unit`},
		{name: "data delivery_metrics window under an hour", config: "data \"golive_delivery_metrics\" \"x\" {\n  environment = \"shop/prod\"\n  window = \"30m\"\n}",
			attr: `window: 30m is outside`, fix: `1h0m0s to 8784h0m0s`},
		{name: "data delivery_metrics environment without name", config: `data "golive_delivery_metrics" "x" { environment = "shop" }`,
			attr: `Attribute environment`, fix: `must be an environment id <application>/<name>`},
	}
}
