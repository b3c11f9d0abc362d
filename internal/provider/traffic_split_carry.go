package provider

import (
	"context"
	"encoding/json"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
	"github.com/golive-dev/terraform-provider-golive/internal/router"
)

// What the refresh of a traffic split carries to the plan and the apply
// that follow it, in the split's private state, so that neither reads it
// again: the environment record (the plan judges the release schedule on
// it; the transaction that takes the apply's lock checks the ledger still
// has that revision of it), and the split's router as read (the cutover
// starts from those weights and writes the other actions back as they
// were). Terraform hands a refresh's private state to the plans of the
// same run, the one its apply makes included (private state a plan sets is
// not kept: the apply plans again). What is older than carriedMaxAge (a
// plan made without refresh, from a state refreshed long ago) is not used:
// the plan and the apply read instead. Create, which Terraform gives no
// private state, reads too.

const privateCarry = "carry"

// carriedMaxAge is how old a refresh's reads may be and still serve a plan
// and its apply.
const carriedMaxAge = 15 * time.Minute

// privateState is a resource's private state (the framework's
// privatestate.ProviderData).
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// carried is what a refresh carried; nil fields it did not.
type carried struct {
	ReadAt      time.Time           `json:"read_at"`
	Environment *ledger.Environment `json:"environment,omitempty"`
	View        *routerView         `json:"view,omitempty"`
}

// routerView is what the refresh saw of a split's router.
type routerView struct {
	// Router names what the view is of (the router's String): an apply
	// routing with anything else does not use it.
	Router string          `json:"router"`
	ALB    router.ALBState `json:"alb"`
}

// carryFromRefresh keeps env and view in the refreshed private state.
func carryFromRefresh(ctx context.Context, p privateState, now time.Time, env *ledger.Environment, view *routerView) diag.Diagnostics {
	b, err := compactJSON(carried{ReadAt: now.UTC(), Environment: env, View: view})
	if err != nil {
		return nil // not carried: the plan and the apply read instead
	}
	return p.SetKey(ctx, privateCarry, b)
}

// carriedFrom is what a refresh carried, if it is fresh at now.
func carriedFrom(ctx context.Context, p privateState, now time.Time) carried {
	var c carried
	if p == nil {
		return c
	}
	b, _ := p.GetKey(ctx, privateCarry)
	if len(b) == 0 || json.Unmarshal(b, &c) != nil || now.Sub(c.ReadAt) > carriedMaxAge || c.ReadAt.After(now.Add(time.Minute)) {
		return carried{}
	}
	return c
}

// forgetCarried removes what the refresh carried from the private state an
// apply leaves in Terraform's state: it served its one apply.
func forgetCarried(ctx context.Context, p privateState) diag.Diagnostics {
	return p.SetKey(ctx, privateCarry, nil)
}

// environment is the carried record of env, nil when none was carried.
func (c carried) environment(env string) *ledger.Environment {
	if c.Environment == nil || c.Environment.ID() != env {
		return nil
	}
	return c.Environment
}

// seed gives rt the refresh's view of it, when one of this very router
// was carried.
func (c carried) seed(rt rollout.Router) {
	alb, ok := rt.(*router.ALB)
	if ok && c.View != nil && c.View.Router == alb.String() {
		alb.Remember(c.View.ALB)
	}
}

// plannedEnvironment is the environment record a plan judges a cutover
// on: the one its refresh carried, else as this walk read it already, else
// read now (an apply plans again, and its writes keep emptying the cache,
// so a read of the one record is cheaper there than the environment's).
func (r *trafficSplitResource) plannedEnvironment(ctx context.Context, p privateState, c splitConfig) (*ledger.Environment, error) {
	if env := carriedFrom(ctx, p, time.Now()).environment(c.env); env != nil {
		return env, nil
	}
	if env, ok := r.data.reads.environmentIfRead(c.env); ok {
		return env, nil
	}
	return r.data.ledger.GetEnvironment(ctx, c.env)
}

// compactJSON is v as JSON without its null members: what an SDK type
// leaves unset takes no room in Terraform's state.
func compactJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var tree any
	if err := json.Unmarshal(b, &tree); err != nil {
		return nil, err
	}
	return json.Marshal(dropNulls(tree))
}

func dropNulls(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if x == nil {
				delete(t, k)
				continue
			}
			t[k] = dropNulls(x)
		}
	case []any:
		for i, x := range t {
			t[i] = dropNulls(x)
		}
	}
	return v
}

// readALB reads the live weights of an ALB split for a refresh, and an
// owned rule's priority and conditions: a rule from the read of every rule
// of its listener, which the refresh of each split on that listener shares.
// It also returns what it saw, for the plan and the apply.
func (r *trafficSplitResource) readALB(ctx context.Context, c splitConfig, dests []rollout.Destination) (rollout.Weights, router.ALBRule, *routerView, error) {
	rt := r.albRouter(c, dests)
	if arn := c.alb.RuleARN.ValueString(); arn != "" {
		listener := c.alb.ListenerARN.ValueString()
		if c.rule == nil {
			listener, _ = router.ListenerOfRule(arn)
		}
		// A failed or fruitless read of the listener leaves the rule to its
		// own read, which says what is wrong.
		if listener != "" {
			if rule, ok, err := r.data.reads.ListenerRule(ctx, listener, arn); err == nil && ok {
				rt.RememberRule(rule)
			}
		}
	}
	var live rollout.Weights
	var spec router.ALBRule
	var err error
	if c.rule != nil {
		live, spec, err = rt.ReadRule(ctx)
	} else {
		live, err = rt.Read(ctx)
	}
	var view *routerView
	if st, ok := rt.Seen(); ok && err == nil {
		view = &routerView{Router: rt.String(), ALB: st}
	}
	return live, spec, view, err
}
