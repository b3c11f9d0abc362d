package oncall

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
	"github.com/golive-dev/terraform-provider-golive/internal/router"
)

func TestMain(m *testing.M) { emulator.Main(m, emulator.Options{}) }

// result is one run of the command.
type result struct {
	code           int
	stdout, stderr string
}

func run(args ...string) result {
	var out, errOut bytes.Buffer
	code := Run(context.Background(), args, &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

func TestUsageErrorsExitTwoBeforeAnyAWSCall(t *testing.T) {
	// No AWS configuration at all: a usage error must not need one.
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_CONFIG_FILE", os.DevNull)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"status", "shop"}, `"shop" is not an environment: expected <application>/<environment>`},
		{[]string{"status", "shop/Prod"}, `environment "shop/Prod"`},
		{[]string{"history", "shop/prod", "--since", "10s"}, "--since 10s is out of range"},
		{[]string{"metrics", "shop/prod", "--window", "30m"}, "--window 30m0s is out of range"},
		{[]string{"unlock", "shop/prod/api"}, "--reason is required"},
		{[]string{"unlock", "shop/prod", "--reason", "x"}, `"shop/prod" is not a service`},
		{[]string{"report", "shop"}, "--html is required"},
		{[]string{"report", "shop", "--html", "-", "--json"}, "both write to stdout"},
		{[]string{"report", "shop", "--html", "x.html", "--env", "Prod"}, "--env: environment \"shop/Prod\""},
		{[]string{"status"}, "accepts 1 arg(s), received 0"},
		{[]string{"rollback", "shop/prod"}, `unknown command "rollback"`},
		{[]string{"status", "shop/prod", "--bogus"}, "unknown flag: --bogus"},
	} {
		r := run(c.args...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, c.want) || r.stdout != "" {
			t.Errorf("golive %s: want exit 2 naming %q on stderr and nothing on stdout, got %s", strings.Join(c.args, " "), c.want, r)
		}
	}
}

// world is an emulator account with a ledger and a Lambda alias, and the
// environment that makes the command act in it through the SDK chain, as
// role session "alice".
type world struct {
	account string
	cfg     aws.Config
	ledger  *ledger.Ledger
	lambda  *emulator.LambdaFixture
}

func newWorld(t *testing.T) *world {
	srv := emulator.Shared(t)
	ctx := context.Background()
	w := &world{account: emulator.NewAccountID()}
	var err error
	if w.cfg, err = srv.AccountConfig(ctx, w.account); err != nil {
		t.Fatal(err)
	}
	db := dynamodb.NewFromConfig(w.cfg)
	if err := ledger.CreateTable(ctx, db, ledger.DefaultTable); err != nil {
		t.Fatal(err)
	}
	w.ledger = ledger.New(db, ledger.DefaultTable, emulator.Region)
	if w.lambda, err = emulator.NewLambda(ctx, w.cfg, "api"); err != nil {
		t.Fatal(err)
	}
	useProfile(t, srv, emulator.RoleARN(w.account), "alice")
	return w
}

// useProfile points the SDK chain at the emulator with credentials (in the
// environment, as a CI job's) of role assumed with session name session. A
// profile with role_arn would be the usual way, but the SDK's credential
// chain builds its STS client before AWS_ENDPOINT_URL applies, so against
// the emulator the test assumes the role itself.
func useProfile(t *testing.T, srv *emulator.Server, role, session string) {
	out, err := sts.NewFromConfig(srv.BaseConfig()).AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String(role), RoleSessionName: aws.String(session),
	})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": aws.ToString(c.AccessKeyId), "AWS_SECRET_ACCESS_KEY": aws.ToString(c.SecretAccessKey), "AWS_SESSION_TOKEN": aws.ToString(c.SessionToken),
		"AWS_REGION": emulator.Region, "AWS_ENDPOINT_URL": srv.URL, "AWS_PROFILE": "", "AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
		"AWS_EC2_METADATA_DISABLED": "true", "GOLIVE_LEDGER_TABLE": "", "GOLIVE_LEDGER_ROLE_ARN": "", "GOLIVE_LEDGER_REGION": "",
	} {
		t.Setenv(k, v)
	}
}

