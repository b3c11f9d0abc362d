package oncall

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/awsclient"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

var now = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// midCanary is shop/prod in the middle of a canary of api (10% on green,
// the lock held by a CI run), with web on a Lambda alias it cannot read.
func midCanary() statusInput {
	return statusInput{
		env: &ledger.Environment{Application: "shop", Name: "prod", Tier: "production", PromotesFrom: "staging"},
		releases: map[string]ledger.Release{
			"api": {Service: "api", LiveSlot: "blue", Slots: map[string]ledger.Slot{
				"blue":  {Version: "1.4.1", Status: "verified", DeployedAt: now.Add(-48 * time.Hour), Destination: "arn:tg/blue"},
				"green": {Version: "1.4.2", Status: "verified", DeployedAt: now.Add(-5 * time.Minute), Destination: "arn:tg/green"},
			}},
			"worker": {Service: "worker", LiveSlot: "7", Slots: map[string]ledger.Slot{"7": {Version: "7", Status: "failed", DeployedAt: now.Add(-time.Hour)}}},
		},
		splits: map[string]ledger.Split{
			"api": {Service: "api", Router: "alb", ListenerARN: "arn:listener", Destinations: []ledger.SplitDestination{
				{Name: "blue", Deployment: "shop/prod/api/blue", Target: "arn:tg/blue", Weight: 0},
				{Name: "green", Deployment: "shop/prod/api/green", Target: "arn:tg/green", Weight: 100},
			}},
			"web": {Service: "web", Router: "lambda_alias", FunctionName: "web", Alias: "live",
				Destinations: []ledger.SplitDestination{{Name: "v1", Target: "1", Weight: 100}}},
		},
		locks: map[string]*ledger.LockInfo{"api": {Environment: "shop/prod", Service: "api", Holder: "arn:aws:sts::1:assumed-role/ci/run-42",
			Operation: "traffic shift to blue=0 green=100", Since: now.Add(-2 * time.Minute), Expires: now.Add(40 * time.Second)}},
		live: map[string]liveRead{
			"api": {object: "ALB listener arn:listener", weights: rollout.Weights{"blue": 90, "green": 10}},
			"web": {object: "Lambda alias web:live", err: errors.New("reading the live weights of shop/prod/web from Lambda alias web:live: AccessDenied")},
		},
		now: now,
	}
}

func TestBuildStatusPutsLiveWeightsOnSlots(t *testing.T) {
	st := buildStatus(midCanary())
	if len(st.Services) != 3 || st.Services[0].Service != "api" || st.Services[1].Service != "web" || st.Services[2].Service != "worker" {
		t.Fatalf("services: %+v", st.Services)
	}
	api := st.Services[0]
	if api.LiveSlot != "blue" || len(api.Slots) != 2 || *api.Slots[0].Traffic != 90 || *api.Slots[1].Traffic != 10 || !api.Slots[0].Live {
		t.Fatalf("api slots: %+v", api.Slots)
	}
	if api.Router.Weights["green"] != 10 || api.Router.Declared["green"] != 100 || api.Router.Object != "ALB listener arn:listener" {
		t.Fatalf("api router: %+v", api.Router)
	}
	if api.Lock == nil || !api.Lock.Live || api.Lock.Holder != "arn:aws:sts::1:assumed-role/ci/run-42" {
		t.Fatalf("api lock: %+v", api.Lock)
	}
	web := st.Services[1]
	if web.Router.Weights != nil || !strings.Contains(web.Router.Error, "AccessDenied") || len(web.Slots) != 0 {
		t.Fatalf("web: %+v", web)
	}
	if worker := st.Services[2]; worker.Router != nil || worker.Slots[0].Traffic != nil {
		t.Fatalf("worker has no split, so no traffic: %+v", worker)
	}
	if errs := st.Errors(); len(errs) != 1 || !strings.Contains(errs[0], "shop/prod/web") {
		t.Fatalf("errors: %v", errs)
	}
}

