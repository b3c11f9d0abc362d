// Command demo runs examples/complete against the AWS emulator, start to
// finish and without prompts: `make demo` calls it after `make install`.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "\ndemo failed:", err)
		os.Exit(1)
	}
}

type demo struct {
	dir    string
	env    []string
	server *emulator.Server
	// lastOutput is what the latest terraform command printed.
	lastOutput *strings.Builder
}

func run() error {
	if os.Getenv("TF_CLI_CONFIG_FILE") == "" {
		return fmt.Errorf("TF_CLI_CONFIG_FILE is not set: run the demo with `make demo`")
	}
	step("Starting the AWS emulator (moto)")
	server, err := emulator.Start(emulator.Options{ECSServiceRunning: 1})
	if err != nil {
		return err
	}
	defer server.Stop()
	stopOnSignal(server)
	fmt.Println("  emulator at", server.URL)

	d, err := newDemo(server)
	if err != nil {
		return err
	}
	defer os.RemoveAll(filepath.Dir(filepath.Dir(d.dir)))
	if err := d.firstRelease(); err != nil {
		return err
	}

	step("What golive wrote to SSM Parameter Store (read back with the AWS SDK)")
	if err := d.showParameters(); err != nil {
		return err
	}

	step("How production's api gets that configuration (read back with the AWS SDK)")
	if err := d.showTaskConfiguration("shop-prod", "api-blue"); err != nil {
		return err
	}

	step("Production refuses 2.0.0 at plan time: staging has not verified it")
	if err := d.terraform("plan", "-input=false", "-var", releases("1.0.0", "1.0.0", "2.0.0")); err == nil {
		return fmt.Errorf("the promotion gate was expected to refuse 2.0.0 in production")
	}
	if err := refusedByPromotionGate(d.lastOutput.String(), "api", "2.0.0", "shop/prod", "shop/staging"); err != nil {
		return fmt.Errorf("production was expected to refuse 2.0.0 at its promotion gate: %w", err)
	}
	fmt.Println("\n  ✔ refused at plan time by the promotion gate (version not verified upstream), as intended; nothing was changed")

	step("2.0.0 goes to dev, then staging (each to its idle green slot), then to production by canary: 10%, 50%, 100%")
	for _, r := range []string{releases("2.0.0", "1.0.0", "1.0.0"), releases("2.0.0", "2.0.0", "1.0.0"), releases("2.0.0", "2.0.0", "2.0.0")} {
		if err := d.apply(r); err != nil {
			return err
		}
	}

	step("3.0.0 passes dev and staging; in production it goes to blue, and while its canary bakes the demo sets blue's own 5xx alarm to ALARM")
	for _, r := range []string{releases("3.0.0", "2.0.0", "2.0.0"), releases("3.0.0", "3.0.0", "2.0.0")} {
		if err := d.apply(r); err != nil {
			return err
		}
	}
	fire := d.fireAlarmDuringCanary("shop-prod", "shop-prod-api-blue-5xx", 3*time.Minute)
	err = d.apply(releases("3.0.0", "3.0.0", "3.0.0"))
	<-fire
	if err == nil || !strings.Contains(d.lastOutput.String(), "traffic rolled back to") {
		return fmt.Errorf("the bad canary was expected to be rolled back")
	}
	fmt.Println("\n  ✔ the canary rolled back by itself; production still serves 2.0.0")

	step("Live weights of production's api rule, read with the AWS SDK")
	if err := d.showWeights("shop-prod"); err != nil {
		return err
	}
	step("The ledger's history of shop/prod")
	return d.showHistory("shop/prod")
}

// firstRelease imports production's certificate, creates the ledger table
// and releases 1.0.0 into every environment.
func (d *demo) firstRelease() error {
	certificate, err := d.importCertificate("shop.example.com")
	if err != nil {
		return err
	}
	fmt.Println("  production's HTTPS certificate (self-signed, imported into ACM):", certificate)
	d.env = append(d.env, "TF_VAR_certificate_arn="+certificate)

	step("Bootstrap, once per account: the ledger table (modules/ledger, hashicorp/aws)")
	if err := d.terraformIn("bootstrap", "init", "-input=false"); err != nil {
		return err
	}
	if err := d.terraformIn("bootstrap", "apply", "-auto-approve", "-input=false"); err != nil {
		return err
	}

	step("Release 1.0.0 everywhere: three environments (network, HTTPS load balancer, ECS cluster, configuration) and the api service in blue/green slots, each slot with its own alarms")
	if err := d.terraform("init", "-input=false"); err != nil {
		return err
	}
	if err := d.apply(releases("1.0.0", "1.0.0", "1.0.0")); err != nil {
		return err
	}
	return nil
}

