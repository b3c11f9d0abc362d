package test

// Support for the golive command's tests: the command built from
// cmd/golive and run as a subprocess configured by the SDK chain, the
// oncall fixture's Lambda function and alarm, and headless Chromium.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
)

const oncallFixture = "test/fixtures/oncall"

// oncallStack is the oncall fixture in a fresh account, golive alone
// (acting as role session pipeline, the actor the ledger records), with
// its ledger table.
func oncallStack(t *testing.T) *stack {
	t.Helper()
	account := emulator.NewAccountID()
	s := newStackIn(t, oncallFixture, account)
	s.Opts.EnvVars["TF_CLI_CONFIG_FILE"] = snapshotCLIConfig(t)
	if err := os.Remove(filepath.Join(s.Dir, "zz_test_providers.tf")); err != nil {
		t.Fatalf("the harness wrote no provider blocks for %s (has stack_test.go changed?): %v", oncallFixture, err)
	}
	s.write("zz_test_providers.tf", emulator.GoliveProviderHCL(s.Server.URL, account, "pipeline"))
	s.CreateLedger()
	return s
}

// release is a value of the fixture's dev variable or of a prod slot.
func release(version, lambdaVersion string) map[string]any {
	return map[string]any{"version": version, "lambda_version": lambdaVersion}
}

// newReleasedFunction makes the function the fixture releases, with
// versions 1 to 3 published and the alias live on version 1, and the alarm
// the fixture's gates watch (OK).
func newReleasedFunction(t *testing.T, s *stack, name, alarm string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := emulator.NewLambda(ctx, s.AWS, name); err != nil {
		t.Fatal(err)
	}
	l := lambda.NewFromConfig(s.AWS)
	if _, err := l.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String(name), Description: aws.String("v3")}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	_, err := emulator.CloudWatch(s.AWS).PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String(alarm), Namespace: aws.String("AWS/Lambda"), MetricName: aws.String("Errors"),
		Dimensions: []cwtypes.Dimension{{Name: aws.String("FunctionName"), Value: aws.String(name)}},
		Statistic:  cwtypes.StatisticSum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanOrEqualToThreshold,
	})
	if err != nil {
		t.Fatal(err)
	}
}

// setAlarm puts alarm in state (moto never evaluates alarms).
func setAlarm(t *testing.T, s *stack, alarm string, state cwtypes.StateValue) {
	t.Helper()
	if err := setAlarmE(s, alarm, state); err != nil {
		t.Fatal(err)
	}
}

func setAlarmE(s *stack, alarm string, state cwtypes.StateValue) error {
	_, err := emulator.CloudWatch(s.AWS).SetAlarmState(context.Background(), &cloudwatch.SetAlarmStateInput{
		AlarmName: aws.String(alarm), StateValue: state, StateReason: aws.String("set by the test"),
	})
	if err != nil {
		return fmt.Errorf("setting alarm %s to %s: %w", alarm, state, err)
	}
	return nil
}

// aliasWeights are the alias's weights through the SDK, by Lambda version.
func aliasWeights(t *testing.T, s *stack, function string) map[string]int {
	t.Helper()
	w, err := aliasWeightsOf(s, function)
	if err != nil {
		t.Fatalf("reading alias %s:live: %v", function, err)
	}
	return w
}

// aliasWeightsE is aliasWeights for a goroutine: nil when unreadable.
func aliasWeightsE(s *stack, function string) map[string]int {
	w, _ := aliasWeightsOf(s, function)
	return w
}

func aliasWeightsOf(s *stack, function string) (map[string]int, error) {
	primary, extra, err := emulator.AliasRouting(context.Background(), s.AWS, function, "live")
	if err != nil {
		return nil, err
	}
	w := map[string]int{primary: 100}
	for v, share := range extra {
		pct := int(share*100 + 0.5)
		w[v], w[primary] = pct, w[primary]-pct
	}
	return w, nil
}

var (
	cliOnce sync.Once
	cliPath string
	cliErr  error
)

// goliveBinary builds cmd/golive once per test binary.
func goliveBinary(t *testing.T) string {
	t.Helper()
	cliOnce.Do(func() {
		dir, err := os.MkdirTemp("", "golive-cli-") //nolint:usetesting // shared by every test of the binary; t.TempDir would go with the first
		if err != nil {
			cliErr = err
			return
		}
		cliPath = filepath.Join(dir, "golive")
		cmd := exec.Command("go", "build", "-o", cliPath, "./cmd/golive")
		cmd.Dir = repoRoot(t)
		if out, err := cmd.CombinedOutput(); err != nil {
			cliErr = fmt.Errorf("building cmd/golive: %v\n%s", err, out)
		}
	})
	if cliErr != nil {
		t.Fatal(cliErr)
	}
	return cliPath
}

