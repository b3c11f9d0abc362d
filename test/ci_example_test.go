package test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// TestCIExample runs the part of examples/ci's workflow that can run here:
// `terraform plan -out` (the pull request job) and `terraform apply
// <planfile>` (the merge job), for staging and production each in an
// account of its own of the emulator, the ledger in a third, as the
// workflow's matrix runs them.
//   - a release through a saved plan: what was planned is what golive
//     recorded (in the ledger account, naming the job's identity) and what
//     Lambda runs (in the environment's account);
//   - a saved plan whose state moved on is refused by Terraform (stale);
//   - a promotion planned while its gate passed, whose gate fails at apply
//     because the ledger changed in between, changes nothing in production.
//
// The workflow recognises the last two by the messages asserted here.
func TestCIExample(t *testing.T) {
	t.Parallel()
	// The stacks' providers assume the emulator's role in their account:
	// the job's OIDC role session in CI.
	st := newStack(t, "examples/ci/stack")
	pr := newStack(t, "examples/ci/stack")
	led := st.inAccount(emulator.NewAccountID())
	led.CreateLedger()
	packages := t.TempDir()
	codeSHA := map[string]string{}
	for _, v := range []string{"1.0.0", "2.0.0"} {
		codeSHA[v] = writeLambdaPackage(t, packages, v)
	}
	stacks := []struct {
		env string
		s   *stack
	}{{"staging", st}, {"prod", pr}} // destroyed in reverse: production first
	for _, e := range stacks {
		env, s := e.env, e.s
		// The example keeps its state in S3 (backend.tf); here it stays local.
		if err := os.Remove(filepath.Join(s.Dir, "backend.tf")); err != nil {
			t.Fatal(err)
		}
		s.with(map[string]any{"aws_endpoint": s.Server.URL, "package_dir": packages, "prod_deletion_protection": false,
			"environment": env, "account_id": s.Account, "ledger_role_arn": ledgerRoleARN(led.Account)})
		t.Cleanup(s.Destroy)
	}

	ctx := context.Background()
	plans := t.TempDir()
	n := 0
	savePlan := func(s *stack, releases map[string]string) string {
		t.Helper()
		n++
		path := filepath.Join(plans, fmt.Sprintf("tfplan-%d", n))
		s.SavePlan(map[string]any{"releases": releases}, path)
		return path
	}
	applyPlan := func(s *stack, path string) {
		t.Helper()
		if out, err := s.ApplyPlanE(path); err != nil {
			t.Fatalf("apply %s: %v\n%s", filepath.Base(path), err, out)
		}
	}

	// Merged pull requests before this test's: staging gets 1.0.0, then
	// production takes the 1.0.0 staging verified.
	applyPlan(st, savePlan(st, map[string]string{"staging": "1.0.0"}))
	applyPlan(pr, savePlan(pr, map[string]string{"staging": "1.0.0", "prod": "1.0.0"}))
	prodBefore := led.liveSlot("shop/prod", "api")
	if prodBefore.Version != "1.0.0" || prodBefore.Status != "verified" {
		t.Fatalf("production before the test: %+v, want 1.0.0 verified", prodBefore)
	}
	for _, e := range stacks {
		env, s := e.env, e.s
		actor := fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/golive", s.Account, emulator.RoleName)
		wantActors(t, led, env, actor)
		wantNoLedgerTable(t, s, env)
		wantParams(t, s, "/golive/shop/"+env+"/vars/", map[string]string{"LOG_LEVEL": map[string]string{"staging": "debug", "prod": "info"}[env]})
	}

	// (a) The pull request raises staging to 2.0.0. Two plans of the same
	// change: the first is applied, the second goes stale with it.
	staging2 := map[string]string{"staging": "2.0.0", "prod": "1.0.0"}
	reviewed := savePlan(st, staging2)
	concurrent := savePlan(st, staging2)
	if got := plannedChanges(t, pr.PlanJSON(savePlan(pr, staging2))); len(got) != 0 {
		t.Errorf("the same pull request's plan for production changes %+v", got)
	}

	planned := plannedChanges(t, st.PlanJSON(reviewed))
	if got := planned[`golive_deployment.api["staging"]`]; got.version != "2.0.0" || got.actions != "update" {
		t.Errorf("saved plan for staging: %+v, want update to 2.0.0", got)
	}
	summary := planSummary(t, st.PlanJSON(reviewed))
	if want := "| update | `golive_deployment.api[\"staging\"]` | shop/staging · api: `1.0.0` → `2.0.0` |"; !strings.Contains(summary, want) {
		t.Errorf("the pull request summary lacks the staging release %q:\n%s", want, summary)
	}

	applyPlan(st, reviewed)
	staging := led.liveSlot("shop/staging", "api")
	if staging.Version != planned[`golive_deployment.api["staging"]`].version || staging.Status != "verified" || staging.Previous != "1.0.0" {
		t.Errorf("staging after the merge: %+v, want the planned 2.0.0 verified, previous 1.0.0", staging)
	}
	if v, err := led.Ledger().GetVerification(ctx, "shop/staging", "api", "2.0.0"); err != nil || v.Status != "verified" {
		t.Errorf("verification of api@2.0.0 in staging: %+v, %v; want verified", v, err)
	}
	st.checkLambdaVersion("shop-staging-api", staging.Destination, "2.0.0", codeSHA["2.0.0"])

	// (c) The second plan was made before the first was applied: Terraform
	// refuses it, and golive is not even asked.
	stagingEvents := len(led.Events("shop/staging", 200))
	out, err := st.ApplyPlanE(concurrent)
	if err == nil {
		t.Fatalf("a saved plan applied after the state moved on:\n%s", out)
	}
	if !strings.Contains(flat(out), "Saved plan is stale") {
		t.Errorf("stale plan refused without Terraform's message (the workflow looks for \"Saved plan is stale\"):\n%s", out)
	}
	if got := led.liveSlot("shop/staging", "api"); !got.DeployedAt.Equal(staging.DeployedAt) || got.Version != "2.0.0" {
		t.Errorf("staging changed by a stale plan: %+v, was %+v", got, staging)
	}
	if got := len(led.Events("shop/staging", 200)); got != stagingEvents {
		t.Errorf("the stale plan wrote %d ledger events to staging", got-stagingEvents)
	}

	// (b) The next pull request promotes 2.0.0 to production; its plan
	// passes the promotion gate, since staging verified 2.0.0.
	promote := savePlan(pr, map[string]string{"staging": "2.0.0", "prod": "2.0.0"})
	if got := plannedChanges(t, pr.PlanJSON(promote))[`golive_deployment.api["prod"]`]; got.version != "2.0.0" {
		t.Fatalf("promotion plan for production: %+v, want 2.0.0", got)
	}

	// Between review and merge another pipeline re-verifies 2.0.0 in
	// staging, and it fails: the ledger now says failed.
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "soak test: error rate 12%", http.StatusServiceUnavailable)
	}))
	t.Cleanup(broken.Close)
	recheck := newStackIn(t, "test/fixtures/ci-staging-recheck", st.Account)
	recheck.write("zz_ledger_override.tf", fmt.Sprintf("provider \"golive\" {\n  ledger {\n    assume_role {\n      role_arn = %q\n    }\n  }\n}\n", ledgerRoleARN(led.Account)))
	t.Cleanup(recheck.Destroy)
	if out, err := recheck.ApplyE(map[string]any{
		"environment": "shop/staging", "release_version": "2.0.0",
		"function_name": "shop-staging-api", "function_version": staging.Destination, "check_url": broken.URL,
	}); err == nil {
		t.Fatalf("the failing re-verification in staging succeeded:\n%s", out)
	}
	if v, err := led.Ledger().GetVerification(ctx, "shop/staging", "api", "2.0.0"); err != nil || v.Status != "failed" {
		t.Fatalf("after the failed re-verification, api@2.0.0 in staging is %+v (%v); want failed", v, err)
	}

	// The merge applies the reviewed plan: the promotion gate runs again
	// and refuses it.
	prodEvents := len(led.Events("shop/prod", 200))
	out, err = pr.ApplyPlanE(promote)
	if err == nil {
		t.Fatalf("production took 2.0.0 after staging's verification of it failed:\n%s", out)
	}
	gate := "api@2.0.0 may enter shop/prod only after it is verified in shop/staging (promotes_from), but its latest deployment to shop/staging is failed"
	if o := flat(out); !strings.Contains(o, "version not verified upstream") || !strings.Contains(o, gate) {
		t.Errorf("apply failed without the promotion gate's message %q:\n%s", gate, out)
	}
	prod := led.liveSlot("shop/prod", "api")
	if prod.Version != "1.0.0" || prod.Destination != prodBefore.Destination || !prod.DeployedAt.Equal(prodBefore.DeployedAt) {
		t.Errorf("production after the refused apply: %+v; want it unchanged: %+v", prod, prodBefore)
	}
	if _, err := led.Ledger().GetVerification(ctx, "shop/prod", "api", "2.0.0"); !errors.Is(err, ledger.ErrNotFound) {
		t.Errorf("api@2.0.0 recorded in production after the refusal: %v", err)
	}
	// The refusal is not recorded: the provider checks its gates before it
	// takes the lock and opens the release's events.
	if got := len(led.Events("shop/prod", 200)); got != prodEvents {
		t.Errorf("the refused apply wrote %d ledger events to production", got-prodEvents)
	}
	// Terraform updated the function (a new published version) before the
	// gate ran; the version golive records, and callers invoke, is still
	// 1.0.0's.
	pr.checkLambdaVersion("shop-prod-api", prod.Destination, "1.0.0", codeSHA["1.0.0"])

	// Re-planning, as the failed job says, now refuses the promotion at plan.
	out, err = pr.SavePlanE(map[string]any{"releases": map[string]string{"staging": "2.0.0", "prod": "2.0.0"}}, filepath.Join(plans, "replan"))
	if err == nil || !strings.Contains(flat(out), gate) {
		t.Errorf("the re-plan did not refuse the promotion with the gate's message (err %v):\n%s", err, out)
	}
	// destroy starts with a normal, refreshing plan, whose gates would refuse
	// the promotion too: hand it the configuration production runs.
	pr.with(map[string]any{"releases": map[string]string{"staging": "2.0.0", "prod": "1.0.0"}})
}

