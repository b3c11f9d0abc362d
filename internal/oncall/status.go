package oncall

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/awsclient"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
	"github.com/golive-dev/terraform-provider-golive/internal/router"
)

// Status is what is live in one environment, service by service.
type Status struct {
	Environment  string          `json:"environment"`
	Tier         string          `json:"tier"`
	PromotesFrom string          `json:"promotes_from,omitempty"`
	ReadAt       time.Time       `json:"read_at"`
	Services     []ServiceStatus `json:"services"`
}

// ServiceStatus is one service: its slots as the ledger records them, its
// router's weights as AWS reports them now, and its lock.
type ServiceStatus struct {
	Service  string        `json:"service"`
	LiveSlot string        `json:"live_slot,omitempty"`
	Slots    []SlotStatus  `json:"slots"`
	Router   *RouterStatus `json:"router,omitempty"`
	Lock     *LockStatus   `json:"lock,omitempty"`
}

// SlotStatus is one deployment of a service.
type SlotStatus struct {
	Slot        string    `json:"slot"`
	Version     string    `json:"version"`
	Status      string    `json:"status"` // verified | failed | deploying
	DeployedAt  time.Time `json:"deployed_at"`
	Destination string    `json:"destination"`
	Live        bool      `json:"live"`
	// Traffic is the slot's live percentage, nil without a router or when
	// no destination routes to it.
	Traffic *int `json:"traffic"`
}

// RouterStatus is a traffic split's router and its weights.
type RouterStatus struct {
	Kind   string `json:"kind"`   // alb | lambda_alias | route53 | gateway_api
	Object string `json:"object"` // e.g. "Lambda alias shop-api:live"
	// Weights are the live weights by destination name (raw identifiers for
	// targets no destination declares); nil when they could not be read.
	Weights map[string]int `json:"weights"`
	// Declared are the weights the last apply of the split declared.
	Declared map[string]int `json:"declared"`
	Error    string         `json:"error,omitempty"`
}

// LockStatus is a held lock.
type LockStatus struct {
	Holder    string    `json:"holder"`
	Operation string    `json:"operation"`
	Since     time.Time `json:"since"`
	Expires   time.Time `json:"expires"`
	// Live says whether the holder's lease still runs: until it expires
	// the holder may be at work, and `golive unlock` refuses without
	// --force.
	Live bool `json:"live"`
}

// recentEvents is how many of the newest events status reads to find
// services the records do not name yet (a first deployment under way).
const recentEvents = 50

// ReadStatus reads env's records, locks and live weights.
func ReadStatus(ctx context.Context, s *Session, env string) (*Status, error) {
	part, err := s.Ledger.ReadPartition(ctx, env)
	if err != nil {
		return nil, err
	}
	record, err := part.GetEnvironment()
	if err != nil {
		return nil, err
	}
	recent, _, err := s.Ledger.Events(ctx, ledger.EventQuery{Environment: env, Limit: recentEvents})
	if err != nil {
		return nil, err
	}
	in := statusInput{env: record, releases: part.Releases(), splits: part.Splits(), now: s.Now().UTC()}
	in.locks = map[string]*ledger.LockInfo{}
	in.live = map[string]liveRead{}
	for _, svc := range serviceNames(in.releases, in.splits, recent) {
		lk, err := s.Ledger.ReadLock(ctx, env, svc)
		switch {
		case errors.Is(err, ledger.ErrNotFound):
		case err != nil:
			return nil, err
		default:
			in.locks[svc] = lk
		}
	}
	for svc, sp := range in.splits {
		rt := routerFor(s.AWS, sp)
		w, err := rt.Read(ctx)
		if err != nil {
			err = fmt.Errorf("reading the live weights of %s/%s from %s: %w", env, svc, rt, err)
		}
		in.live[svc] = liveRead{object: rt.String(), weights: w, err: err}
	}
	return buildStatus(in), nil
}

// routerFor is the router a split record names, as the provider builds it.
func routerFor(aws *awsclient.Clients, sp ledger.Split) rollout.Router {
	dests := make([]rollout.Destination, 0, len(sp.Destinations))
	for _, d := range sp.Destinations {
		dests = append(dests, rollout.Destination{Name: d.Name, Target: d.Target})
	}
	switch sp.Router {
	case "lambda_alias":
		return router.NewLambdaAlias(aws.Lambda(), sp.FunctionName, sp.Alias, dests)
	case "route53":
		return router.NewRoute53(aws.Route53(), sp.ZoneID, sp.RecordName, sp.RecordType, sp.TTL, dests)
	case "gateway_api":
		return gatewayAPIRouter(sp, dests)
	default:
		listener := sp.ListenerARN
		if sp.RuleARN != "" {
			listener = "" // a split on a rule routes there, whichever listener holds it
		}
		return router.NewALB(aws.ELBv2(), listener, sp.RuleARN, dests)
	}
}

