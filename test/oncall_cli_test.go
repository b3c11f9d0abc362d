package test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/gruntwork-io/terratest/modules/terraform"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/oncall"
)

// The golive command after real releases: dev and prod of shop released
// through Terraform (a verified deployment, a failed one, a completed
// canary, a rolled-back canary, runs killed mid-cutover), then every
// command's output checked against what AWS and the ledger say through
// the SDK, and the HTML report opened in headless Chromium.
func TestGoliveCommandAfterRealReleases(t *testing.T) {
	t.Parallel()
	w := newOncallWorld(t)
	w.releaseThroughTerraform()
	w.checkStatus()
	w.checkHistory()
	w.checkUnlockOfARunningHolder()
	w.checkUnlockOfAnExpiredHolder()
	w.converge()
	w.checkMetrics()
	w.checkReport()
}

type oncallWorld struct {
	t     *testing.T
	s     *stack
	cli   *goliveCLI
	fn    string
	alarm string
	actor string // the pipeline's identity: actor and lock holder
}

func newOncallWorld(t *testing.T) *oncallWorld {
	s := oncallStack(t)
	w := &oncallWorld{t: t, s: s, fn: "shop-api", alarm: "shop-api-errors",
		actor: fmt.Sprintf("arn:aws:sts::%s:assumed-role/golive-test/pipeline", s.Account)}
	newReleasedFunction(t, s, w.fn, w.alarm)
	s.Opts.Vars["function_name"], s.Opts.Vars["alarm"] = w.fn, w.alarm
	w.cli = newGoliveCLI(t, s)
	return w
}

// releaseThroughTerraform makes shop's history the way a team would.
func (w *oncallWorld) releaseThroughTerraform() {
	s, t := w.s, w.t
	s.Apply(map[string]any{"dev": release("1.0", "1")})
	s.Apply(map[string]any{"prod": map[string]any{"blue": release("1.0", "1"), "green": release("1.0", "1")}})
	s.Apply(map[string]any{"dev": release("1.1", "2")})
	s.Apply(map[string]any{"prod": map[string]any{"blue": release("1.0", "1"), "green": release("1.1", "2")}, "green_weight": 100})

	// 1.2 fails its gate in dev, then passes.
	setAlarm(t, s, w.alarm, cwtypes.StateValueAlarm)
	if out, err := s.ApplyE(map[string]any{"dev": release("1.2", "3")}); err == nil {
		t.Fatalf("dev's deployment of 1.2 passed its alarm gate while the alarm fired:\n%s", out)
	}
	setAlarm(t, s, w.alarm, cwtypes.StateValueOk)
	s.Apply(nil)

	// Its canary in prod rolls back when the alarm fires mid-bake.
	fired := fireWhenCanary(s, w.fn, w.alarm)
	if out, err := s.ApplyE(map[string]any{"prod": map[string]any{"blue": release("1.2", "3"), "green": release("1.1", "2")},
		"green_weight": 0, "bake": "20s"}); err == nil || !strings.Contains(flatOutput(out), "rolled back") {
		t.Fatalf("the canary of 1.2 in prod did not roll back: %v\n%s", err, out)
	}
	if err := <-fired; err != nil {
		t.Fatal(err)
	}
	setAlarm(t, s, w.alarm, cwtypes.StateValueOk)
}

// fireWhenCanary fires alarm once the alias routes some traffic to a
// second version.
func fireWhenCanary(s *stack, fn, alarm string) <-chan error {
	done := make(chan error, 1)
	go func() {
		deadline := time.Now().Add(3 * time.Minute)
		for time.Now().Before(deadline) {
			if w := aliasWeightsE(s, fn); len(w) > 1 {
				done <- setAlarmE(s, alarm, cwtypes.StateValueAlarm)
				return
			}
			time.Sleep(200 * time.Millisecond)
		}
		done <- fmt.Errorf("the canary of %s never routed to a second version within 3m", fn)
	}()
	return done
}

