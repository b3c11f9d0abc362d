package report

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/metrics"
)

var t0 = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// history is a made-up week of shop: dev and prod (promoted from dev), a
// failed deployment, a rolled-back canary, and a lock released by hand.
func history() []EnvironmentInput {
	n := 0
	ev := func(env string, h float64, svc, kind, version, outcome string) ledger.Event {
		n++
		return ledger.Event{ID: fmt.Sprintf("EVT#%03d", n), Environment: env, At: t0.Add(time.Duration(h * float64(time.Hour))), Service: svc,
			Kind: kind, Version: version, Outcome: outcome, Actor: "arn:aws:sts::123456789012:assumed-role/ci/run-" + fmt.Sprint(n)}
	}
	dev := []ledger.Event{
		ev("shop/dev", 0, "", ledger.KindEnvironmentCreated, "", "succeeded"),
		ev("shop/dev", 1, "api", ledger.KindDeploymentStarted, "1.0", "started"),
		ev("shop/dev", 1.1, "api", ledger.KindDeploymentVerified, "1.0", "succeeded"),
		ev("shop/dev", 30, "api", ledger.KindDeploymentStarted, "1.1", "started"),
		ev("shop/dev", 30.2, "api", ledger.KindDeploymentFailed, "1.1", "failed"),
		ev("shop/dev", 50, "api", ledger.KindDeploymentStarted, "1.2", "started"),
		ev("shop/dev", 50.1, "api", ledger.KindDeploymentVerified, "1.2", "succeeded"),
	}
	prod := []ledger.Event{
		ev("shop/prod", 2, "api", ledger.KindDeploymentStarted, "1.0", "started"),
		ev("shop/prod", 2.1, "api", ledger.KindDeploymentVerified, "1.0", "succeeded"),
		ev("shop/prod", 2.2, "api", ledger.KindCutoverStarted, "", "started"),
		ev("shop/prod", 2.3, "api", ledger.KindTrafficStep, "", "reached"),
		ev("shop/prod", 2.4, "api", ledger.KindCutoverCompleted, "", "succeeded"),
		ev("shop/prod", 60, "api", ledger.KindDeploymentStarted, "1.2", "started"),
		ev("shop/prod", 60.1, "api", ledger.KindDeploymentVerified, "1.2", "succeeded"),
		ev("shop/prod", 60.2, "api", ledger.KindCutoverStarted, "", "started"),
		ev("shop/prod", 60.3, "api", ledger.KindTrafficStep, "", "reached"),
		ev("shop/prod", 60.4, "api", ledger.KindRolledBack, "", ledger.OutcomeRolledBack),
		ev("shop/prod", 61, "api", ledger.KindLockBroken, "", ledger.OutcomeReleased),
		ev("shop/prod", 62, "web", ledger.KindCutoverStarted, "", "started"),
	}
	return []EnvironmentInput{
		{Environment: ledger.Environment{Application: "shop", Name: "prod", Tier: "production", PromotesFrom: "dev"}, Events: prod,
			Current: metrics.Result{Deployments: 2, DeploymentFrequency: 2.0 / 7, Changes: 4, Failures: 1, ChangeFailureRate: 0.25}},
		{Environment: ledger.Environment{Application: "shop", Name: "dev", Tier: "development"}, Events: dev},
	}
}

func input() Input {
	return Input{Application: "shop", Generated: t0.Add(70 * time.Hour), From: t0.Add(-time.Hour), To: t0.Add(70 * time.Hour),
		Window: 7 * 24 * time.Hour, Environments: history()}
}

func TestBuildOrdersEnvironmentsAlongThePromotionChain(t *testing.T) {
	p := Build(input())
	if len(p.Environments) != 2 || p.Environments[0].ID != "shop/dev" || p.Environments[1].ID != "shop/prod" {
		t.Fatalf("environments: %+v", p.Environments)
	}
}