// seedCanary records shop/prod with api on two slots routed by the
// fixture's alias, declared 0/100 by the split, and sets the alias to
// 80/20 through AWS: a canary under way.
func (w *world) seedCanary(t *testing.T) {
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.ledger.PutEnvironment(ctx, ledger.Environment{Application: "shop", Name: "prod", Tier: "production"}))
	for _, s := range []struct{ slot, version string }{{"blue", "1"}, {"green", "2"}} {
		_, err := w.ledger.SetSlot(ctx, "shop/prod", "api", s.slot, ledger.Slot{Version: s.version, Status: ledger.StatusVerified, Destination: s.version, Function: "api"})
		must(err)
	}
	dests := []ledger.SplitDestination{
		{Name: "blue", Deployment: "shop/prod/api/blue", Target: "1", Weight: 0},
		{Name: "green", Deployment: "shop/prod/api/green", Target: "2", Weight: 100},
	}
	must(w.ledger.PutSplit(ctx, ledger.Split{Environment: "shop/prod", Service: "api", Router: "lambda_alias", FunctionName: w.lambda.Function, Alias: w.lambda.Alias, Destinations: dests}))
	rt := router.NewLambdaAlias(lambda.NewFromConfig(w.cfg), w.lambda.Function, w.lambda.Alias, []rollout.Destination{{Name: "blue", Target: "1"}, {Name: "green", Target: "2"}})
	must(rt.Set(ctx, rollout.Weights{"blue": 80, "green": 20}))
	for _, e := range []ledger.Event{
		{Kind: ledger.KindDeploymentStarted, Version: "2", Outcome: ledger.OutcomeStarted},
		{Kind: ledger.KindDeploymentVerified, Version: "2", Outcome: ledger.OutcomeSucceeded},
		{Kind: ledger.KindCutoverStarted, Outcome: ledger.OutcomeStarted},
		{Kind: ledger.KindTrafficStep, Outcome: ledger.OutcomeReached, Detail: "step 1 of 2: blue=80 green=20"},
	} {
		e.Environment, e.Service, e.Actor = "shop/prod", "api", "arn:aws:sts::"+w.account+":assumed-role/ci/run-42"
		_, err := w.ledger.RecordEvent(ctx, e)
		must(err)
	}
}

func decode[T any](t *testing.T, r result) T {
	t.Helper()
	var v T
	if r.code != ExitOK {
		t.Fatalf("want exit 0, got %s", r)
	}
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatalf("stdout is not one JSON document (%v): %s", err, r)
	}
	return v
}

func TestStatusReadsWeightsFromTheRouterAndTheLockFromTheLedger(t *testing.T) {
	w := newWorld(t)
	w.seedCanary(t)
	if _, err := w.ledger.AcquireLock(context.Background(), ledger.LockRequest{Environment: "shop/prod", Service: "api",
		Holder: "arn:ci/run-42", Operation: "traffic shift to blue=0 green=100", Lease: time.Minute}); err != nil {
		t.Fatal(err)
	}
	st := decode[Status](t, run("status", "shop/prod", "--json"))
	api := st.Services[0]
	if api.Router == nil || api.Router.Weights["green"] != 20 || api.Router.Declared["green"] != 100 || api.Router.Object != "Lambda alias api:live" {
		t.Fatalf("api's weights must be the alias's now (80/20), not the record's (0/100): %+v", api.Router)
	}
	if api.Lock == nil || api.Lock.Holder != "arn:ci/run-42" || !api.Lock.Live || *api.Slots[1].Traffic != 20 {
		t.Fatalf("api: %+v", api)
	}
	text := run("status", "shop/prod")
	for _, want := range []string{"green   2        verified  20%", "Lambda alias api:live  blue=80 green=20   (declared by the last apply: blue=0 green=100)",
		"shop/prod/api held by arn:ci/run-42"} {
		if !strings.Contains(text.stdout, want) {
			t.Errorf("status lacks %q: %s", want, text)
		}
	}
	if r := run("status", "shop/nope"); r.code != ExitError || !strings.Contains(r.stderr, "environment shop/nope: not found in the ledger") {
		t.Errorf("an unknown environment: %s", r)
	}
}

