package provider_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
)

// shiftCallBudget is the most AWS calls (credentials calls aside) a whole
// `terraform apply` may make to shift one split all at once in an
// environment with one split: the refresh's ledger Query, the environment's
// parameters (GetParametersByPath) and the listener's rules, the
// transaction that takes the lock and records the start, the weight
// change, and the transaction that records the outcome and releases the
// lock. The apply reads neither the rule nor the environment again: the
// refresh carried both to it (traffic_split_carry.go).
const shiftCallBudget = 6

// callWindow counts the calls golive makes between a step's PreConfig and
// its Check: the plan and the apply of the step (terraform-plugin-testing
// runs `terraform plan -out` and applies that plan).
type callWindow struct {
	t     *testing.T
	e     *testEnv
	appID string
	mu    sync.Mutex
	rec   *emulator.Recording
	seen  map[string]map[string]int // window → action → count
}

func newCallWindow(e *testEnv, appID string) *callWindow {
	w := &callWindow{t: e.t, e: e, appID: appID, seen: map[string]map[string]int{}}
	e.t.Cleanup(func() {
		if w.rec != nil {
			_, _ = w.rec.Stop()
		}
	})
	return w
}

func (w *callWindow) open() {
	rec, err := w.e.server.StartRecording()
	if err != nil {
		w.t.Fatal(err)
	}
	w.mu.Lock()
	w.rec = rec
	w.mu.Unlock()
}

// close ends the window and keeps golive's calls (STS aside) as name.
func (w *callWindow) close(name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		w.mu.Lock()
		rec := w.rec
		w.rec = nil
		w.mu.Unlock()
		calls, err := rec.Stop()
		if err != nil {
			return err
		}
		got := map[string]int{}
		for _, c := range calls {
			if c.AppID() == "golive-"+w.appID && c.Service != "sts" {
				got[c.String()]++
			}
		}
		w.seen[name] = got
		w.t.Logf("%s: %d calls: %s", name, total(got), histogram(got))
		return nil
	}
}

func total(h map[string]int) int {
	n := 0
	for _, c := range h {
		n += c
	}
	return n
}

func histogram(h map[string]int) string {
	keys := slices.Sorted(maps.Keys(h))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s×%d", k, h[k])
	}
	return strings.Join(parts, " ")
}

// TestAccTrafficSplit_shiftCallBudget holds a shift to its AWS call budget,
// counted by the emulator's recorder: an all-at-once shift of a split that
// owns its listener rule costs at most shiftCallBudget calls for plan and
// apply together, and a canary adds exactly one weight change and one step
// record for each step beyond the first.
func TestAccTrafficSplit_shiftCallBudget(t *testing.T) {
	e := newTestEnv(t)
	f := e.alb(t)
	const app = "call-budget"
	w := newCallWindow(e, app)
	vars := func(green int, steps ...int) config.Variables {
		s := make([]config.Variable, len(steps))
		for i, p := range steps {
			s[i] = config.IntegerVariable(p)
		}
		return config.Variables{
			"listener_arn":       config.StringVariable(f.Listener),
			"blue_target_group":  config.StringVariable(f.Blue),
			"green_target_group": config.StringVariable(f.Green),
			"green_weight":       config.IntegerVariable(green),
			"canary_steps":       config.ListVariable(s...),
		}
	}
	cfg := e.providerBlock() + testConfig(t, "main.tf")
	var ruleARN string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesAs(app),
		Steps: []resource.TestStep{
			{Config: cfg, ConfigVariables: vars(0)},
			{
				PreConfig: w.open, Config: cfg, ConfigVariables: vars(100),
				Check: resource.ComposeTestCheckFunc(w.close("all at once"),
					e.checkOwnedRule(f, f.Listener, "100", map[string][]string{"host-header": {"api.shop.example.com"}}, 0, 100, &ruleARN)),
			},
			{
				PreConfig: w.open, Config: cfg, ConfigVariables: vars(0, 10, 50),
				Check: resource.ComposeTestCheckFunc(w.close("canary of 3 steps"),
					e.checkOwnedRule(f, f.Listener, "100", map[string][]string{"host-header": {"api.shop.example.com"}}, 100, 0, &ruleARN)),
			},
		},
	})
	once := w.seen["all at once"]
	if n := total(once); n > shiftCallBudget {
		t.Errorf("an all-at-once shift made %d AWS calls (%s), budget %d", n, histogram(once), shiftCallBudget)
	}
	canary := w.seen["canary of 3 steps"]
	extra := map[string]int{}
	for k, n := range canary {
		if d := n - once[k]; d != 0 {
			extra[k] = d
		}
	}
	for k, n := range once {
		if _, ok := canary[k]; !ok {
			extra[k] = -n
		}
	}
	want := map[string]int{"elasticloadbalancing:ModifyRule": 2, "dynamodb:PutItem": 2}
	if !maps.Equal(extra, want) {
		t.Errorf("a canary of 3 steps made %s more than an all-at-once shift, want %s (one weight change and one step record per extra step)",
			histogram(extra), histogram(want))
	}
}