func TestBuildFindsOneReleasePerEndedChange(t *testing.T) {
	p := Build(input())
	var got []string
	for _, r := range p.Releases {
		got = append(got, fmt.Sprintf("%s %s %s %s", r.Environment, r.Change, r.Version, r.Outcome))
	}
	want := []string{
		"shop/dev deployment 1.0 verified", "shop/prod deployment 1.0 verified", "shop/prod cutover  completed",
		"shop/dev deployment 1.1 failed", "shop/dev deployment 1.2 verified", "shop/prod deployment 1.2 verified",
		"shop/prod cutover  rolled_back",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("releases:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Each point is the measure over the window before it: at dev's failure,
	// 1 of 2 deployments started failed; 1 verified in 7 days.
	fail := p.Releases[3]
	if !fail.Failed || fail.ChangeFailureRate == nil || *fail.ChangeFailureRate != 0.5 || fail.DeploymentFrequency != 1.0/7 {
		t.Fatalf("dev's failed release: %+v (rate %v)", fail, fail.ChangeFailureRate)
	}
}

func TestChartsHaveOnePointPerRelease(t *testing.T) {
	p := Build(input())
	for _, c := range []Chart{p.Frequency, p.FailureRate} {
		n := 0
		for _, s := range c.Series {
			n += len(s.Points)
			for _, pt := range s.Points {
				if pt.X < c.Left || pt.X > c.Right || pt.Y < c.Top || pt.Y > c.Bottom {
					t.Errorf("%s: point %+v outside the plot", c.ID, pt)
				}
			}
		}
		if n != len(p.Releases) {
			t.Errorf("%s: %d points for %d releases", c.ID, n, len(p.Releases))
		}
	}
	// The failure rate's axis is 0-100%; a 50% point sits half way up.
	for _, s := range p.FailureRate.Series {
		for _, pt := range s.Points {
			if pt.Label == "50%" && pt.Y != (chartTop+chartBottom)/2 {
				t.Errorf("a 50%% point at y=%v, want %v", pt.Y, (chartTop+chartBottom)/2.0)
			}
		}
	}
}

func TestTimelineDrawsEveryEventAndPairsChanges(t *testing.T) {
	p := Build(input())
	prod := p.Environments[1]
	if len(prod.Timeline.Markers) != len(prod.Events) || len(prod.Events) != 12 {
		t.Fatalf("prod: %d markers for %d events", len(prod.Timeline.Markers), len(prod.Events))
	}
	var lanes []string
	for _, l := range prod.Timeline.Lanes {
		lanes = append(lanes, l.Name)
	}
	if strings.Join(lanes, ",") != "api,web" {
		t.Fatalf("prod lanes %v", lanes)
	}
	// Two deployments, two cutovers of api; web's cutover never ended.
	if len(prod.Timeline.Spans) != 5 || !strings.HasSuffix(prod.Timeline.Spans[4].Title, "not ended") {
		t.Fatalf("prod spans %+v", prod.Timeline.Spans)
	}
	dev := p.Environments[0]
	if got := dev.Timeline.Lanes[len(dev.Timeline.Lanes)-1].Name; got != environmentLane {
		t.Fatalf("dev's environment_created needs the environment lane, lanes end with %q", got)
	}
}

func TestNiceMaxAndTicks(t *testing.T) {
	for _, c := range []struct{ in, max, step float64 }{
		{0, 1, 0.25}, {0.14, 0.15, 0.05}, {1, 1, 0.5}, {3.2, 4, 1}, {7, 8, 2}, {42, 60, 20}, {100, 100, 50},
	} {
		top, step := niceMax(c.in)
		if math.Abs(top-c.max) > 1e-12 || math.Abs(step-c.step) > 1e-12 {
			t.Errorf("niceMax(%v) = %v, %v; want %v, %v", c.in, top, step, c.max, c.step)
		}
	}
	xs := newTimeScale([]time.Time{t0, t0.Add(3 * time.Minute)}, 0, 100)
	ticks := xs.ticks(6)
	if len(ticks) != 4 || ticks[0].Label != "Nov 20 09:00" || ticks[1].Label != "09:01" {
		t.Fatalf("ticks of a 3-minute span: %+v", ticks)
	}
	if x := xs.x(t0); x <= 0 || x >= 5 {
		t.Fatalf("the first time sits just inside the padded scale, at %v", x)
	}
}

func TestHumanDuration(t *testing.T) {
	for in, want := range map[time.Duration]string{
		0: "0s", 42 * time.Second: "42s", 125 * time.Minute: "2h 5m", 720 * time.Hour: "30d", 25*time.Hour + time.Minute: "1d 1h",
	} {
		if got := humanDuration(in); got != want {
			t.Errorf("humanDuration(%v) = %q, want %q", in, got, want)
		}
	}
}

// externalReference matches whatever would make a browser fetch something,
// and any URL at all.
var externalReference = regexp.MustCompile(`(?i)(src|href|action|srcset|poster)\s*=|url\(|@import|<(script|link|img|iframe|object|embed|video|audio|base|meta http-equiv)|[a-z]+://`)

func TestRenderIsSelfContained(t *testing.T) {
	var b bytes.Buffer
	p := Build(input())
	if err := Render(&b, p); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	if out := os.Getenv("GOLIVE_REPORT_SAMPLE"); out != "" {
		_ = os.WriteFile(out, b.Bytes(), 0o644)
	}
	if m := externalReference.FindString(html); m != "" {
		t.Fatalf("the page refers to something outside itself: %q", m)
	}
	if strings.Contains(html, "ZgotmplZ") {
		t.Fatal("the template rejected a value (ZgotmplZ in the output)")
	}
	for _, id := range []string{`id="chart-frequency"`, `id="chart-failure-rate"`} {
		if !strings.Contains(html, id) {
			t.Errorf("no %s", id)
		}
	}
	if n := strings.Count(html, `class="point`); n != 2*len(p.Releases) {
		t.Errorf("%d chart points in the page, want %d", n, 2*len(p.Releases))
	}
}

func TestRenderEscapesLedgerText(t *testing.T) {
	in := input()
	in.Environments[0].Events[len(in.Environments[0].Events)-1].Detail = `<script>alert(1)</script>`
	var b bytes.Buffer
	if err := Render(&b, Build(in)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "<script>alert") {
		t.Fatal("ledger text reached the page unescaped")
	}
}

func TestAnEmptyApplicationRenders(t *testing.T) {
	var b bytes.Buffer
	in := Input{Application: "nothing", Generated: t0, From: t0.Add(-time.Hour), To: t0, Window: time.Hour}
	if err := Render(&b, Build(in)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "No environments of nothing") {
		t.Fatal("an application without environments should say so")
	}
}

func TestCrowdedMarkersMoveToRowsAboveAndBelowTheLane(t *testing.T) {
	var l laneStack
	var got []float64
	for _, x := range []float64{100, 102, 104, 106, 130} {
		got = append(got, l.offset(x))
	}
	want := []float64{0, -12, 12, 0, 0}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("offsets %v, want %v", got, want)
	}
}