// checkStatus: after the rollback, everything is on green (1.1, Lambda
// version 2), as the alias says.
func (w *oncallWorld) checkStatus() {
	t := w.t
	live := aliasWeights(t, w.s, w.fn)
	if live["2"] != 100 {
		t.Fatalf("after the rollback the alias routes %v, want all to version 2", live)
	}
	var st oncall.Status
	w.cli.JSON(&st, "status", "shop/prod")
	if len(st.Services) != 1 || st.Services[0].Lock != nil {
		t.Fatalf("status: %+v", st)
	}
	api := st.Services[0]
	if api.Router == nil || api.Router.Object != "Lambda alias "+w.fn+":live" || api.Router.Weights["green"] != 100 || api.Router.Weights["blue"] != 0 {
		t.Fatalf("status router %+v, alias %v", api.Router, live)
	}
	slots := map[string]oncall.SlotStatus{}
	for _, sl := range api.Slots {
		slots[sl.Slot] = sl
	}
	if b, g := slots["blue"], slots["green"]; b.Version != "1.2" || g.Version != "1.1" || *g.Traffic != 100 || *b.Traffic != 0 ||
		b.Status != ledger.StatusVerified || b.Destination != "3" || !g.Live || api.LiveSlot != "green" {
		t.Fatalf("status slots %+v", api.Slots)
	}
	text := w.cli.Run("status", "shop/prod")
	for _, want := range []string{"shop/prod (production, promotes from dev)", "Lambda alias " + w.fn + ":live  blue=0 green=100",
		"green *  1.1      verified  100%", "LOCKS\n  none"} {
		if text.Code != 0 || !strings.Contains(text.Stdout, want) || text.Stderr != "" {
			t.Errorf("status lacks %q: %s", want, text)
		}
	}
	dev := w.cli.Run("status", "shop/dev")
	if dev.Code != 0 || !strings.Contains(dev.Stdout, "api      main *  1.2      verified  -") {
		t.Errorf("dev status: %s", dev)
	}
}

// checkHistory: the command lists the ledger's events as the SDK reads
// them, newest first.
func (w *oncallWorld) checkHistory() {
	t := w.t
	for _, env := range []string{"shop/dev", "shop/prod"} {
		want := w.s.Events(env, 500)
		var h oncall.History
		w.cli.JSON(&h, "history", env, "--limit", "0")
		if len(h.Events) != len(want) {
			t.Fatalf("%s: history lists %d events, the ledger holds %d", env, len(h.Events), len(want))
		}
		for i, e := range h.Events {
			if e.ID != want[i].ID || e.Kind != want[i].Kind || e.Actor != want[i].Actor || !e.At.Equal(want[i].At) {
				t.Fatalf("%s: event %d is %+v, the ledger's is %+v", env, i, e, want[i])
			}
		}
	}
	var recent oncall.History
	w.cli.JSON(&recent, "history", "shop/prod", "--service", "api", "--since", "1h", "--limit", "3")
	if len(recent.Events) != 3 || !recent.More || recent.Events[0].Kind != ledger.KindRolledBack {
		t.Fatalf("the newest 3 events of shop/prod/api: %+v", recent)
	}
	text := w.cli.Run("history", "shop/prod", "--limit", "20")
	if text.Code != 0 || !regexp.MustCompile(`api\s+rolled_back\s+-\s+rolled_back\s+golive-test/pipeline\s+at step 1 of 2, back to blue=0 green=100; reason: .*alarm "`+w.alarm+`" is ALARM`).MatchString(text.Stdout) {
		t.Errorf("history's table lacks the rollback: %s", text)
	}
	dev := w.cli.Run("history", "shop/dev", "--service", "api")
	if dev.Code != 0 || !strings.Contains(dev.Stdout, "deployment_failed    1.2") {
		t.Errorf("dev's history lacks the failed deployment: %s", dev)
	}
}

// cutoverVars are the prod variables of a cutover back to blue (1.2).
func (w *oncallWorld) cutoverVars(bake string) {
	w.s.with(map[string]any{"prod": map[string]any{"blue": release("1.2", "3"), "green": release("1.1", "2")}, "green_weight": 0, "bake": bake})
}

// startCutover starts an apply of a long canary and waits until it holds
// the lock with traffic at its first step.
func (w *oncallWorld) startCutover() *tfRun {
	t := w.t
	w.cutoverVars("10m")
	mark := eventMark(t, w.s, "shop/prod")
	run := startTerraform(t, w.s, "apply", "-input=false", "-auto-approve")
	if !waitUntil(3*time.Minute, func() bool {
		return run.Exited() || hasEvent(eventsSince(t, w.s, "shop/prod", mark), ledger.KindTrafficStep)
	}) {
		t.Fatal("the canary did not reach its first step within 3m")
	}
	if run.Exited() {
		t.Fatalf("terraform apply ended before its first step:\n%s", run.Wait(t, 0))
	}
	return run
}