// ledgerRoleARN is the role of the ledger account that the stacks assume to
// reach the ledger; the emulator assumes any role.
func ledgerRoleARN(account string) string {
	return fmt.Sprintf("arn:aws:iam::%s:role/golive-ledger", account)
}

// liveSlot is the ledger's record of the "live" slot of env's service.
func (s *stack) liveSlot(env, service string) ledger.Slot {
	s.t.Helper()
	rel, err := s.Ledger().GetRelease(context.Background(), env, service)
	if err != nil {
		s.t.Fatalf("reading the release of %s/%s: %v", env, service, err)
	}
	return rel.Slots["live"]
}

// checkLambdaVersion reads a published version of function through the SDK:
// it must run the package of version.
func (s *stack) checkLambdaVersion(function, published, version, codeSHA string) {
	s.t.Helper()
	out, err := lambda.NewFromConfig(s.AWS).GetFunctionConfiguration(context.Background(), &lambda.GetFunctionConfigurationInput{
		FunctionName: aws.String(function), Qualifier: aws.String(published),
	})
	if err != nil {
		s.t.Errorf("reading %s:%s: %v", function, published, err)
		return
	}
	if got := aws.ToString(out.CodeSha256); got != codeSHA {
		s.t.Errorf("%s:%s runs code %s, want the package of %s (%s)", function, published, got, version, codeSHA)
	}
	if out.Environment == nil || out.Environment.Variables["GOLIVE_VERSION"] != version {
		s.t.Errorf("%s:%s has environment %+v, want GOLIVE_VERSION=%s", function, published, out.Environment, version)
	}
}