// serviceNames are the services of the records and of recent events,
// sorted.
func serviceNames(releases map[string]ledger.Release, splits map[string]ledger.Split, recent []ledger.Event) []string {
	set := map[string]bool{}
	for s := range releases {
		set[s] = true
	}
	for s := range splits {
		set[s] = true
	}
	for _, e := range recent {
		if e.Service != "" {
			set[e.Service] = true
		}
	}
	names := make([]string, 0, len(set))
	for s := range set {
		names = append(names, s)
	}
	sort.Strings(names)
	return names
}

// liveRead is what a router answered.
type liveRead struct {
	object  string
	weights rollout.Weights
	err     error
}

// statusInput is everything status shows, as read.
type statusInput struct {
	env      *ledger.Environment
	releases map[string]ledger.Release
	splits   map[string]ledger.Split
	locks    map[string]*ledger.LockInfo
	live     map[string]liveRead
	now      time.Time
}

// buildStatus puts the reads together, service by service.
func buildStatus(in statusInput) *Status {
	st := &Status{Environment: in.env.ID(), Tier: in.env.Tier, PromotesFrom: in.env.PromotesFrom, ReadAt: in.now, Services: []ServiceStatus{}}
	names := map[string]bool{}
	for s := range in.releases {
		names[s] = true
	}
	for s := range in.splits {
		names[s] = true
	}
	for s := range in.locks {
		names[s] = true
	}
	for _, svc := range sortedKeys(names) {
		ss := ServiceStatus{Service: svc, Slots: []SlotStatus{}}
		rel, hasRelease := in.releases[svc]
		if hasRelease {
			ss.LiveSlot = rel.LiveSlot
			ss.Slots = slotStatuses(rel)
		}
		if sp, ok := in.splits[svc]; ok {
			ss.Router = routerStatus(sp, in.live[svc])
			applyTraffic(ss.Slots, sp, ss.Router.Weights)
		}
		if lk := in.locks[svc]; lk != nil {
			ss.Lock = &LockStatus{Holder: lk.Holder, Operation: lk.Operation, Since: lk.Since, Expires: lk.Expires, Live: lk.Live(in.now)}
		}
		st.Services = append(st.Services, ss)
	}
	return st
}

func slotStatuses(rel ledger.Release) []SlotStatus {
	out := make([]SlotStatus, 0, len(rel.Slots))
	for _, name := range sortedKeys(rel.Slots) {
		s := rel.Slots[name]
		out = append(out, SlotStatus{Slot: name, Version: s.Version, Status: s.Status, DeployedAt: s.DeployedAt,
			Destination: s.Destination, Live: name == rel.LiveSlot})
	}
	return out
}

func routerStatus(sp ledger.Split, live liveRead) *RouterStatus {
	rs := &RouterStatus{Kind: sp.Router, Object: live.object, Declared: map[string]int{}}
	for _, d := range sp.Destinations {
		rs.Declared[d.Name] = d.Weight
	}
	if live.err != nil {
		rs.Error = live.err.Error()
	} else if live.weights != nil {
		rs.Weights = map[string]int(live.weights)
	}
	return rs
}

// applyTraffic gives each slot the live weight of the destinations that
// route to its deployment (id "<env>/<service>/<slot>").
func applyTraffic(slots []SlotStatus, sp ledger.Split, live map[string]int) {
	if live == nil {
		return
	}
	for i := range slots {
		for _, d := range sp.Destinations {
			if d.Deployment == "" || d.Deployment[strings.LastIndex(d.Deployment, "/")+1:] != slots[i].Slot {
				continue
			}
			w := live[d.Name]
			if slots[i].Traffic != nil {
				w += *slots[i].Traffic
			}
			slots[i].Traffic = &w
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Errors are the router reads that failed: status shows what it could and
// then fails naming them.
func (s *Status) Errors() []string {
	var out []string
	for _, svc := range s.Services {
		if svc.Router != nil && svc.Router.Error != "" {
			out = append(out, svc.Router.Error)
		}
	}
	return out
}