func (w *oncallWorld) checkUnlockOfARunningHolder() {
	t := w.t
	run := w.startCutover()
	lk := readLock(t, w.s, "shop/prod", "api")
	if lk == nil || lk.Holder != w.actor {
		t.Fatalf("during the cutover the lock is %+v, want one held by %s", lk, w.actor)
	}
	var st oncall.Status
	w.cli.JSON(&st, "status", "shop/prod")
	api := st.Services[0]
	live := aliasWeights(t, w.s, w.fn)
	if api.Lock == nil || api.Lock.Holder != w.actor || api.Lock.Operation != lk.Operation || !api.Lock.Live ||
		api.Router.Weights["blue"] != live["3"] || api.Router.Weights["green"] != live["2"] || live["3"] != 50 {
		t.Fatalf("status mid-canary: lock %+v, weights %v; the alias routes %v", api.Lock, api.Router.Weights, live)
	}

	refused := w.cli.Run("unlock", "shop/prod/api", "--reason", "INC-1 pipeline stuck")
	if refused.Code != 1 || refused.Stdout != "" || !strings.Contains(refused.Stderr, "not releasing the lock of shop/prod/api: "+w.actor+" holds it") {
		t.Fatalf("unlock of a live holder: %s", refused)
	}
	if readLock(t, w.s, "shop/prod", "api") == nil {
		t.Fatal("the refused unlock released the lock")
	}

	var u oncall.Unlocked
	w.cli.JSON(&u, "unlock", "shop/prod/api", "--reason", "INC-1 pipeline stuck", "--force")
	if !u.Forced || u.LeaseExpired || u.Holder != w.actor || u.Actor != w.cli.Actor {
		t.Fatalf("forced unlock: %+v", u)
	}
	w.checkRecorded(u, ledger.OutcomeForced, "INC-1 pipeline stuck")
	_ = run.Interrupt(true)
	run.Wait(t, 2*time.Minute)
}

func (w *oncallWorld) checkUnlockOfAnExpiredHolder() {
	t := w.t
	run := w.startCutover()
	if _, err := run.KillProvider(); err != nil {
		t.Fatal(err)
	}
	run.Wait(t, 2*time.Minute)
	lk := readLock(t, w.s, "shop/prod", "api")
	if lk == nil || !lk.Expires.After(time.Now()) {
		t.Fatalf("after the kill the lock is %+v, want one whose lease still runs", lk)
	}
	// The holder is gone, but nothing tells the ledger so until its lease
	// runs out.
	if r := w.cli.Run("unlock", "shop/prod/api", "--reason", "runner lost"); r.Code != 1 || !strings.Contains(r.Stderr, "--force") {
		t.Fatalf("unlock before the lease expired: %s", r)
	}
	if !waitUntil(ledger.DefaultLease+30*time.Second, func() bool { return time.Now().After(lk.Expires.Add(time.Second)) }) {
		t.Fatal("the lease did not expire")
	}
	status := w.cli.Run("status", "shop/prod")
	if !strings.Contains(status.Stdout, "(holder gone: `golive unlock` may release it)") {
		t.Errorf("status of an expired lock: %s", status)
	}
	var u oncall.Unlocked
	w.cli.JSON(&u, "unlock", "shop/prod/api", "--reason", "runner lost")
	if u.Forced || !u.LeaseExpired || u.Holder != w.actor {
		t.Fatalf("unlock of an expired holder: %+v", u)
	}
	w.checkRecorded(u, ledger.OutcomeReleased, "runner lost")
}

// checkRecorded reads the unlock back through the SDK: the lock is gone
// and the ledger's newest event of the service says who released it.
func (w *oncallWorld) checkRecorded(u oncall.Unlocked, outcome, reason string) {
	t := w.t
	if lk := readLock(t, w.s, "shop/prod", "api"); lk != nil {
		t.Fatalf("the lock is still held after the unlock: %+v", lk)
	}
	for _, e := range w.s.Events("shop/prod", 20) {
		if e.ID != u.EventID {
			continue
		}
		if e.Kind != ledger.KindLockBroken || e.Outcome != outcome || e.Actor != w.cli.Actor || e.Reason != reason || e.Service != "api" ||
			!strings.Contains(e.Detail, "released the lock held by "+w.actor) {
			t.Fatalf("the ledger's record of the unlock: %+v", e)
		}
		return
	}
	t.Fatalf("the ledger has no event %s", u.EventID)
}

// converge finishes the cutover to blue and refreshes the data source.
func (w *oncallWorld) converge() {
	w.cutoverVars("2s")
	w.s.Apply(nil)
	terraform.RunTerraformCommand(w.t, w.s.Opts, terraform.FormatArgs(w.s.Opts, "apply", "-refresh-only", "-auto-approve", "-input=false")...)
	if live := aliasWeights(w.t, w.s, w.fn); live["3"] != 100 {
		w.t.Fatalf("after converging the alias routes %v, want all to version 3 (blue)", live)
	}
}

