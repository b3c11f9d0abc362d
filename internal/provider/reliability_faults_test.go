package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/acctest/soak"
	"github.com/golive-dev/terraform-provider-golive/internal/awsclient"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// The fault suite: a three-environment canary release (dev, then staging,
// then prod, each an ALB listener split) applied while a share of the
// provider's AWS calls get 5xx answers, throttling errors, connection
// resets before and after the emulator applied them, and latency. Checker
// clients read AWS directly, not through the faults.
//
// `make test` makes soak.Runs(1) seeded run per rate; GOLIVE_SOAK_RUNS sets
// more, GOLIVE_SOAK_SEED replays, GOLIVE_SOAK_OUT receives faults-10.json
// and faults-30.json.
func TestAccReliability_faults(t *testing.T) {
	base := soak.Seed()
	t.Logf("seed %d (GOLIVE_SOAK_SEED replays it)", base)
	runs := soak.Runs(1)
	for i, sc := range []struct {
		name       string
		pct        int
		maxRetries int // 0: the provider's default
	}{
		{"faults-10", 10, 0},
		{"faults-30", 30, 0},
		// The SDK's own default of three attempts: most runs fail, which
		// exercises rollback, lock release and convergence under faults.
		// Faults start once the resources exist, so that failures land in
		// the cutovers rather than in creating the environments.
		{"faults-30-retries-3", 30, 3},
	} {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			retries := fmt.Sprintf("the provider's default retries (%d attempts)", awsclient.DefaultMaxAttempts)
			if sc.maxRetries > 0 {
				retries = fmt.Sprintf("max_retries = %d", sc.maxRetries)
			}
			report := soak.NewReport("faults", fmt.Sprintf("three-environment canary release (dev, staging, prod; steps 10, 50, 100) with %d%% of the provider's AWS calls faulted, %s", sc.pct, retries))
			for n := 0; n < runs; n++ {
				run := faultsRun(t, base+int64(i*100000+n), float64(sc.pct)/100, sc.maxRetries)
				t.Logf("run %d/%d seed %d: %s in %dms, faults %v; %s", n+1, runs, run.Seed, run.Outcome, run.Millis, run.Faults, run.Detail)
				for _, l := range run.Lost {
					t.Errorf("seed %d: LOST: %s", run.Seed, l)
				}
				if run.Outcome == "failed-unclear" {
					t.Errorf("seed %d failed without naming the AWS call that failed: %s", run.Seed, run.Detail)
				}
				report.Add(run)
			}
			s := report.Summarize()
			t.Logf("%s: %d runs, outcomes %v, faults injected %v, lost %d", sc.name, s.Runs, s.Outcomes, s.FaultsInjected, s.Lost)
			if err := report.Write(sc.name); err != nil {
				t.Error(err)
			}
		})
	}
}

// faultsEnvs are the environments of the release, in promotion order.
var faultsEnvs = []string{"dev", "staging", "prod"}

var faultsTiers = map[string]string{"dev": "development", "staging": "staging", "prod": "production"}

// faultsConfig is the release with the environments in green moved to
// green=100 (the others on blue=100), through a canary of 10 and 50 percent
// with a one-second bake.
func faultsConfig(provider string, fx map[string]*emulator.ALBFixture, green map[string]bool) string {
	var b strings.Builder
	b.WriteString(provider)
	for _, env := range faultsEnvs {
		blue, gr := 100, 0
		if green[env] {
			blue, gr = 0, 100
		}
		f := fx[env]
		fmt.Fprintf(&b, `
resource "golive_environment" %[1]q {
  application         = "shop"
  name                = %[1]q
  tier                = %[2]q
  deletion_protection = false
  variables           = { LOG_LEVEL = "info" }
}

resource "golive_traffic_split" %[1]q {
  environment = golive_environment.%[1]s.id
  service     = "api"
  alb {
    listener_arn = %[3]q
  }
  destination {
    name   = "blue"
    target = %[4]q
    weight = %[5]d
  }
  destination {
    name   = "green"
    target = %[6]q
    weight = %[7]d
  }
  strategy {
    canary {
      steps = [10, 50]
      bake  = "1s"
    }
  }
}
`, env, faultsTiers[env], f.Listener, f.Blue, blue, f.Green, gr)
	}
	return b.String()
}

