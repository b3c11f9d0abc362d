package router_test

import (
	"context"
	"errors"
	"testing"

	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
	"github.com/golive-dev/terraform-provider-golive/internal/router"
)

// TestALB_ReadRuleIsReadAndRuleInOneCall: the weights and the rule spec
// ReadRule answers are Read's and Rule's, from one request.
func TestALB_ReadRuleIsReadAndRuleInOneCall(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, _ := account(t)
	s := newALBSetup(t, cfg)
	spec := router.ALBRule{Priority: 30, PathPatterns: []string{"/shop/*"}, HostHeaders: []string{"api.example.com"}}
	r, err := router.CreateALBRule(ctx, s.client, s.listener, spec, s.dests, rollout.Weights{"blue": 70, "green": 30}, nil)
	if err != nil {
		t.Fatal(err)
	}
	counting, calls := counted(cfg)
	cr := router.NewALB(elbv2.NewFromConfig(counting), "", r.RuleARN(), s.dests)
	w, got, err := cr.ReadRule(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := calls.matching("", ""); n != 1 {
		t.Fatalf("ReadRule made %d requests, want 1", n)
	}
	mustEqual(t, "weights", w, rollout.Weights{"blue": 70, "green": 30})
	mustEqual(t, "rule", got, spec)
	read, err := r.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "weights against Read()", w, read)

	// The setup's plain forward to blue reads as 100% blue, as Read has it.
	plain := router.NewALB(s.client, "", s.rule, s.dests)
	if w, got, err = plain.ReadRule(ctx); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "weights of a plain forward", w, rollout.Weights{"blue": 100, "green": 0})
	mustEqual(t, "rule of a plain forward", got, router.ALBRule{Priority: 10, PathPatterns: []string{"/api/*"}})

	if err := r.DeleteRule(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.ReadRule(ctx); !errors.Is(err, router.ErrNotFound) {
		t.Fatalf("ReadRule of a deleted rule: %v, want ErrNotFound", err)
	}
	if _, _, err := router.NewALB(s.client, s.listener, "", s.dests).ReadRule(ctx); err == nil {
		t.Fatal("ReadRule of a listener router: no error")
	}
}
