package oncall

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/metrics"
	"github.com/golive-dev/terraform-provider-golive/internal/report"
)

// ReportRequest selects what `golive report` shows.
type ReportRequest struct {
	Application string
	// Environments are names of the application's environments; empty:
	// every environment the ledger records for it.
	Environments []string
	Since        time.Duration // how far back the timeline goes
	Window       time.Duration // the window of each measure
}

// Report is a built report and its summary.
type Report struct {
	Page    *report.Page
	Summary ReportSummary
}

// ReportSummary is what `golive report --json` prints.
type ReportSummary struct {
	Application  string           `json:"application"`
	Generated    time.Time        `json:"generated"`
	From         time.Time        `json:"from"`
	To           time.Time        `json:"to"`
	Window       string           `json:"window"`
	HTML         string           `json:"html,omitempty"` // where the page was written
	Environments []*Metrics       `json:"environments"`
	Releases     []report.Release `json:"releases"`
}

// ReadReport reads the application's environments and their events and
// lays out the report. Progress goes to progress.
func ReadReport(ctx context.Context, s *Session, req ReportRequest, progress io.Writer) (*Report, error) {
	envs, err := reportEnvironments(ctx, s, req)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	in := report.Input{Application: req.Application, Generated: now, From: now.Add(-req.Since), To: now, Window: req.Window}
	sum := ReportSummary{Application: req.Application, Generated: now, From: in.From, To: now, Window: req.Window.String()}
	for _, env := range envs {
		fmt.Fprintf(progress, "golive: reading the history of %s\n", env.ID())
		events, err := metrics.EventsSince(ctx, s.Ledger, env.ID(), in.From.Add(-req.Window))
		if err != nil {
			return nil, err
		}
		current, err := metrics.Read(ctx, s.Ledger, env.ID(), req.Window, now)
		if err != nil {
			return nil, err
		}
		in.Environments = append(in.Environments, report.EnvironmentInput{Environment: env, Events: events, Current: current})
		sum.Environments = append(sum.Environments, metricsOf(env.ID(), req.Window, now, current))
	}
	page := report.Build(in)
	sum.Releases = page.Releases
	if sum.Releases == nil {
		sum.Releases = []report.Release{}
	}
	return &Report{Page: page, Summary: sum}, nil
}

// reportEnvironments are the environments named, or every one of the
// application.
func reportEnvironments(ctx context.Context, s *Session, req ReportRequest) ([]ledger.Environment, error) {
	if len(req.Environments) == 0 {
		envs, err := s.Ledger.Environments(ctx, req.Application)
		if err != nil {
			return nil, err
		}
		if len(envs) == 0 {
			return nil, fmt.Errorf("no environments of application %s in the ledger table %s: check the application name, --ledger-table and the region",
				req.Application, s.Ledger.Table())
		}
		return envs, nil
	}
	var envs []ledger.Environment
	for _, name := range req.Environments {
		env, err := s.Ledger.GetEnvironment(ctx, req.Application+"/"+name)
		if err != nil {
			return nil, err
		}
		envs = append(envs, *env)
	}
	return envs, nil
}
