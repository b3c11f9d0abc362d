package provider

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/router"
)

// fakePrivate is a private state in memory.
type fakePrivate map[string][]byte

func (p fakePrivate) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return p[key], nil
}

func (p fakePrivate) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	if len(value) == 0 {
		delete(p, key)
	} else {
		p[key] = value
	}
	return nil
}

func TestCarriedReadsServeOnlyWhileFresh(t *testing.T) {
	ctx := context.Background()
	read := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	env := &ledger.Environment{Application: "shop", Name: "prod", Revision: "r1"}
	rule := router.NewALB(nil, "", "arn:rule", nil)
	view := &routerView{Router: rule.String(), ALB: router.ALBState{Rule: &router.ALBRule{Priority: 7}}}
	p := fakePrivate{}
	if d := carryFromRefresh(ctx, p, read, env, view); d.HasError() {
		t.Fatal(d)
	}
	for _, c := range []struct {
		name  string
		at    time.Time
		fresh bool
	}{
		{"at once", read, true},
		{"a plan applied ten minutes later", read.Add(10 * time.Minute), true},
		{"a state refreshed an hour ago", read.Add(time.Hour), false},
		{"read in the future", read.Add(-5 * time.Minute), false},
	} {
		got := carriedFrom(ctx, p, c.at)
		if fresh := got.environment("shop/prod") != nil && got.View != nil; fresh != c.fresh {
			t.Errorf("%s: carried %+v, want fresh %t", c.name, got, c.fresh)
		}
	}
	got := carriedFrom(ctx, p, read)
	if got.environment("shop/staging") != nil {
		t.Error("the record of shop/prod served shop/staging")
	}
	if got.environment("shop/prod").Revision != "r1" {
		t.Errorf("carried environment %+v", got.Environment)
	}
	got.seed(rule)
	if st, ok := rule.Seen(); !ok || st.Rule.Priority != 7 {
		t.Errorf("the router was not given the carried view: %+v, %t", st, ok)
	}
	other := router.NewALB(nil, "", "arn:other-rule", nil)
	got.seed(other)
	if _, ok := other.Seen(); ok {
		t.Error("the view of one rule was given to another")
	}
	if d := forgetCarried(ctx, p); d.HasError() || len(p) != 0 {
		t.Errorf("after forgetCarried: %v %v", p, d)
	}
}