// faultsProviderBlock is e.providerBlock with every endpoint at url (the
// fault proxy) instead of the emulator.
func (e *testEnv) faultsProviderBlock(url string, extra ...string) string {
	return strings.ReplaceAll(e.providerBlock(extra...), fmt.Sprintf("%q", e.server.URL), fmt.Sprintf("%q", url))
}

// faultsRun makes one seeded run: fixtures, the faulted release, then the
// invariants read through the SDK; after a failed run, the next (clean)
// apply must converge.
func faultsRun(t *testing.T, seed int64, rate float64, maxRetries int) soak.Run {
	start := time.Now()
	ctx := context.Background()
	e := newTestEnv(t)
	run := soak.Run{Seed: seed}
	fx := map[string]*emulator.ALBFixture{}
	for _, env := range faultsEnvs {
		f, err := emulator.NewALB(ctx, e.cfg, "shop-"+env)
		if err != nil {
			t.Fatal(err)
		}
		fx[env] = f
	}
	// With few retries, creating would fail first in most runs.
	faultCreate := maxRetries == 0
	proxy, err := emulator.StartFaultProxy(e.server.URL, emulator.FaultOptions{Rate: rate, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	if !faultCreate {
		proxy.SetRate(0)
	}
	failed := false
	var extra []string
	if maxRetries > 0 {
		extra = append(extra, fmt.Sprintf("  max_retries = %d", maxRetries))
	}
	provider := e.faultsProviderBlock(proxy.URL, extra...)

	// The release: create everything on blue, then promote green through
	// dev, staging and prod. Faults stop at the first failure or after the
	// last step, so Terraform's own clean-up destroy runs clean.
	var promoted []string
	green := map[string]bool{}
	steps := []resource.TestStep{{Config: faultsConfig(provider, fx, green)}}
	for _, env := range faultsEnvs {
		green = cloneFlags(green)
		green[env] = true
		steps = append(steps, resource.TestStep{
			PreConfig: func() {
				promoted = append(promoted, env)
				if !failed {
					proxy.SetRate(rate)
				}
			},
			Config: faultsConfig(provider, fx, green),
		})
	}
	stopFaults := func() { failed = true; proxy.SetRate(0) }
	steps = append(steps, resource.TestStep{
		// Faults off: the state must match AWS (an empty plan).
		PreConfig: stopFaults, Config: faultsConfig(provider, fx, green), PlanOnly: true,
	})
	rt := &faultsT{T: t, onFail: stopFaults}
	rt.run(func() {
		resource.Test(rt, resource.TestCase{ProtoV6ProviderFactories: factories(), Steps: steps})
	})
	stopFaults()
	run.Faults = proxy.Counts()

	errs := rt.errors()
	if len(errs) == 0 {
		run.Outcome = "succeeded"
		run.Detail = fmt.Sprintf("%d provider calls through the faults", proxy.Requests())
	} else {
		// Clean: the error names the AWS call that ran out of retries.
		run.Outcome = "failed-cleanly"
		if !strings.Contains(strings.Join(strings.Fields(errs[0]), " "), "operation error ") {
			run.Outcome = "failed-unclear"
		}
		run.Detail = fmt.Sprintf("failed while promoting %v after %d provider calls: %s", promoted, proxy.Requests(), errorSummary(errs[0]))
		t.Logf("seed %d failed; full error:\n%s", seed, strings.Join(errs, "\n"))
	}

	// Invariants, read through the SDK on the emulator directly.
	locks := map[string]faultsLock{}
	for _, env := range faultsEnvs {
		live, recorded, err := e.faultsWeights(ctx, fx[env], "shop/"+env)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case run.Outcome == "succeeded" && live != "blue=0 green=100":
			run.Lost = append(run.Lost, fmt.Sprintf("shop/%s/api: the release succeeded but the live weights are %s", env, live))
		case !recorded[live]:
			run.Lost = append(run.Lost, fmt.Sprintf("shop/%s/api: live weights %s are neither the old, the new nor a step the ledger recorded (%v)", env, live, sortedFlags(recorded)))
		}
		lk, held, err := e.faultsLock(ctx, "shop/"+env+"/api")
		if err != nil {
			t.Fatal(err)
		}
		if held {
			locks[env] = lk
			if left := time.Until(lk.expires); left > ledger.DefaultLease {
				run.Lost = append(run.Lost, fmt.Sprintf("lock of shop/%s/api left by %s, expiring in %s: beyond one lease (%s)", env, lk.holder, left.Round(time.Second), ledger.DefaultLease))
			}
		}
	}
	if len(locks) > 0 {
		run.Detail += fmt.Sprintf("; %d lock(s) left within their lease", len(locks))
	}

	// After a failure, the next apply (no faults) converges: at once, or
	// once a lock left behind has expired.
	if run.Outcome != "succeeded" || len(locks) > 0 {
		for _, lk := range locks {
			if wait := time.Until(lk.expires); wait > 0 {
				time.Sleep(wait + time.Second) // waiting out the lease, not asserting on time
			}
		}
		final := map[string]bool{"dev": true, "staging": true, "prod": true}
		ct := &faultsT{T: t}
		ct.run(func() {
			resource.Test(ct, resource.TestCase{ProtoV6ProviderFactories: factories(), Steps: []resource.TestStep{
				{Config: faultsConfig(provider, fx, final)},
			}})
		})
		converged := len(ct.errors()) == 0
		for _, env := range faultsEnvs {
			live, _, err := e.faultsWeights(ctx, fx[env], "shop/"+env)
			if err != nil {
				t.Fatal(err)
			}
			if live != "blue=0 green=100" {
				converged = false
			}
		}
		if converged {
			run.Detail += "; the next apply converged"
		} else {
			run.Lost = append(run.Lost, fmt.Sprintf("the next apply did not converge: %s", strings.Join(ct.errors(), "\n")))
		}
	}
	run.Millis = time.Since(start).Milliseconds()
	return run
}

func cloneFlags(m map[string]bool) map[string]bool {
	out := make(map[string]bool, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func sortedFlags(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var faultsErrorContext = regexp.MustCompile(`with \S+, on \S+ line \d+, in resource "[^"]+" "[^"]+": \d+: resource "[^"]+" "[^"]+" \{ `)

// errorSummary is a Terraform error on one line, without the pointer to
// the test's configuration, at most 500 characters.
func errorSummary(s string) string {
	s = faultsErrorContext.ReplaceAllString(strings.Join(strings.Fields(s), " "), "")
	if len(s) > 500 {
		s = s[:500] + "…"
	}
	return s
}

var (
	faultsStepDetail     = regexp.MustCompile(`^step \d+ of \d+: (.*)$`)
	faultsRollbackDetail = regexp.MustCompile(`^at step \d+ of \d+, back to (.*)$`)
	// A step whose setting failed may still have been applied (its answer
	// lost); a failed rollback's reason names those weights.
	faultsFailedSetting = regexp.MustCompile(`setting (blue=\d+ green=\d+) on `)
)

// faultsWeights reads the live weights of f's listener as "blue=B green=G"
// and the set of weights the ledger explains for env: the old and the new
// ones, and every step, rollback and completion recorded.
func (e *testEnv) faultsWeights(ctx context.Context, f *emulator.ALBFixture, env string) (string, map[string]bool, error) {
	w, _, err := emulator.ListenerWeights(ctx, e.cfg, f.Listener, "")
	if err != nil {
		return "", nil, fmt.Errorf("reading the listener of %s: %w", env, err)
	}
	names := map[string]string{f.Blue: "blue", f.Green: "green"}
	var parts []string
	for arn, weight := range w {
		name := names[arn]
		if name == "" {
			name = arn
		}
		parts = append(parts, fmt.Sprintf("%s=%d", name, weight))
	}
	sort.Strings(parts)
	live := strings.Join(parts, " ")

	recorded := map[string]bool{"blue=100 green=0": true, "blue=0 green=100": true}
	after := ""
	for {
		events, next, err := e.ledger.Events(ctx, ledger.EventQuery{Environment: env, Service: "api", Limit: 100, After: after})
		if err != nil {
			return "", nil, err
		}
		for _, ev := range events {
			switch ev.Kind {
			case ledger.KindTrafficStep:
				if m := faultsStepDetail.FindStringSubmatch(ev.Detail); m != nil {
					recorded[m[1]] = true
				}
			case ledger.KindRolledBack:
				if m := faultsRollbackDetail.FindStringSubmatch(ev.Detail); m != nil {
					recorded[m[1]] = true
				}
				if m := faultsFailedSetting.FindStringSubmatch(ev.Reason); m != nil && ev.Outcome == "rollback_failed" {
					recorded[m[1]] = true
				}
			case ledger.KindCutoverCompleted:
				recorded[ev.Detail] = true
			}
		}
		if next == "" {
			break
		}
		after = next
	}
	return live, recorded, nil
}

type faultsLock struct {
	holder            string
	acquired, expires time.Time
}

// faultsLock reads a service's lock item as it is in DynamoDB.
func (e *testEnv) faultsLock(ctx context.Context, target string) (faultsLock, bool, error) {
	out, err := e.ddb.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(ledger.DefaultTable),
		Key:            map[string]ddbtypes.AttributeValue{"pk": &ddbtypes.AttributeValueMemberS{Value: "LOCK#" + target}, "sk": &ddbtypes.AttributeValueMemberS{Value: "LOCK"}},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil || out.Item == nil {
		return faultsLock{}, false, err
	}
	millis := func(k string) time.Time {
		n, _ := out.Item[k].(*ddbtypes.AttributeValueMemberN)
		if n == nil {
			return time.Time{}
		}
		v, _ := strconv.ParseInt(n.Value, 10, 64)
		return time.UnixMilli(v)
	}
	holder := ""
	if s, ok := out.Item["holder"].(*ddbtypes.AttributeValueMemberS); ok {
		holder = s.Value
	}
	return faultsLock{holder: holder, acquired: millis("acquired_at"), expires: millis("expires_at")}, true, nil
}

// faultsT is the testing.T that terraform-plugin-testing runs a faulted
// release with: a failing step is an outcome to record, not a failed test.
// It keeps the errors, calls onFail at the first, and ends the run's
// goroutine on Fatal as testing.T does.
type faultsT struct {
	*testing.T
	onFail func()

	mu     sync.Mutex
	errs   []string
	failed bool
}

func (t *faultsT) run(f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	<-done
}

func (t *faultsT) errors() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.errs...)
}

func (t *faultsT) Error(args ...any)                 { t.add(fmt.Sprint(args...)) }
func (t *faultsT) Errorf(format string, args ...any) { t.add(fmt.Sprintf(format, args...)) }
func (t *faultsT) Fatal(args ...any)                 { t.add(fmt.Sprint(args...)); runtime.Goexit() }
func (t *faultsT) Fatalf(format string, args ...any) {
	t.add(fmt.Sprintf(format, args...))
	runtime.Goexit()
}
func (t *faultsT) Fail()    { t.add("failed") }
func (t *faultsT) FailNow() { t.add("failed"); runtime.Goexit() }
func (t *faultsT) Failed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.failed
}

// A skipped run is not a passing run.
func (t *faultsT) Skip(args ...any)                 { t.add("skipped: " + fmt.Sprint(args...)); runtime.Goexit() }
func (t *faultsT) Skipf(format string, args ...any) { t.Skip(fmt.Sprintf(format, args...)) }
func (t *faultsT) SkipNow()                         { t.Skip() }
func (t *faultsT) Skipped() bool                    { return false }
func (t *faultsT) Parallel()                        {}

func (t *faultsT) add(msg string) {
	t.mu.Lock()
	first := !t.failed
	t.failed = true
	t.errs = append(t.errs, msg)
	t.mu.Unlock()
	if first && t.onFail != nil {
		t.onFail()
	}
}
