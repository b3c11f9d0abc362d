package test

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/gruntwork-io/terratest/modules/terraform"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// TestLambdaServiceExample applies examples/lambda-service as a user would
// and releases three versions of its function through modules/lambda-service:
// 1.0.0 creates the alias on its version, the same version again changes
// nothing, 2.0.0 goes live by canary, and a bad 3.0.0 whose own error-rate
// alarm fires mid-canary is rolled back by itself. Along the way: the
// environment's variables reach the function, its secret only by parameter
// name with a role allowed exactly that parameter, and each slot's alarm
// watches its own version (ExecutedVersion).
func TestLambdaServiceExample(t *testing.T) {
	t.Parallel()
	const env, function, alias = "shop/prod", "shop-prod-api", "live"
	s := newStack(t, "examples/lambda-service")
	s.CreateLedger()
	pkg := filepath.Join(s.Dir, "api.zip")
	lc := lambda.NewFromConfig(s.AWS)
	ctx := context.Background()
	s.with(map[string]any{"aws_endpoint": s.Server.URL, "deletion_protection": false, "db_password": "correct horse", "bake": "2s", "poll_interval": "1s"})

	// Runs after the destroy below (cleanups run last registered first):
	// the split deleted the alias it had created, and the function is gone.
	t.Cleanup(func() {
		if t.Failed() {
			return
		}
		if _, err := lc.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(function)}); !isNotFound(err) {
			t.Errorf("after destroy, GetFunction %s = %v; want ResourceNotFoundException", function, err)
		}
		want := fmt.Sprintf("deleted Lambda alias %s:%s, which the split had created", function, alias)
		if e := findEvent(s.Events(env, 100), ledger.KindSplitDeleted); e == nil || e.Detail != want {
			t.Errorf("after destroy, the ledger's traffic_split_deleted event = %+v, want detail %q", e, want)
		}
	})
	t.Cleanup(s.Destroy)

	// 1.0.0: nothing is live, so the split creates the alias on the first
	// published version at once.
	writePackage(t, pkg, "1.0.0")
	s.Apply(map[string]any{"release": "1.0.0", "package": pkg})
	wantAlias(t, lc, function, alias, "1", nil)
	if got := s.Output("live_slot"); got != "blue" {
		t.Errorf("live_slot = %q, want blue", got)
	}
	wantFunctionConfiguration(t, s, lc, function, "1")
	wantVersionAlarm(t, s, "shop-prod-api-blue-errors", "1")

	// The same version again: nothing to do.
	if code := s.PlanExitCode(nil); code != 0 {
		t.Errorf("re-applying the live version plans changes (exit code %d)", code)
	}

	// 2.0.0 by canary: the plan shows the cutover, judged by green's own
	// alarm; the alias ends on the new version, the ledger has every step.
	writePackage(t, pkg, "2.0.0")
	plan := terraform.InitAndPlan(t, s.with(map[string]any{"release": "2.0.0"}))
	if want := `-> "green 0 → 100: 10% for 2s, 50% for 2s, then 100%; roll back if alarm shop-prod-api-green-errors fires"`; !strings.Contains(plan, want) {
		t.Errorf("the plan of 2.0.0 does not show %s:\n%s", want, plan)
	}
	s.Apply(nil)
	wantAlias(t, lc, function, alias, "2", nil)
	wantSteps(t, s.Events(env, 100), "blue=90 green=10", "blue=50 green=50", "blue=0 green=100")
	wantVersionAlarm(t, s, "shop-prod-api-green-errors", "2")

	// 3.0.0 is bad: blue's alarm, on 3.0.0's own invocations, fires while
	// the 10% step bakes.
	writePackage(t, pkg, "3.0.0")
	fired := emulator.FireAlarmWhen(s.AWS, "shop-prod-api-blue-errors", "errors above threshold", 5*time.Minute, func(ctx context.Context) bool {
		_, add, err := emulator.AliasRouting(ctx, s.AWS, function, alias)
		return err == nil && len(add) > 0
	})
	_, err := s.ApplyE(map[string]any{"release": "3.0.0"})
	if ferr := <-fired; ferr != nil {
		t.Fatal(ferr)
	}
	// Terraform wraps the message: compare with single spaces.
	if want := `at step 1 of 3: alarm "shop-prod-api-blue-errors" is ALARM: errors above threshold; traffic rolled back to blue=0 green=100`; err == nil || !strings.Contains(strings.Join(strings.Fields(err.Error()), " "), want) {
		t.Fatalf("apply of 3.0.0 = %v; want it to fail with %q", err, want)
	}
	// Back on 2.0.0, in the alias and in the ledger.
	wantAlias(t, lc, function, alias, "2", nil)
	rb := findEvent(s.Events(env, 100), ledger.KindRolledBack)
	if rb == nil || rb.Outcome != "rolled_back" || rb.Detail != "at step 1 of 3, back to blue=0 green=100" || !strings.Contains(rb.Reason, "shop-prod-api-blue-errors") {
		t.Errorf("rollback event = %+v; want rolled_back at step 1 of 3 back to blue=0 green=100, naming the alarm", rb)
	}
	rel, err := s.Ledger().GetRelease(ctx, env, "api")
	if err != nil {
		t.Fatal(err)
	}
	if rel.LiveSlot != "green" || rel.Slots["green"].Version != "2.0.0" || rel.Slots["green"].Destination != "2" {
		t.Errorf("release record after the rollback: live %s, green %+v; want green live on 2.0.0 (Lambda version 2)", rel.LiveSlot, rel.Slots["green"])
	}
}