// writeLambdaPackage writes dir/api-<version>.zip, the package the stack
// expects, and returns its CodeSha256 as Lambda reports it.
func writeLambdaPackage(t *testing.T, dir, version string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "app.py", Method: zip.Deflate, Modified: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(w, "def handler(event, context):\n    return {\"statusCode\": 200, \"body\": %q}\n", "api "+version)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "api-"+version+".zip"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(buf.Bytes())
	return base64.StdEncoding.EncodeToString(sum[:])
}

type plannedChange struct{ actions, version string }

// plannedChanges are the golive_deployment changes of a plan's JSON, by
// address.
func plannedChanges(t *testing.T, planJSON string) map[string]plannedChange {
	t.Helper()
	var p struct {
		ResourceChanges []struct {
			Address, Type string
			Change        struct {
				Actions []string
				After   struct{ Version string }
			}
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(planJSON), &p); err != nil {
		t.Fatalf("decoding the plan: %v", err)
	}
	changes := map[string]plannedChange{}
	for _, rc := range p.ResourceChanges {
		if rc.Type == "golive_deployment" && strings.Join(rc.Change.Actions, ",") != "no-op" {
			changes[rc.Address] = plannedChange{strings.Join(rc.Change.Actions, ","), rc.Change.After.Version}
		}
	}
	return changes
}

// planSummary renders a plan's JSON with the workflow's jq program, as the
// pull request shows it.
func planSummary(t *testing.T, planJSON string) string {
	t.Helper()
	cmd := exec.Command("jq", "-r", "-f", filepath.Join(repoRoot(t), "examples", "ci", ".github", "golive-plan-summary.jq"))
	cmd.Stdin = strings.NewReader(planJSON)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("jq (the workflow renders the plan with it): %v\n%s", err, out)
	}
	return string(out)
}