// goliveCLI runs the golive command as an operator of the stack's account:
// the role assumed with session name "oncall", handed over in the
// environment (the SDK chain), and AWS_ENDPOINT_URL at the emulator.
type goliveCLI struct {
	t     *testing.T
	bin   string
	env   []string
	Actor string // the STS caller ARN the command acts as
}

func newGoliveCLI(t *testing.T, s *stack) *goliveCLI {
	t.Helper()
	out, err := sts.NewFromConfig(s.Server.BaseConfig()).AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String(emulator.RoleARN(s.Account)), RoleSessionName: aws.String("oncall"),
	})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(),
		"AWS_ACCESS_KEY_ID=" + aws.ToString(c.AccessKeyId), "AWS_SECRET_ACCESS_KEY=" + aws.ToString(c.SecretAccessKey),
		"AWS_SESSION_TOKEN=" + aws.ToString(c.SessionToken), "AWS_REGION=" + emulator.Region, "AWS_ENDPOINT_URL=" + s.Server.URL,
		"AWS_CONFIG_FILE=" + os.DevNull, "AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull, "AWS_EC2_METADATA_DISABLED=true",
	}
	return &goliveCLI{t: t, bin: goliveBinary(t), env: env, Actor: aws.ToString(out.AssumedRoleUser.Arn)}
}

// cliRun is one run of the command.
type cliRun struct {
	Args           []string
	Code           int
	Stdout, Stderr string
}

func (r cliRun) String() string {
	return fmt.Sprintf("golive %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(r.Args, " "), r.Code, r.Stdout, r.Stderr)
}

// Run runs golive args.
func (c *goliveCLI) Run(args ...string) cliRun {
	c.t.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Env = c.env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	r := cliRun{Args: args, Stdout: out.String(), Stderr: errOut.String()}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.Code = ee.ExitCode()
	} else if err != nil {
		c.t.Fatalf("running golive: %v", err)
	}
	return r
}

// JSON runs golive args --json, which must succeed, and decodes stdout
// into v: the whole of stdout must be one JSON document.
func (c *goliveCLI) JSON(v any, args ...string) cliRun {
	c.t.Helper()
	r := c.Run(append(args, "--json")...)
	if r.Code != 0 {
		c.t.Fatalf("want exit 0, got %s", r)
	}
	dec := json.NewDecoder(strings.NewReader(r.Stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		c.t.Fatalf("stdout is not the expected JSON (%v): %s", err, r)
	}
	if dec.More() {
		c.t.Fatalf("stdout holds more than one JSON document: %s", r)
	}
	return r
}

// chromium is headless Chromium as the report test runs it: no network,
// no first-run work, a fresh profile.
func chromium(t *testing.T, args ...string) []byte {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed: `make terratest` installs it (apt-get install chromium)")
	}
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir=" + t.TempDir()}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.Bytes()
}

// paint summarises a screenshot: how much of it differs from its
// background, and how many pixels are near each of some colours.
type paint struct {
	Width, Height int
	NonBackground float64 // share of pixels unlike the commonest colour
	Near          map[string]int
}

func readPaint(t *testing.T, path string, colours map[string][3]uint8) paint {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decoding the screenshot %s: %v", path, err)
	}
	return measurePaint(img, colours)
}

func measurePaint(img image.Image, colours map[string][3]uint8) paint {
	b := img.Bounds()
	p := paint{Width: b.Dx(), Height: b.Dy(), Near: map[string]int{}}
	counts := map[[3]uint8]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			c := [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8)}
			counts[c]++
			for name, want := range colours {
				if near(c, want) {
					p.Near[name]++
				}
			}
		}
	}
	top := 0
	for _, n := range counts {
		top = max(top, n)
	}
	if total := b.Dx() * b.Dy(); total > 0 {
		p.NonBackground = float64(total-top) / float64(total)
	}
	return p
}

func near(a, b [3]uint8) bool {
	d := func(x, y uint8) int {
		if x > y {
			return int(x - y)
		}
		return int(y - x)
	}
	return d(a[0], b[0])+d(a[1], b[1])+d(a[2], b[2]) < 40
}