// wantFunctionConfiguration checks, through the Lambda and IAM APIs, that
// the published version has the environment's variables by value and its
// secret only by parameter name, and that the function's role may read
// exactly that parameter.
func wantFunctionConfiguration(t *testing.T, s *stack, lc *lambda.Client, function, version string) {
	t.Helper()
	cfg, err := lc.GetFunctionConfiguration(context.Background(), &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(function), Qualifier: aws.String(version)})
	if err != nil {
		t.Fatalf("reading %s:%s: %v", function, version, err)
	}
	got := cfg.Environment.Variables
	want := map[string]string{"LOG_LEVEL": "info", "STATIC_PATH": "/static", "DB_PASSWORD_PARAMETER": "/golive/shop/prod/secrets/DB_PASSWORD"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s:%s environment %s = %q, want %q", function, version, k, got[k], v)
		}
	}
	for k, v := range got {
		if v == "correct horse" {
			t.Errorf("%s:%s has the secret's value in its environment (%s)", function, version, k)
		}
	}
	out, err := iam.NewFromConfig(s.AWS).GetRolePolicy(context.Background(), &iam.GetRolePolicyInput{RoleName: aws.String(s.Output("role_name")), PolicyName: aws.String("golive-" + function + "-secrets")})
	if err != nil {
		t.Fatalf("reading the secrets policy of %s: %v", s.Output("role_name"), err)
	}
	var doc struct {
		Statement []struct{ Action, Resource any }
	}
	if err := json.Unmarshal([]byte(policyJSON(aws.ToString(out.PolicyDocument))), &doc); err != nil {
		t.Fatal(err)
	}
	param := "arn:aws:ssm:" + emulator.Region + ":" + s.Account + ":parameter/golive/shop/prod/secrets/DB_PASSWORD"
	if len(doc.Statement) != 1 || !slices.Equal(strs(doc.Statement[0].Resource), []string{param}) {
		t.Errorf("the function's role may read %+v, want exactly %s", doc.Statement, param)
	}
}