// unlocked is Unlocked as JSON.
type unlocked struct {
	Target       string `json:"target"`
	Holder       string `json:"holder"`
	LeaseExpired bool   `json:"lease_expired"`
	Forced       bool   `json:"forced"`
	Actor        string `json:"actor"`
	Reason       string `json:"reason"`
	EventID      string `json:"event_id"`
}

func TestUnlockRefusesALiveHolderAndRecordsWhoReleasedIt(t *testing.T) {
	w := newWorld(t)
	w.seedCanary(t)
	ctx := context.Background()
	if _, err := w.ledger.AcquireLock(ctx, ledger.LockRequest{Environment: "shop/prod", Service: "api", Holder: "arn:ci/run-42", Operation: "op", Lease: time.Minute}); err != nil {
		t.Fatal(err)
	}
	refused := run("unlock", "shop/prod/api", "--reason", "INC-7 runner lost")
	if refused.code != ExitError || refused.stdout != "" || !strings.Contains(refused.stderr, "not releasing the lock of shop/prod/api: arn:ci/run-42 holds it") ||
		!strings.Contains(refused.stderr, "--force") {
		t.Fatalf("a live holder must be refused: %s", refused)
	}
	if _, err := w.ledger.ReadLock(ctx, "shop/prod", "api"); err != nil {
		t.Fatalf("the refusal released the lock: %v", err)
	}

	u := decode[unlocked](t, run("unlock", "shop/prod/api", "--reason", "INC-7 runner lost", "--force", "--json"))
	actor := "arn:aws:sts::" + w.account + ":assumed-role/" + emulator.RoleName + "/alice"
	if !u.Forced || u.LeaseExpired || u.Actor != actor || u.Holder != "arn:ci/run-42" || u.Target != "shop/prod/api" {
		t.Fatalf("forced unlock: %+v", u)
	}
	if _, err := w.ledger.ReadLock(ctx, "shop/prod", "api"); err == nil {
		t.Fatal("the lock is still held after a forced unlock")
	}
	ev, _, err := w.ledger.Events(ctx, ledger.EventQuery{Environment: "shop/prod", Service: "api", Limit: 1})
	if err != nil || len(ev) != 1 || ev[0].ID != u.EventID || ev[0].Kind != ledger.KindLockBroken || ev[0].Outcome != ledger.OutcomeForced ||
		ev[0].Actor != actor || ev[0].Reason != "INC-7 runner lost" {
		t.Fatalf("the ledger's record of the unlock: %+v, %v", ev, err)
	}

	// A holder whose lease ran out needs no --force.
	if _, err := w.ledger.AcquireLock(ctx, ledger.LockRequest{Environment: "shop/prod", Service: "api", Holder: "arn:ci/run-43", Operation: "op", Lease: 50 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	expired := decode[unlocked](t, run("unlock", "shop/prod/api", "--reason", "lease ran out", "--json"))
	if !expired.LeaseExpired || expired.Forced || expired.Holder != "arn:ci/run-43" {
		t.Fatalf("expired unlock: %+v", expired)
	}
	if r := run("unlock", "shop/prod/api", "--reason", "again"); r.code != ExitError || !strings.Contains(r.stderr, "no lock is held on shop/prod/api") {
		t.Fatalf("unlocking a free service: %s", r)
	}
}

func TestHistoryMetricsAndReportReadTheLedger(t *testing.T) {
	w := newWorld(t)
	w.seedCanary(t)
	h := decode[History](t, run("history", "shop/prod", "--json", "--service", "api", "--since", "1h"))
	if len(h.Events) != 4 || h.Events[0].Kind != ledger.KindTrafficStep || h.Events[3].Kind != ledger.KindDeploymentStarted || h.Since == nil {
		t.Fatalf("history: %+v", h)
	}
	if limited := decode[History](t, run("history", "shop/prod", "--json", "--limit", "3")); len(limited.Events) != 3 || !limited.More {
		t.Fatalf("--limit 3: %+v", limited)
	}
	m := decode[Metrics](t, run("metrics", "shop/prod", "--json", "--window", "24h"))
	if m.Deployments != 1 || m.Changes != 2 || m.Failures != 0 || m.ChangeFailureRate == nil || *m.ChangeFailureRate != 0 || m.DeploymentFrequency != 1 {
		t.Fatalf("metrics: %+v", m)
	}
	r := run("report", "shop", "--html", "-")
	if r.code != ExitOK || !strings.Contains(r.stdout, `id="chart-frequency"`) || !strings.Contains(r.stderr, "reading the history of shop/prod") {
		t.Fatalf("report: %s", r)
	}
	out := filepath.Join(t.TempDir(), "report.html")
	sum := decode[ReportSummary](t, run("report", "shop", "--html", out, "--json"))
	if sum.HTML != out || len(sum.Releases) != 1 || len(sum.Environments) != 1 || sum.Environments[0].Deployments != 1 {
		t.Fatalf("report summary: %+v", sum)
	}
	if b, err := os.ReadFile(out); err != nil || !strings.Contains(string(b), "chart-failure-rate") {
		t.Fatalf("the report file: %v", err)
	}
	if r := run("report", "nothing", "--html", "-"); r.code != ExitError || !strings.Contains(r.stderr, "no environments of application nothing") {
		t.Fatalf("an unknown application: %s", r)
	}
}

// The ledger in account A, the workload (the profile) in account B: the
// command reaches the ledger through --ledger-role-arn, and records the
// workload identity.
func TestTheLedgerInAnotherAccount(t *testing.T) {
	srv := emulator.Shared(t)
	w := newWorld(t)
	w.seedCanary(t)
	workload := emulator.NewAccountID()
	useProfile(t, srv, emulator.RoleARN(workload), "bob")
	r := run("history", "shop/prod")
	if r.code != ExitError || !strings.Contains(r.stderr, `the golive ledger table "golive-ledger" does not exist in us-east-1`) {
		t.Fatalf("without the ledger role, the workload account has no ledger: %s", r)
	}
	h := decode[History](t, run("history", "shop/prod", "--json", "--ledger-role-arn", emulator.RoleARN(w.account)))
	if len(h.Events) != 4 {
		t.Fatalf("history through the ledger role: %+v", h)
	}
	if _, err := w.ledger.AcquireLock(context.Background(), ledger.LockRequest{Environment: "shop/prod", Service: "api", Holder: "arn:ci", Operation: "op", Lease: time.Minute}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOLIVE_LEDGER_ROLE_ARN", emulator.RoleARN(w.account))
	u := decode[unlocked](t, run("unlock", "shop/prod/api", "--reason", "x", "--force", "--json"))
	if want := "arn:aws:sts::" + workload + ":assumed-role/" + emulator.RoleName + "/bob"; u.Actor != want {
		t.Fatalf("the actor must be the workload identity %s, got %s", want, u.Actor)
	}
}

func TestWithoutARegionTheErrorSaysWhereToGiveIt(t *testing.T) {
	for k, v := range map[string]string{"AWS_REGION": "", "AWS_DEFAULT_REGION": "", "AWS_PROFILE": "", "AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull} {
		t.Setenv(k, v)
	}
	r := run("status", "shop/prod")
	if r.code != ExitError || !strings.Contains(r.stderr, "--region or AWS_REGION") {
		t.Fatalf("no region: %s", r)
	}
}