var boxAndSpace = regexp.MustCompile(`[│\s]+`)

// flat is Terraform's output with its diagnostic boxes and line wrapping
// removed, so that messages can be matched whole.
func flat(out string) string { return boxAndSpace.ReplaceAllString(out, " ") }

func TestCIPlanSummaryShowsCutover(t *testing.T) {
	t.Parallel()
	plan := `{"resource_changes": [
	  {"address": "golive_traffic_split.api", "type": "golive_traffic_split", "change": {"actions": ["update"],
	    "before": {"environment": "shop/prod", "service": "api"},
	    "after": {"environment": "shop/prod", "service": "api", "cutover": "green 0 → 100: 10% for 5m, then 100%",
	              "planned_steps": [{"blue": 90, "green": 10}, {"blue": 0, "green": 100}]},
	    "after_unknown": {}}},
	  {"address": "golive_deployment.api_green", "type": "golive_deployment", "change": {"actions": ["create"],
	    "before": null, "after": {"environment": "shop/prod", "service": "api", "version": "2.0.0",
	    "override": [{"reason": "hotfix INC-1"}]}, "after_unknown": {"status": true}}},
	  {"address": "golive_environment.dev", "type": "golive_environment", "change": {"actions": ["no-op"],
	    "before": {"application": "shop", "name": "dev"}, "after": {"application": "shop", "name": "dev"}}}
	]}`
	got := planSummary(t, plan)
	want := "| action | resource | change |\n|---|---|---|\n" +
		"| update | `golive_traffic_split.api` | shop/prod · api: green 0 → 100: 10% for 5m, then 100%<br>steps: blue 90%, green 10% → blue 0%, green 100% |\n" +
		"| create | `golive_deployment.api_green` | shop/prod · api: — → `2.0.0` — override: hotfix INC-1 |\n"
	if got != want {
		t.Errorf("summary:\n%s\nwant:\n%s", got, want)
	}
	if got := planSummary(t, `{"resource_changes": []}`); got != "No golive changes in this plan.\n" {
		t.Errorf("summary of a plan without golive changes: %q", got)
	}
}
