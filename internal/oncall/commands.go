package oncall

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/golive-dev/terraform-provider-golive/internal/policy"
)

// Exit codes.
const (
	ExitOK    = 0
	ExitError = 1 // the command failed; the message names the object
	ExitUsage = 2 // bad arguments or flags
)

// Version is the command's version, set by main from the release build.
var Version = "dev"

// cli is the state shared by the commands of one run.
type cli struct {
	cfg     Config
	json    bool
	timeout time.Duration
	stdout  io.Writer
	stderr  io.Writer
	open    func(context.Context, Config) (*Session, error)
}

// runError marks a failure of a command's work (exit 1); any other error
// comes from parsing arguments and flags (exit 2).
type runError struct{ err error }

func (e runError) Error() string { return e.err.Error() }
func (e runError) Unwrap() error { return e.err }

// Run runs the golive command with args (without the program name) and
// returns its exit code. Results go to stdout; errors, warnings and
// progress to stderr, so `--json` output can be piped as it is.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := &cli{stdout: stdout, stderr: stderr, open: Open}
	root := c.root()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	fmt.Fprintf(stderr, "golive: %v\n", err)
	var re runError
	if errors.As(err, &re) {
		return ExitError
	}
	fmt.Fprintf(stderr, "Run 'golive --help' for usage.\n")
	return ExitUsage
}

func (c *cli) root() *cobra.Command {
	root := &cobra.Command{
		Use:   "golive",
		Short: "What is live, what changed and who holds the lock, from the golive ledger and AWS",
		Long: "golive reads the golive ledger (the DynamoDB table the Terraform provider writes) and the routers it manages.\n\n" +
			"AWS credentials and region come from the usual AWS SDK chain (AWS_PROFILE, AWS_REGION, environment credentials, SSO, instance roles); " +
			"AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> are honoured. The ledger may live in another account and region: " +
			"--ledger-role-arn and --ledger-region, as the provider's ledger { assume_role, region } block.",
		Version:       Version,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	f := root.PersistentFlags()
	f.StringVar(&c.cfg.Region, "region", "", "AWS region (default: the SDK chain's, e.g. AWS_REGION)")
	f.StringVar(&c.cfg.Profile, "profile", "", "shared configuration profile (default: AWS_PROFILE)")
	f.StringVar(&c.cfg.LedgerTable, "ledger-table", envOr("GOLIVE_LEDGER_TABLE", "golive-ledger"), "DynamoDB table of the golive ledger [$GOLIVE_LEDGER_TABLE]")
	f.StringVar(&c.cfg.LedgerRegion, "ledger-region", os.Getenv("GOLIVE_LEDGER_REGION"), "region of the ledger table (default: --region) [$GOLIVE_LEDGER_REGION]")
	f.StringVar(&c.cfg.LedgerRoleARN, "ledger-role-arn", os.Getenv("GOLIVE_LEDGER_ROLE_ARN"), "role to assume for the ledger, when it lives in another account [$GOLIVE_LEDGER_ROLE_ARN]")
	f.BoolVar(&c.json, "json", false, "print the result as JSON on stdout (messages stay on stderr)")
	f.DurationVar(&c.timeout, "timeout", 2*time.Minute, "give up after this long")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return err })
	root.AddCommand(c.statusCmd(), c.historyCmd(), c.metricsCmd(), c.unlockCmd(), c.reportCmd())
	return root
}

// session opens the AWS session for a command, bounded by --timeout.
func (c *cli) session(cmd *cobra.Command) (context.Context, context.CancelFunc, *Session, error) {
	ctx, cancel := context.WithTimeout(cmd.Context(), c.timeout)
	s, err := c.open(ctx, c.cfg)
	if err != nil {
		cancel()
		return nil, nil, nil, runError{err}
	}
	return ctx, cancel, s, nil
}

// emit prints v as JSON with --json, else as text.
func (c *cli) emit(v any, text func(io.Writer) error) error {
	if c.json {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	return text(c.stdout)
}

// work runs a command's work and marks its failure as such.
func work(err error) error {
	if err == nil {
		return nil
	}
	return runError{err}
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// environmentArg checks an "<app>/<env>" argument.
func environmentArg(arg string) (string, error) {
	app, env, ok := strings.Cut(arg, "/")
	if !ok || strings.Contains(env, "/") {
		return "", fmt.Errorf("%q is not an environment: expected <application>/<environment>, e.g. shop/prod", arg)
	}
	for _, part := range []string{app, env} {
		if err := policy.CheckName(part); err != nil {
			return "", fmt.Errorf("environment %q: %w", arg, err)
		}
	}
	return arg, nil
}

// serviceArg checks an "<app>/<env>/<service>" argument.
func serviceArg(arg string) (env, service string, err error) {
	i := strings.LastIndex(arg, "/")
	if i < 0 || strings.Count(arg, "/") != 2 {
		return "", "", fmt.Errorf("%q is not a service: expected <application>/<environment>/<service>, e.g. shop/prod/api", arg)
	}
	if env, err = environmentArg(arg[:i]); err != nil {
		return "", "", err
	}
	if err := policy.CheckName(arg[i+1:]); err != nil {
		return "", "", fmt.Errorf("service %q: %w", arg, err)
	}
	return env, arg[i+1:], nil
}

// positiveDuration checks a duration flag: from lo to maxWindow.
func positiveDuration(flag string, d, lo time.Duration) error {
	if d < lo || d > maxWindow {
		return fmt.Errorf("--%s %s is out of range: give a duration from %s to %s, e.g. 24h", flag, d, lo, maxWindow)
	}
	return nil
}

func checkApplication(app string) error {
	if err := policy.CheckName(app); err != nil {
		return fmt.Errorf("application: %w", err)
	}
	return nil
}
