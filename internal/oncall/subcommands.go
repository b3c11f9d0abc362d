package oncall

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/golive-dev/terraform-provider-golive/internal/report"
)

// maxWindow bounds --window and --since, as the data source bounds window.
const maxWindow = 366 * 24 * time.Hour

func (c *cli) statusCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "status <app>/<env>",
		Short: "What is live: slots, versions, live weights and locks",
		Long: "Every service of the environment: its slots (version, verification) as the ledger records them, its traffic weights as the router " +
			"(ALB listener or rule, Lambda alias, Route 53 records) reports them now, and any held lock with its holder, operation and lease. " +
			"Exits 1 when a router could not be read, after printing the rest.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			env, err := environmentArg(args[0])
			if err != nil {
				return err
			}
			ctx, cancel, s, err := c.session(cmd)
			if err != nil {
				return err
			}
			defer cancel()
			st, err := ReadStatus(ctx, s, env)
			if err != nil {
				return work(err)
			}
			if err := c.emit(st, func(w io.Writer) error { return WriteStatus(w, st) }); err != nil {
				return work(err)
			}
			if errs := st.Errors(); len(errs) > 0 {
				return work(errors.New(strings.Join(errs, "; ")))
			}
			return nil
		},
	}
}

func (c *cli) historyCmd() *cobra.Command {
	q := HistoryQuery{}
	cmd := &cobra.Command{
		Use:   "history <app>/<env>",
		Short: "What changed: the ledger's events, newest first",
		Long:  "The ledger's events of the environment (deployments, verifications, traffic steps, rollbacks, overrides, locks), newest first. With --json, each event has the shape of golive's notifications (golive.event/v1).",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			env, err := environmentArg(args[0])
			if err != nil {
				return err
			}
			if q.Since != 0 {
				if err := positiveDuration("since", q.Since, time.Minute); err != nil {
					return err
				}
			}
			if q.Limit < 0 {
				return fmt.Errorf("--limit %d: give 0 (every event) or more", q.Limit)
			}
			q.Environment = env
			ctx, cancel, s, err := c.session(cmd)
			if err != nil {
				return err
			}
			defer cancel()
			h, err := ReadHistory(ctx, s, q)
			if err != nil {
				return work(err)
			}
			return work(c.emit(h, func(w io.Writer) error { return WriteHistory(w, h) }))
		},
	}
	cmd.Flags().StringVar(&q.Service, "service", "", "only events of this service")
	cmd.Flags().DurationVar(&q.Since, "since", 0, "only events of the last duration, e.g. 24h (default: no bound)")
	cmd.Flags().IntVar(&q.Limit, "limit", 50, "at most this many events, newest first; 0 for all")
	return cmd
}

func (c *cli) metricsCmd() *cobra.Command {
	var window time.Duration
	cmd := &cobra.Command{
		Use:   "metrics <app>/<env>",
		Short: "DORA figures, as golive_delivery_metrics computes them",
		Long:  "Deployment frequency, change failure rate, mean time to restore and lead time of the environment over the window, computed by the same code as the golive_delivery_metrics data source.",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			env, err := environmentArg(args[0])
			if err != nil {
				return err
			}
			if err := positiveDuration("window", window, time.Hour); err != nil {
				return err
			}
			ctx, cancel, s, err := c.session(cmd)
			if err != nil {
				return err
			}
			defer cancel()
			m, err := ReadMetrics(ctx, s, env, window)
			if err != nil {
				return work(err)
			}
			return work(c.emit(m, func(w io.Writer) error { return WriteMetrics(w, m) }))
		},
	}
	cmd.Flags().DurationVar(&window, "window", 720*time.Hour, "how far back")
	return cmd
}

func (c *cli) unlockCmd() *cobra.Command {
	req := UnlockRequest{}
	cmd := &cobra.Command{
		Use:   "unlock <app>/<env>/<service> --reason \"...\"",
		Short: "Break-glass: release a service's lock, recorded in the ledger",
		Long: "Releases the environment+service lock when its holder is gone: refused while the holder's lease still runs, unless --force. " +
			"The release and an event with your identity (the STS caller ARN) and --reason are written in one ledger transaction.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			env, svc, err := serviceArg(args[0])
			if err != nil {
				return err
			}
			if strings.TrimSpace(req.Reason) == "" {
				return ErrNoReason
			}
			req.Environment, req.Service = env, svc
			ctx, cancel, s, err := c.session(cmd)
			if err != nil {
				return err
			}
			defer cancel()
			u, err := Unlock(ctx, s, req)
			if err != nil {
				return work(err)
			}
			return work(c.emit(u, func(w io.Writer) error { return WriteUnlocked(w, u) }))
		},
	}
	cmd.Flags().StringVar(&req.Reason, "reason", "", "why (an incident, the cancelled job): recorded in the ledger (required)")
	cmd.Flags().BoolVar(&req.Force, "force", false, "release even though the holder's lease still runs (make sure that run is gone)")
	return cmd
}

func (c *cli) reportCmd() *cobra.Command {
	req := ReportRequest{}
	var out string
	cmd := &cobra.Command{
		Use:   "report <app> --html out.html",
		Short: "A self-contained HTML release report of an application",
		Long: "Writes one HTML page (inline CSS and SVG; nothing is fetched to view it) with the release timeline of every environment of the application " +
			"(deployments, cutover steps, rollbacks) and deployment frequency and change failure rate over time, one point per release.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := c.checkReport(args[0], out, &req); err != nil {
				return err
			}
			ctx, cancel, s, err := c.session(cmd)
			if err != nil {
				return err
			}
			defer cancel()
			r, err := ReadReport(ctx, s, req, c.stderr)
			if err != nil {
				return work(err)
			}
			if err := c.writeReport(r, out); err != nil {
				return work(err)
			}
			if c.json {
				return work(c.emit(r.Summary, nil))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "html", "", "write the page to this file (- for stdout)")
	cmd.Flags().StringSliceVar(&req.Environments, "env", nil, "only these environments (names; default: every environment of the application)")
	cmd.Flags().DurationVar(&req.Since, "since", 720*time.Hour, "how far back the timeline goes")
	cmd.Flags().DurationVar(&req.Window, "window", 720*time.Hour, "the window of each measure, as golive metrics --window")
	return cmd
}

func (c *cli) checkReport(app, out string, req *ReportRequest) error {
	if err := checkApplication(app); err != nil {
		return err
	}
	if out == "" && !c.json {
		return errors.New("--html is required: the file to write the page to (- for stdout), e.g. --html report.html")
	}
	if out == "-" && c.json {
		return errors.New("--html - and --json both write to stdout: give --html a file name")
	}
	for _, e := range req.Environments {
		if _, err := environmentArg(app + "/" + e); err != nil {
			return fmt.Errorf("--env: %w", err)
		}
	}
	if err := positiveDuration("since", req.Since, time.Minute); err != nil {
		return err
	}
	req.Application = app
	return positiveDuration("window", req.Window, time.Hour)
}

// writeReport writes the page to out ("" writes none, "-" stdout).
func (c *cli) writeReport(r *Report, out string) error {
	switch out {
	case "":
		return nil
	case "-":
		return report.Render(c.stdout, r.Page)
	}
	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	if err := report.Render(f, r.Page); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing the report %s: %w", out, err)
	}
	r.Summary.HTML = out
	fmt.Fprintf(c.stderr, "golive: wrote %s: %d releases in %d environments of %s\n", out, len(r.Page.Releases), len(r.Page.Environments), r.Page.Application)
	return nil
}
