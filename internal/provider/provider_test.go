package provider_test

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/acctest/kubeapi"
	"github.com/golive-dev/terraform-provider-golive/internal/awsclient"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/provider"
)

// TestMain starts one emulator for every test of the package and makes the
// acceptance tests run without any set-up: they are cheap against moto, so
// they always run instead of being skipped without TF_ACC. Under
// `go test -short` only the unit tests run, even where the environment sets
// TF_ACC: no emulator is started, so neither moto_server nor terraform is
// needed.
func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		unsetenv("TF_ACC")
	} else {
		setDefault("TF_ACC", "1")
	}
	setDefault("CHECKPOINT_DISABLE", "1")
	// Terraform warns about a CLI config file that does not exist; the
	// tests need none, so give them an empty one.
	if f := os.Getenv("TF_CLI_CONFIG_FILE"); f != "" {
		if _, err := os.Stat(f); err != nil {
			empty, err := os.CreateTemp("", "golive-tfrc-*")
			if err == nil {
				fmt.Fprintln(empty, "disable_checkpoint = true")
				if empty.Close() == nil {
					setenv("TF_CLI_CONFIG_FILE", empty.Name())
				}
			}
		}
	}
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		if tf, err := exec.LookPath("terraform"); err == nil {
			setenv("TF_ACC_TERRAFORM_PATH", tf)
		}
	}
	// Base credentials of the emulator; every test then assumes a role into
	// its own account through the provider's assume_role block. Keep the
	// developer's own AWS configuration out of the tests.
	setenv("AWS_ACCESS_KEY_ID", "test")
	setenv("AWS_SECRET_ACCESS_KEY", "test")
	unsetenv("AWS_SESSION_TOKEN")
	unsetenv("AWS_PROFILE")
	setenv("AWS_CONFIG_FILE", os.DevNull)
	setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
	setenv("AWS_EC2_METADATA_DISABLED", "true")
	// One running task per new ECS service, so deployments with
	// desired_count = 1 become stable (moto never starts tasks itself).
	// Gateway API tests also get a Kubernetes API server, on first use.
	os.Exit(kubeapi.Run(func() int { return emulator.Run(m, emulator.Options{ECSServiceRunning: 1}) }))
}

// errorPattern compiles an expected-error pattern in which a space also
// matches the line breaks Terraform puts into long diagnostics.
func errorPattern(p string) *regexp.Regexp {
	return regexp.MustCompile("(?s)" + strings.ReplaceAll(p, " ", `\s+`))
}

func setDefault(k, v string) {
	if os.Getenv(k) == "" {
		setenv(k, v)
	}
}

// setenv and unsetenv change the test binary's environment in TestMain,
// where t.Setenv is not available; a failure stops the run.
func setenv(k, v string) {
	if err := os.Setenv(k, v); err != nil {
		log.Fatalf("setting %s: %v", k, err)
	}
}

func unsetenv(k string) {
	if err := os.Unsetenv(k); err != nil {
		log.Fatalf("unsetting %s: %v", k, err)
	}
}

// testEnv is one test's isolated AWS account in the emulator, with a ledger
// table, and independent SDK clients to check outcomes with.
type testEnv struct {
	t       *testing.T
	server  *emulator.Server
	account string
	cfg     aws.Config
	ssm     *ssm.Client
	ddb     *dynamodb.Client
	ledger  *ledger.Ledger
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	ctx := context.Background()
	s := emulator.Shared(t)
	e := &testEnv{t: t, server: s, account: emulator.NewAccountID()}
	cfg, err := s.AccountConfig(ctx, e.account)
	if err != nil {
		t.Fatal(err)
	}
	e.cfg = cfg
	e.ssm = ssm.NewFromConfig(cfg)
	e.ddb = dynamodb.NewFromConfig(cfg)
	if err := ledger.CreateTable(ctx, e.ddb, ledger.DefaultTable); err != nil {
		t.Fatal(err)
	}
	e.ledger = ledger.New(e.ddb, ledger.DefaultTable, emulator.Region)
	return e
}

// providerBlock configures golive for the test's account: every endpoint at
// the emulator and an assume_role hop into the account.
func (e *testEnv) providerBlock(extra ...string) string {
	var eps []string
	for _, svc := range awsclient.Services {
		eps = append(eps, fmt.Sprintf("    %s = %q", svc, e.server.URL))
	}
	return fmt.Sprintf(`
provider "golive" {
  region = %q
  assume_role {
    role_arn     = %q
    session_name = "acctest"
  }
  endpoints {
%s
  }
  default_tags = { managed-by = "golive-acctest" }
%s
}
`, emulator.Region, emulator.RoleARN(e.account), strings.Join(eps, "\n"), strings.Join(extra, "\n"))
}

// actorARN is the ledger actor of changes made by the provider in tests.
func (e *testEnv) actorARN() string {
	return fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/acctest", e.account, emulator.RoleName)
}

func factories(opts ...provider.Option) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"golive": providerserver.NewProtocol6WithError(provider.New("test", opts...)()),
	}
}

// fixedClock returns a clock stuck at an RFC 3339 time.
func fixedClock(t *testing.T, at string) provider.Option {
	t.Helper()
	ts, err := time.Parse(time.RFC3339, at)
	if err != nil {
		t.Fatal(err)
	}
	return provider.WithClock(func() time.Time { return ts })
}

// parameters lists every parameter name under prefix, read through the SDK.
func (e *testEnv) parameters(prefix string) map[string]string {
	e.t.Helper()
	out := map[string]string{}
	p := ssm.NewGetParametersByPathPaginator(e.ssm, &ssm.GetParametersByPathInput{
		Path: aws.String(prefix), Recursive: aws.Bool(true), WithDecryption: aws.Bool(true),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			e.t.Fatal(err)
		}
		for _, prm := range page.Parameters {
			out[aws.ToString(prm.Name)] = string(prm.Type) + ":" + aws.ToString(prm.Value)
		}
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// mustPass runs a check outside Terraform's step checks, e.g. in a
// PreConfig, where terraform-plugin-testing would not run it by itself.
func mustPass(t *testing.T, check resource.TestCheckFunc) {
	t.Helper()
	if err := check(nil); err != nil {
		t.Fatal(err)
	}
}
