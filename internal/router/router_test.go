package router_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/route53"

	"github.com/golive-dev/terraform-provider-golive/internal/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
	"github.com/golive-dev/terraform-provider-golive/internal/router"
)

func TestMain(m *testing.M) { emulator.Main(m, emulator.Options{}) }

func account(t *testing.T) (aws.Config, string) {
	t.Helper()
	acct := emulator.NewAccountID()
	cfg, err := emulator.Shared(t).AccountConfig(context.Background(), acct)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, acct
}

func mustEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got  %v\n want %v", what, got, want)
	}
}

func TestALBListenerAndRule(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, _ := account(t)
	f, err := emulator.NewALB(ctx, cfg, "rt")
	if err != nil {
		t.Fatal(err)
	}
	dests := []rollout.Destination{{Name: "blue", Target: f.Blue}, {Name: "green", Target: f.Green}}
	for _, tc := range []struct{ name, listener, rule string }{{"listener", f.Listener, ""}, {"rule", "", f.Rule}} {
		t.Run(tc.name, func(t *testing.T) {
			r := router.NewALB(elbv2.NewFromConfig(cfg), tc.listener, tc.rule, dests)
			got, err := r.Read(ctx)
			if err != nil {
				t.Fatal(err)
			}
			mustEqual(t, "initial", got, rollout.Weights{"blue": 100, "green": 0})
			for _, w := range []rollout.Weights{{"blue": 90, "green": 10}, {"blue": 0, "green": 100}} {
				if err := r.Set(ctx, w); err != nil {
					t.Fatal(err)
				}
				live, sticky, err := emulator.ListenerWeights(ctx, cfg, tc.listener, tc.rule)
				if err != nil {
					t.Fatal(err)
				}
				mustEqual(t, "live after Set", live, map[string]int32{f.Blue: int32(w["blue"]), f.Green: int32(w["green"])})
				if !sticky {
					t.Fatal("stickiness was dropped")
				}
				got, _ := r.Read(ctx)
				mustEqual(t, "Read after Set", got, w)
			}
			// A target group no destination declares shows under its ARN.
			if err := r.Set(ctx, rollout.Weights{"blue": 50, "green": 0, f.Stray: 50}); err != nil {
				t.Fatal(err)
			}
			got, _ = r.Read(ctx)
			mustEqual(t, "stray", got, rollout.Weights{"blue": 50, "green": 0, f.Stray: 50})
		})
	}
}

func TestLambdaAlias(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, _ := account(t)
	f, err := emulator.NewLambda(ctx, cfg, "api")
	if err != nil {
		t.Fatal(err)
	}
	r := router.NewLambdaAlias(lambda.NewFromConfig(cfg), f.Function, f.Alias, []rollout.Destination{{Name: "v1", Target: "1"}, {Name: "v2", Target: "2"}})
	got, err := r.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "initial", got, rollout.Weights{"v1": 100, "v2": 0})
	if err := r.Set(ctx, rollout.Weights{"v1": 90, "v2": 10}); err != nil {
		t.Fatal(err)
	}
	primary, add, err := emulator.AliasRouting(ctx, cfg, f.Function, f.Alias)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "routing 90/10", fmt.Sprint(primary, add), fmt.Sprint("1", map[string]float64{"2": 0.1}))
	if err := r.Set(ctx, rollout.Weights{"v1": 0, "v2": 100}); err != nil {
		t.Fatal(err)
	}
	primary, add, _ = emulator.AliasRouting(ctx, cfg, f.Function, f.Alias)
	if primary != "2" || len(add) != 0 {
		t.Fatalf("after 0/100: primary %s additional %v", primary, add)
	}
	got, _ = r.Read(ctx)
	mustEqual(t, "Read after 0/100", got, rollout.Weights{"v1": 0, "v2": 100})

	err = r.Set(ctx, rollout.Weights{"v1": 40, "v2": 30, "3": 30})
	if err == nil || !strings.Contains(err.Error(), "at most two versions") {
		t.Fatalf("three-way split: %v", err)
	}
	primary, _, _ = emulator.AliasRouting(ctx, cfg, f.Function, f.Alias)
	if primary != "2" {
		t.Fatalf("rejected Set changed the alias to %s", primary)
	}
}

func TestRoute53SimpleToWeightedAndBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, _ := account(t)
	zone, err := emulator.NewZone(ctx, cfg, "example.com", "api.example.com", "blue.example.com")
	if err != nil {
		t.Fatal(err)
	}
	r := router.NewRoute53(route53.NewFromConfig(cfg), zone, "api.example.com", "CNAME", 30,
		[]rollout.Destination{{Name: "blue", Target: "blue.example.com"}, {Name: "green", Target: "green.example.com"}})
	got, err := r.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "simple record counts as its destination", got, rollout.Weights{"blue": 100, "green": 0})
	if err := r.Set(ctx, rollout.Weights{"blue": 90, "green": 10}); err != nil {
		t.Fatal(err)
	}
	live, ttls, err := emulator.RecordWeights(ctx, cfg, zone, "api.example.com")
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "weighted records, simple one gone", live, map[string]int64{"blue": 90, "green": 10})
	mustEqual(t, "ttl", ttls, map[int64]bool{30: true})
	if err := r.Set(ctx, rollout.Weights{"blue": 0, "green": 100}); err != nil {
		t.Fatal(err)
	}
	got, _ = r.Read(ctx)
	mustEqual(t, "Read after 0/100", got, rollout.Weights{"blue": 0, "green": 100})
}