// checkMetrics: the command's figures are the data source's.
func (w *oncallWorld) checkMetrics() {
	t := w.t
	ds := terraform.OutputMap(t, w.s.Opts, "prod_metrics")
	var m oncall.Metrics
	w.cli.JSON(&m, "metrics", "shop/prod")
	num := func(k string) float64 {
		v, err := strconv.ParseFloat(ds[k], 64)
		if err != nil {
			t.Fatalf("prod_metrics.%s = %q: %v", k, ds[k], err)
		}
		return v
	}
	if float64(m.Deployments) != num("deployments") || float64(m.Changes) != num("changes") || float64(m.Failures) != num("failures") ||
		m.DeploymentFrequency != num("deployment_frequency") || m.ChangeFailureRate == nil || *m.ChangeFailureRate != num("change_failure_rate") ||
		m.MeanTimeToRestore == nil || *m.MeanTimeToRestore != ds["mean_time_to_restore"] {
		t.Fatalf("golive metrics %+v differs from golive_delivery_metrics %v", m, ds)
	}
	if m.Failures < 1 || m.Deployments < 3 {
		t.Fatalf("prod had a rolled-back canary and three verified deployments: %+v", m)
	}
	text := w.cli.Run("metrics", "shop/prod")
	if text.Code != 0 || !strings.Contains(text.Stdout, fmt.Sprintf("(%d failed of %d changes)", m.Failures, m.Changes)) {
		t.Errorf("metrics text: %s", text)
	}
}

// checkReport writes the report, opens it in headless Chromium, and checks
// that both charts rendered one point per release.
func (w *oncallWorld) checkReport() {
	t := w.t
	dir := os.Getenv("GOLIVE_ARTIFACTS_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(dir, "oncall-report.html")
	var sum oncall.ReportSummary
	r := w.cli.JSON(&sum, "report", "shop", "--html", page)
	if !strings.Contains(r.Stderr, "golive: wrote "+page) {
		t.Errorf("report progress belongs on stderr: %s", r)
	}
	releases := w.releasesInLedger()
	if len(sum.Releases) != releases || len(sum.Environments) != 2 {
		t.Fatalf("the report counts %d releases in %d environments; the ledger holds %d releases", len(sum.Releases), len(sum.Environments), releases)
	}
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	// Self-contained: nothing a browser would fetch, and no URL at all.
	if m := regexp.MustCompile(`(?i)(src|href|action|srcset|poster)\s*=|url\(|@import|<(script|link|img|iframe|object|embed|video|audio|base|meta http-equiv)|[a-z]+://`).FindString(string(html)); m != "" {
		t.Errorf("the report %s refers to something outside itself: %q", page, m)
	}
	dom := string(chromium(t, "--dump-dom", "file://"+page))
	for _, id := range []string{"chart-frequency", "chart-failure-rate"} {
		svg := regexp.MustCompile(`(?s)<svg id="` + id + `".*?</svg>`).FindString(dom)
		points := strings.Count(svg, `<circle class="point`)
		lines := regexp.MustCompile(`<polyline points="[0-9.]+,[0-9.]+ [0-9.]+,[0-9.]+`).FindAllString(svg, -1)
		if points != releases || len(lines) != 2 {
			t.Errorf("%s renders %d points and %d lines; want one point per release (%d) and a line per environment", id, points, len(lines), releases)
		}
	}
	shot := filepath.Join(dir, "oncall-report.png")
	chromium(t, "--screenshot="+shot, "--window-size=1280,2400", "file://"+page)
	p := readPaint(t, shot, map[string][3]uint8{"dev": {0x25, 0x63, 0xeb}, "prod": {0x93, 0x33, 0xea}, "failed": {0xdc, 0x26, 0x26}})
	if p.Width != 1280 || p.NonBackground < 0.2 || p.Near["dev"] < 200 || p.Near["prod"] < 200 || p.Near["failed"] < 20 {
		t.Errorf("the screenshot %s looks blank or chartless: %+v", shot, p)
	}
	t.Logf("report %s, screenshot %s (%d releases)", page, shot, releases)
}

// releasesInLedger counts, through the SDK, the changes that ended in dev
// and prod: one point each in every chart.
func (w *oncallWorld) releasesInLedger() int {
	n := 0
	for _, env := range []string{"shop/dev", "shop/prod"} {
		for _, e := range w.s.Events(env, 500) {
			switch {
			case e.Kind == ledger.KindDeploymentVerified, e.Kind == ledger.KindDeploymentFailed, e.Kind == ledger.KindCutoverCompleted,
				e.Kind == ledger.KindRolledBack && (e.Outcome == ledger.OutcomeRolledBack || e.Outcome == ledger.OutcomeRollbackFailed):
				n++
			}
		}
	}
	return n
}