// wantVersionAlarm checks that the alarm's metrics are those of one Lambda
// version's invocations through the alias.
func wantVersionAlarm(t *testing.T, s *stack, alarm, version string) {
	t.Helper()
	out, err := emulator.CloudWatch(s.AWS).DescribeAlarms(context.Background(), &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{alarm}})
	if err != nil || len(out.MetricAlarms) != 1 {
		t.Fatalf("alarm %s: %v", alarm, err)
	}
	want := map[string]string{"FunctionName": "shop-prod-api", "Resource": "shop-prod-api:live", "ExecutedVersion": version}
	n := 0
	for _, q := range out.MetricAlarms[0].Metrics {
		if q.MetricStat == nil {
			continue
		}
		n++
		if got := dimensions(q.MetricStat.Metric.Dimensions); !maps.Equal(got, want) {
			t.Errorf("alarm %s metric %s: dimensions %v, want %v", alarm, aws.ToString(q.MetricStat.Metric.MetricName), got, want)
		}
	}
	if n != 2 {
		t.Errorf("alarm %s has %d metrics, want Errors and Invocations", alarm, n)
	}
}

// writePackage writes a deployment package whose handler answers version,
// so every release's code differs.
func writePackage(t *testing.T, path, version string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	w, err := zw.Create("index.py")
	if err == nil {
		_, err = fmt.Fprintf(w, "def handler(event, context):\n    return {'version': %q}\n", version)
	}
	if err == nil {
		err = zw.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("writing %s: %v", path, err)
	}
}

// wantAlias checks, through the Lambda API, the alias's primary version and
// additional version weights (nil: none).
func wantAlias(t *testing.T, lc *lambda.Client, function, alias, primary string, additional map[string]float64) {
	t.Helper()
	out, err := lc.GetAlias(context.Background(), &lambda.GetAliasInput{FunctionName: aws.String(function), Name: aws.String(alias)})
	if err != nil {
		t.Fatalf("reading alias %s:%s: %v", function, alias, err)
	}
	var add map[string]float64
	if out.RoutingConfig != nil && len(out.RoutingConfig.AdditionalVersionWeights) > 0 {
		add = out.RoutingConfig.AdditionalVersionWeights
	}
	if got := aws.ToString(out.FunctionVersion); got != primary || fmt.Sprint(add) != fmt.Sprint(additional) {
		t.Errorf("alias %s:%s routes to version %s + %v, want %s + %v", function, alias, got, add, primary, additional)
	}
}

// wantSteps checks that the newest cutover in events (newest first) started,
// reached exactly the steps given, in order, and completed.
func wantSteps(t *testing.T, events []ledger.Event, steps ...string) {
	t.Helper()
	var got []string
	for _, e := range events {
		if e.Service != "api" {
			continue
		}
		got = append(got, e.Kind+" "+e.Detail)
		if e.Kind == ledger.KindCutoverStarted {
			break
		}
	}
	want := []string{ledger.KindCutoverCompleted + " " + steps[len(steps)-1]}
	for i := len(steps) - 1; i >= 0; i-- {
		want = append(want, fmt.Sprintf("%s step %d of %d: %s", ledger.KindTrafficStep, i+1, len(steps), steps[i]))
	}
	if len(got) != len(want)+1 || strings.Join(got[:len(want)], "\n") != strings.Join(want, "\n") || !strings.HasPrefix(got[len(want)], ledger.KindCutoverStarted+" ") {
		t.Errorf("newest cutover in the ledger, newest first:\n%s\nwant:\n%s\n%s ...", strings.Join(got, "\n"), strings.Join(want, "\n"), ledger.KindCutoverStarted)
	}
}

// findEvent is the newest event of kind, or nil.
func findEvent(events []ledger.Event, kind string) *ledger.Event {
	for i := range events {
		if events[i].Kind == kind {
			return &events[i]
		}
	}
	return nil
}

func isNotFound(err error) bool {
	var nf *lambdatypes.ResourceNotFoundException
	return errors.As(err, &nf)
}
