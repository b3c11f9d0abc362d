package oncall

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/metrics"
)

// Metrics are the DORA figures of one environment, named as the
// golive_delivery_metrics data source names them; measures with nothing to
// measure are null.
type Metrics struct {
	Environment              string    `json:"environment"`
	Window                   string    `json:"window"`
	From                     time.Time `json:"from"`
	To                       time.Time `json:"to"`
	Deployments              int       `json:"deployments"`
	DeploymentFrequency      float64   `json:"deployment_frequency"`
	Changes                  int       `json:"changes"`
	Failures                 int       `json:"failures"`
	ChangeFailureRate        *float64  `json:"change_failure_rate"`
	MeanTimeToRestore        *string   `json:"mean_time_to_restore"`
	MeanTimeToRestoreSeconds *int64    `json:"mean_time_to_restore_seconds"`
	Restored                 int       `json:"restored"`
	LeadTime                 *string   `json:"lead_time"`
	LeadTimeSeconds          *int64    `json:"lead_time_seconds"`
	LeadTimeVersions         int       `json:"lead_time_versions"`
}

// ReadMetrics computes env's figures over the window ending now, with the
// data source's code (metrics.Read).
func ReadMetrics(ctx context.Context, s *Session, env string, window time.Duration) (*Metrics, error) {
	now := s.Now().UTC()
	r, err := metrics.Read(ctx, s.Ledger, env, window, now)
	if err != nil {
		return nil, err
	}
	return metricsOf(env, window, now, r), nil
}

func metricsOf(env string, window time.Duration, now time.Time, r metrics.Result) *Metrics {
	m := &Metrics{
		Environment: env, Window: window.String(), From: now.Add(-window), To: now,
		Deployments: r.Deployments, DeploymentFrequency: r.DeploymentFrequency,
		Changes: r.Changes, Failures: r.Failures, Restored: r.Restored, LeadTimeVersions: r.LeadTimeCount,
	}
	if r.Changes > 0 {
		m.ChangeFailureRate = &r.ChangeFailureRate
	}
	if r.Restored > 0 {
		m.MeanTimeToRestore, m.MeanTimeToRestoreSeconds = durationFields(r.MeanTimeToRestore)
	}
	if r.LeadTimeCount > 0 {
		m.LeadTime, m.LeadTimeSeconds = durationFields(r.MeanLeadTime)
	}
	return m
}

// durationFields are a duration as the data source shows it: rounded to
// the second, as text and in seconds.
func durationFields(d time.Duration) (*string, *int64) {
	d = d.Round(time.Second)
	s, n := d.String(), int64(d/time.Second)
	return &s, &n
}

// WriteMetrics renders m for a terminal.
func WriteMetrics(w io.Writer, m *Metrics) error {
	ew := &errWriter{w: w}
	ew.printf("Delivery metrics of %s, %s to %s (%s)\n\n", m.Environment, stamp(m.From), stamp(m.To), m.Window)
	ew.printf("  deployment frequency   %.2f per day (%d verified deployments)\n", m.DeploymentFrequency, m.Deployments)
	cfr := "n/a (no changes)"
	if m.ChangeFailureRate != nil {
		cfr = fmt.Sprintf("%.1f%% (%d failed of %d changes)", 100**m.ChangeFailureRate, m.Failures, m.Changes)
	}
	ew.printf("  change failure rate    %s\n", cfr)
	mttr := "n/a (no failure restored)"
	if m.MeanTimeToRestore != nil {
		mttr = fmt.Sprintf("%s (%d restored)", *m.MeanTimeToRestore, m.Restored)
	}
	ew.printf("  mean time to restore   %s\n", mttr)
	lead := "n/a (no version verified)"
	if m.LeadTime != nil {
		lead = fmt.Sprintf("%s (%d versions)", *m.LeadTime, m.LeadTimeVersions)
	}
	ew.printf("  lead time              %s\n", lead)
	return ew.err
}