func TestWriteStatusShowsSlotsWeightsAndLocks(t *testing.T) {
	var b bytes.Buffer
	if err := WriteStatus(&b, buildStatus(midCanary())); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"shop/prod (production, promotes from staging), read 2026-11-26T10:00:00Z",
		"api      blue *  1.4.1    verified  90%      2026-11-24T10:00:00Z",
		"         green   1.4.2    verified  10%      2026-11-26T09:55:00Z",
		"web      -       -        -         -        -",
		"worker   7 *     7        failed    -        2026-11-26T09:00:00Z",
		"ALB listener arn:listener  blue=90 green=10   (declared by the last apply: blue=0 green=100)",
		"Lambda alias web:live      unreadable: ",
		"shop/prod/api held by arn:aws:sts::1:assumed-role/ci/run-42",
		"doing: traffic shift to blue=0 green=100",
		"lease until 2026-11-26T10:00:40Z (40s left; holder may be at work)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
}

func TestWriteStatusOfAnExpiredLockSaysUnlockMayReleaseIt(t *testing.T) {
	in := midCanary()
	in.locks["api"].Expires = now.Add(-time.Second)
	var b bytes.Buffer
	_ = WriteStatus(&b, buildStatus(in))
	if !strings.Contains(b.String(), "lease expired at 2026-11-26T09:59:59Z (holder gone: `golive unlock` may release it)") {
		t.Fatalf("status:\n%s", b.String())
	}
}

func TestStatusJSONShape(t *testing.T) {
	b, err := json.Marshal(buildStatus(midCanary()))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Environment string `json:"environment"`
		Services    []struct {
			Service string `json:"service"`
			Slots   []struct {
				Slot    string `json:"slot"`
				Traffic *int   `json:"traffic"`
			} `json:"slots"`
			Router *struct {
				Weights  map[string]int `json:"weights"`
				Declared map[string]int `json:"declared"`
				Error    string         `json:"error"`
			} `json:"router"`
			Lock *struct {
				Holder  string    `json:"holder"`
				Expires time.Time `json:"expires"`
				Live    bool      `json:"live"`
			} `json:"lock"`
		} `json:"services"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	api := got.Services[0]
	if got.Environment != "shop/prod" || api.Router.Weights["blue"] != 90 || *api.Slots[1].Traffic != 10 || !api.Lock.Live {
		t.Fatalf("json: %s", b)
	}
	if !strings.Contains(string(b), `"traffic":null`) || !strings.Contains(string(b), `"weights":null`) {
		t.Fatalf("missing values must be null, not left out: %s", b)
	}
}

func TestAnEnvironmentWithNothingDeployedSaysSo(t *testing.T) {
	st := buildStatus(statusInput{env: &ledger.Environment{Application: "shop", Name: "dev", Tier: "development"}, now: now})
	var b bytes.Buffer
	_ = WriteStatus(&b, st)
	if !strings.Contains(b.String(), "No services deployed yet.") || st.Services == nil {
		t.Fatalf("status:\n%s", b.String())
	}
}

func TestServiceNamesIncludeServicesOnlySeenInEvents(t *testing.T) {
	in := midCanary()
	got := serviceNames(in.releases, in.splits, []ledger.Event{{Service: "billing"}, {Service: ""}})
	if strings.Join(got, ",") != "api,billing,web,worker" {
		t.Fatalf("services: %v", got)
	}
}

func TestRouterForNamesWhatEachSplitRoutesWith(t *testing.T) {
	clients := &awsclient.Clients{}
	for _, c := range []struct {
		split ledger.Split
		want  string
	}{
		{ledger.Split{Router: "alb", ListenerARN: "arn:listener"}, "ALB listener arn:listener"},
		// A split that created (or adopted) a rule routes there, not on the
		// listener's default action.
		{ledger.Split{Router: "alb", ListenerARN: "arn:listener", RuleARN: "arn:rule"}, "ALB listener rule arn:rule"},
		{ledger.Split{Router: "lambda_alias", FunctionName: "shop-api", Alias: "live"}, "Lambda alias shop-api:live"},
		{ledger.Split{Router: "route53", ZoneID: "Z1", RecordName: "api.example.com", RecordType: "CNAME"}, "Route 53"},
		{ledger.Split{Router: "gateway_api", HTTPRoute: &ledger.SplitHTTPRoute{Namespace: "shop", Name: "web", Rule: 1}}, "HTTPRoute shop/web rule 1"},
	} {
		if got := routerFor(clients, c.split).String(); !strings.HasPrefix(got, c.want) {
			t.Errorf("router of %+v is %q, want %q", c.split, got, c.want)
		}
	}
}
