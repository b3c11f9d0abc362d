package test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/gruntwork-io/terratest/modules/terraform"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// stack is one Terraform configuration of the repository (a module fixture
// under test/fixtures or an example) copied to a scratch directory and run
// in an AWS account of its own in the shared emulator, so stacks run in
// parallel without seeing each other.
type stack struct {
	t       *testing.T
	Dir     string
	Account string
	// AWS acts in the stack's account: the independent client that tests
	// read outcomes back with.
	AWS    aws.Config
	Server *emulator.Server
	Opts   *terraform.Options
}

// newStack copies rel (a directory relative to the repository root) into a
// scratch tree that keeps its relative path, so ../../modules sources
// resolve, and points its providers at a fresh account in the emulator.
func newStack(t *testing.T, rel string) *stack {
	t.Helper()
	return newStackIn(t, rel, emulator.NewAccountID())
}

// newStackIn is newStack in a given account, for a second stack that shares
// another's account and ledger (a separate pipeline of the same team).
func newStackIn(t *testing.T, rel, account string) *stack {
	t.Helper()
	srv := emulator.Shared(t)
	root := repoRoot(t)
	scratch := t.TempDir()
	dir := filepath.Join(scratch, rel)
	if err := copyConfig(filepath.Join(root, rel), dir); err != nil {
		t.Fatalf("copying %s: %v", rel, err)
	}
	if err := os.Symlink(filepath.Join(root, "modules"), filepath.Join(scratch, "modules")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg, err := srv.AccountConfig(ctx, account)
	if err != nil {
		t.Fatal(err)
	}
	s := &stack{t: t, Dir: dir, Account: account, AWS: cfg, Server: srv}
	s.configure()
	return s
}

// configure points the providers at the emulator and sets the options of
// every terraform call.
func (s *stack) configure() {
	s.writeProviders()
	s.Opts = &terraform.Options{TerraformDir: s.Dir, NoColor: true, EnvVars: s.Env(), Vars: map[string]any{}}
}

// Sub is the configuration in the stack's subdirectory rel (a bootstrap
// stack, say), working in the same account.
func (s *stack) Sub(rel string) *stack {
	sub := &stack{t: s.t, Dir: filepath.Join(s.Dir, rel), Account: s.Account, AWS: s.AWS, Server: s.Server}
	sub.configure()
	return sub
}

// Env is the environment of every terraform call: the emulator's static
// credentials (the providers assume the stack's role with them) and the CLI
// configuration `make install` wrote.
func (s *stack) Env() map[string]string {
	return map[string]string{
		"AWS_ACCESS_KEY_ID":           "test",
		"AWS_SECRET_ACCESS_KEY":       "test",
		"AWS_REGION":                  emulator.Region,
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_CONFIG_FILE":             os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
		"TF_CLI_CONFIG_FILE":          os.Getenv("TF_CLI_CONFIG_FILE"),
		"TF_IN_AUTOMATION":            "1",
		"CHECKPOINT_DISABLE":          "1",
	}
}

var providerBlock = regexp.MustCompile(`(?m)^provider\s+"(aws|golive)"`)

// writeProviders points hashicorp/aws and golive at the emulator, in the
// stack's account. A configuration that declares its own provider blocks
// (the examples) gets an override file that adds the role to assume; a
// module fixture gets complete provider blocks. A directory without .tf
// files (a Terragrunt tree, whose root generates the providers) gets none.
func (s *stack) writeProviders() {
	declared := map[string]bool{}
	entries, _ := filepath.Glob(filepath.Join(s.Dir, "*.tf"))
	if len(entries) == 0 {
		return
	}
	for _, f := range entries {
		b, err := os.ReadFile(f)
		if err != nil {
			s.t.Fatal(err)
		}
		for _, m := range providerBlock.FindAllSubmatch(b, -1) {
			declared[string(m[1])] = true
		}
	}
	role := emulator.RoleARN(s.Account)
	if len(declared) > 0 {
		// Terraform refuses an override of a provider block that does not
		// exist, so only the declared ones get one.
		body := fmt.Sprintf("# Written by the test harness: work in account %s of the emulator.\n", s.Account)
		for _, p := range []string{"aws", "golive"} {
			if declared[p] {
				body += fmt.Sprintf("\nprovider %q {\n  assume_role {\n    role_arn = %q\n  }\n}\n", p, role)
			}
		}
		s.write("zz_test_override.tf", body)
		return
	}
	body := fmt.Sprintf("# Written by the test harness: the emulator, account %s.\n", s.Account) +
		emulator.AWSProviderHCL(s.Server.URL, s.Account) + "\n" + emulator.GoliveProviderHCL(s.Server.URL, s.Account, "")
	s.write("zz_test_providers.tf", body)
}

func (s *stack) write(name, body string) {
	s.t.Helper()
	if err := os.WriteFile(filepath.Join(s.Dir, name), []byte(body), 0o644); err != nil {
		s.t.Fatal(err)
	}
}

// CreateLedger creates the ledger table in the stack's account, as
// modules/ledger would once per account.
func (s *stack) CreateLedger() {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := ledger.CreateTable(ctx, dynamodb.NewFromConfig(s.AWS), ledger.DefaultTable); err != nil {
		s.t.Fatalf("creating the ledger table: %v", err)
	}
}

// Ledger reads the stack's ledger through the SDK.
func (s *stack) Ledger() *ledger.Ledger {
	return ledger.New(dynamodb.NewFromConfig(s.AWS), ledger.DefaultTable, emulator.Region)
}

// Events are the newest events of an environment, read from the ledger.
func (s *stack) Events(env string, limit int32) []ledger.Event {
	s.t.Helper()
	ev, _, err := s.Ledger().Events(context.Background(), ledger.EventQuery{Environment: env, Limit: limit})
	if err != nil {
		s.t.Fatalf("reading the ledger history of %s: %v", env, err)
	}
	return ev
}

// Apply runs init (once) and apply with vars added to the stack's.
func (s *stack) Apply(vars map[string]any) string {
	s.t.Helper()
	return terraform.InitAndApply(s.t, s.with(vars))
}

// ApplyE is Apply that returns the failure instead of failing the test.
func (s *stack) ApplyE(vars map[string]any) (string, error) {
	s.t.Helper()
	return terraform.InitAndApplyE(s.t, s.with(vars))
}

// SavePlan runs init and `plan -out=planFile` with vars added to the
// stack's, as a CI job saves the plan it shows for review.
func (s *stack) SavePlan(vars map[string]any, planFile string) string {
	s.t.Helper()
	out, err := s.SavePlanE(vars, planFile)
	if err != nil {
		s.t.Fatal(err)
	}
	return out
}

// SavePlanE is SavePlan that returns the failure instead of failing the test.
func (s *stack) SavePlanE(vars map[string]any, planFile string) (string, error) {
	s.t.Helper()
	o := *s.with(vars)
	o.PlanFilePath = planFile
	return terraform.InitAndPlanE(s.t, &o)
}

// ApplyPlanE runs `apply planFile`: exactly the saved plan, no variables.
func (s *stack) ApplyPlanE(planFile string) (string, error) {
	s.t.Helper()
	o := *s.Opts
	o.PlanFilePath = planFile
	return terraform.ApplyE(s.t, &o)
}

// PlanJSON is `terraform show -json planFile`.
func (s *stack) PlanJSON(planFile string) string {
	s.t.Helper()
	o := *s.Opts
	o.PlanFilePath = planFile
	return terraform.Show(s.t, &o)
}

// PlanExitCode runs plan -detailed-exitcode: 0 no changes, 2 changes.
func (s *stack) PlanExitCode(vars map[string]any) int {
	s.t.Helper()
	return terraform.InitAndPlanWithExitCode(s.t, s.with(vars))
}

// PlanE runs init and plan, returning a refusal instead of failing the test.
func (s *stack) PlanE(vars map[string]any) (string, error) {
	s.t.Helper()
	return terraform.InitAndPlanE(s.t, s.with(vars))
}

// Destroy removes everything the stack created; call it with t.Cleanup
// before the first apply, so a failed apply is cleaned up too.
func (s *stack) Destroy() {
	s.t.Helper()
	terraform.Destroy(s.t, s.Opts)
}

func (s *stack) Output(name string) string { return terraform.Output(s.t, s.Opts, name) }

func (s *stack) OutputList(name string) []string { return terraform.OutputList(s.t, s.Opts, name) }

func (s *stack) OutputMap(name string) map[string]string {
	return terraform.OutputMap(s.t, s.Opts, name)
}

// with sets vars on the stack's options (they stay for later calls, such as
// Destroy, which needs the same variables).
func (s *stack) with(vars map[string]any) *terraform.Options {
	for k, v := range vars {
		s.Opts.Vars[k] = v
	}
	return s.Opts
}

// copyConfig copies the configuration tree src to dst, leaving out what
// earlier local runs left behind: working directories, lock files, state.
func copyConfig(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch d.Name() {
		case ".terraform", ".terragrunt-cache":
			return filepath.SkipDir
		case ".terraform.lock.hcl", "terraform.tfstate", "terraform.tfstate.backup":
			return nil
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		info, err := os.Stat(path)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, info.Mode().Perm())
	})
}

func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "modules")); err != nil {
		t.Fatalf("repository root not found from %s", dir)
	}
	return dir
}