func releases(dev, staging, prod string) string {
	return fmt.Sprintf(`releases={dev=%q,staging=%q,prod=%q}`, dev, staging, prod)
}

func (d *demo) apply(releaseVar string) error {
	return d.terraform("apply", "-auto-approve", "-input=false", "-var", releaseVar)
}

func newDemo(server *emulator.Server) (*demo, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	// Work on a copy so no state lands in the repository; keep the layout so
	// the example's ../../modules paths resolve.
	scratch, err := os.MkdirTemp("", "golive-demo-")
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(scratch, "examples", "complete")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(root, "examples", "complete"))); err != nil {
		return nil, err
	}
	if err := os.Symlink(filepath.Join(root, "modules"), filepath.Join(scratch, "modules")); err != nil {
		return nil, err
	}
	for _, sub := range []string{".", "bootstrap"} {
		for _, junk := range []string{".terraform", ".terraform.lock.hcl", "terraform.tfstate", "terraform.tfstate.backup"} {
			os.RemoveAll(filepath.Join(dir, sub, junk))
		}
	}
	env := append(os.Environ(),
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION="+emulator.Region,
		"AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull,
		"TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_VAR_aws_endpoint="+server.URL,
		"TF_VAR_prod_deletion_protection=false", "TF_VAR_bake=8s", "TF_VAR_db_password=demo-only-password")
	return &demo{dir: dir, env: env, server: server}, nil
}

func (d *demo) terraform(args ...string) error { return d.terraformIn(".", args...) }

func (d *demo) terraformIn(sub string, args ...string) error {
	fmt.Printf("\n$ terraform -chdir=%s %s\n", sub, strings.Join(args, " "))
	cmd := exec.Command("terraform", append([]string{args[0], "-no-color"}, args[1:]...)...)
	cmd.Dir = filepath.Join(d.dir, sub)
	cmd.Env = d.env
	d.lastOutput = &strings.Builder{}
	out := io.MultiWriter(indent{os.Stdout}, d.lastOutput)
	cmd.Stdout = out
	cmd.Stderr = out
	return cmd.Run()
}

func (d *demo) showParameters() error {
	cfg := d.server.BaseConfig()
	p := ssm.NewGetParametersByPathPaginator(ssm.NewFromConfig(cfg), &ssm.GetParametersByPathInput{
		Path: aws.String("/golive/"), Recursive: aws.Bool(true),
	})
	var lines []string
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			return err
		}
		for _, prm := range page.Parameters {
			value := aws.ToString(prm.Value)
			if prm.Type == ssmtypes.ParameterTypeSecureString {
				value = "(encrypted)"
			}
			lines = append(lines, fmt.Sprintf("  %-45s %-12s %s", aws.ToString(prm.Name), prm.Type, value))
		}
	}
	sort.Strings(lines)
	fmt.Println(strings.Join(lines, "\n"))
	return nil
}

func (d *demo) showHistory(env string) error {
	l := ledger.New(dynamodb.NewFromConfig(d.server.BaseConfig()), ledger.DefaultTable, emulator.Region)
	events, _, err := l.Events(context.Background(), ledger.EventQuery{Environment: env, Limit: 20})
	if err != nil {
		return err
	}
	fmt.Printf("  %-20s  %-20s  %-10s  %-36s  %s\n", "when (UTC)", "kind", "outcome", "actor", "detail")
	for _, e := range events {
		detail := e.Detail
		if e.Reason != "" {
			detail += " (reason: " + e.Reason + ")"
		}
		fmt.Printf("  %-20s  %-20s  %-10s  %-36s  %s\n", e.At.UTC().Format(time.RFC3339), e.Kind, e.Outcome, e.Actor, detail)
	}
	return nil
}

func step(title string) { fmt.Printf("\n━━ %s\n", title) }

type indent struct{ w *os.File }

func (i indent) Write(p []byte) (int, error) {
	s := strings.ReplaceAll(string(p), "\n", "\n  ")
	_, err := i.w.WriteString(s)
	return len(p), err
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "examples", "complete")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("run the demo from the repository (make demo)")
		}
		dir = parent
	}
}

// stopOnSignal stops the emulator when the demo is interrupted, so no
// moto_server is left behind.
func stopOnSignal(s *emulator.Server) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ch
		s.Stop()
		os.Exit(130)
	}()
}
