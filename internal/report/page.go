package report

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/metrics"
)

// Page is a report laid out for its template.
type Page struct {
	Application  string
	Generated    string
	Period       string
	Window       string
	Environments []EnvSection
	Frequency    Chart
	FailureRate  Chart
	// Releases are every environment's releases, oldest first.
	Releases []Release
}

// EnvSection is one environment: its figures now, its timeline, its
// releases and events newest first.
type EnvSection struct {
	ID, Name, Tier, PromotesFrom, Color string
	Figures                             []Figure
	Timeline                            Timeline
	Releases                            []Release
	Failures                            int
	Events                              []ledger.Event
}

// Figure is one headline number.
type Figure struct{ Name, Value, Note string }

// palette colours the environments, in promotion order.
var palette = []string{"#2563eb", "#9333ea", "#ea580c", "#0d9488", "#db2777", "#65a30d", "#ca8a04", "#475569"}

// Build lays out the report.
func Build(in Input) *Page {
	envs := orderEnvironments(in.Environments)
	p := &Page{
		Application: in.Application,
		Generated:   in.Generated.UTC().Format("2006-01-02 15:04 UTC"),
		Period:      in.From.UTC().Format("2006-01-02 15:04") + " to " + in.To.UTC().Format("2006-01-02 15:04 UTC"),
		Window:      humanDuration(in.Window),
	}
	var times []time.Time
	shown := make([][]ledger.Event, len(envs))
	for i, e := range envs {
		for _, ev := range sortedEvents(e.Events) {
			if !ev.At.Before(in.From) && !ev.At.After(in.To) {
				shown[i] = append(shown[i], ev)
				times = append(times, ev.At)
			}
		}
	}
	if len(times) == 0 {
		times = []time.Time{in.From, in.To}
	}
	xs := newTimeScale(times, 0, 1)
	var series []envReleases
	for i, e := range envs {
		color := palette[i%len(palette)]
		rels := releases(e, in.From, in.To, in.Window)
		p.Releases = append(p.Releases, rels...)
		series = append(series, envReleases{name: e.Environment.ID(), color: color, releases: rels})
		p.Environments = append(p.Environments, section(e, color, rels, shown[i], xs))
	}
	sort.SliceStable(p.Releases, func(i, j int) bool { return p.Releases[i].At.Before(p.Releases[j].At) })
	window := "over the " + p.Window + " before each release"
	p.Frequency = newChart("chart-frequency", "Deployment frequency", "verified deployments per day, "+window,
		series, xs, frequencyOf, 0, number)
	p.FailureRate = newChart("chart-failure-rate", "Change failure rate", "failed changes / changes started, "+window,
		series, xs, failureRateOf, 100, func(v float64) string { return number(v) + "%" })
	return p
}

func section(e EnvironmentInput, color string, rels []Release, shown []ledger.Event, xs timeScale) EnvSection {
	s := EnvSection{
		ID: e.Environment.ID(), Name: e.Environment.Name, Tier: e.Environment.Tier, PromotesFrom: e.Environment.PromotesFrom,
		Color: color, Figures: figures(e.Current), Timeline: newTimeline(shown, xs),
	}
	for i := len(rels) - 1; i >= 0; i-- {
		s.Releases = append(s.Releases, rels[i])
		if rels[i].Failed {
			s.Failures++
		}
	}
	for i := len(shown) - 1; i >= 0; i-- {
		s.Events = append(s.Events, shown[i])
	}
	return s
}

// figures are the environment's DORA measures now, as text.
func figures(r metrics.Result) []Figure {
	out := []Figure{{Name: "Deployment frequency", Value: number(round2(r.DeploymentFrequency)) + "/day", Note: fmt.Sprintf("%d verified", r.Deployments)}}
	cfr := Figure{Name: "Change failure rate", Value: "–", Note: "no changes"}
	if r.Changes > 0 {
		cfr.Value, cfr.Note = number(round2(100*r.ChangeFailureRate))+"%", fmt.Sprintf("%d of %d changes", r.Failures, r.Changes)
	}
	mttr := Figure{Name: "Time to restore", Value: "–", Note: "nothing to restore"}
	if r.Restored > 0 {
		mttr.Value, mttr.Note = humanDuration(r.MeanTimeToRestore), fmt.Sprintf("mean of %d", r.Restored)
	}
	lead := Figure{Name: "Lead time", Value: "–", Note: "no version verified"}
	if r.LeadTimeCount > 0 {
		lead.Value, lead.Note = humanDuration(r.MeanLeadTime), fmt.Sprintf("mean of %d versions", r.LeadTimeCount)
	}
	return append(out, cfr, mttr, lead)
}

func round2(v float64) float64 { return float64(int64(v*100+0.5)) / 100 }

// humanDuration is d in its two largest units: "30d", "2h 5m", "42s".
func humanDuration(d time.Duration) string {
	d = d.Round(time.Second)
	units := []struct {
		d    time.Duration
		name string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}}
	var parts []string
	for _, u := range units {
		if n := int64(d / u.d); n > 0 && len(parts) < 2 {
			parts = append(parts, fmt.Sprintf("%d%s", n, u.name))
			d %= u.d
		} else if len(parts) > 0 {
			break
		}
	}
	if len(parts) == 0 {
		return "0s"
	}
	return strings.Join(parts, " ")
}

// orderEnvironments sorts environments along their promotion chains
// (dev before staging before prod), then by name.
func orderEnvironments(envs []EnvironmentInput) []EnvironmentInput {
	byName := map[string]ledger.Environment{}
	for _, e := range envs {
		byName[e.Environment.Name] = e.Environment
	}
	depth := func(e ledger.Environment) int {
		n := 0
		for seen := map[string]bool{e.Name: true}; e.PromotesFrom != "" && !seen[e.PromotesFrom]; n++ {
			up, ok := byName[e.PromotesFrom]
			if !ok {
				return n + 1
			}
			seen[up.Name] = true
			e = up
		}
		return n
	}
	out := append([]EnvironmentInput(nil), envs...)
	sort.SliceStable(out, func(i, j int) bool {
		di, dj := depth(out[i].Environment), depth(out[j].Environment)
		if di != dj {
			return di < dj
		}
		return out[i].Environment.Name < out[j].Environment.Name
	})
	return out
}
