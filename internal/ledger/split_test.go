package ledger_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

func TestSplitRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, _ := newLedger(t)
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, s := range []ledger.Split{
		{
			Environment: "shop/prod", Service: "api", Router: "alb",
			ListenerARN: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/1/2",
			RuleARN:     "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/shop/1/2/3", RuleCreated: true,
			Rule:         &ledger.SplitRule{Priority: 100, PathPatterns: []string{"/api/*", "/v2/*"}, HostHeaders: []string{"api.example.com"}},
			Destinations: []ledger.SplitDestination{{Name: "blue", Deployment: "shop/prod/api/blue", Target: "arn:tg/blue", Weight: 100}, {Name: "green", Target: "arn:tg/green"}},
			UpdatedAt:    at, UpdatedBy: "arn:aws:sts::123456789012:assumed-role/deployer/golive",
		},
		{
			// An adopted rule: nothing about its conditions is kept.
			Environment: "shop/prod", Service: "web", Router: "alb",
			RuleARN:      "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/shop/1/2/4",
			Destinations: []ledger.SplitDestination{{Name: "blue", Target: "arn:tg/blue", Weight: 100}},
			UpdatedAt:    at, UpdatedBy: "arn:aws:sts::123456789012:assumed-role/deployer/golive",
		},
	} {
		if err := l.PutSplit(ctx, s); err != nil {
			t.Fatal(err)
		}
		got, err := l.GetSplit(ctx, s.Environment, s.Service)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*got, s) {
			t.Fatalf("split %s/%s read back as\n %+v\nwant\n %+v", s.Environment, s.Service, *got, s)
		}
	}
	if err := l.DeleteSplit(ctx, "shop/prod", "api"); err != nil {
		t.Fatal(err)
	}
	if _, err := l.GetSplit(ctx, "shop/prod", "api"); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("GetSplit after DeleteSplit: %v, want ErrNotFound", err)
	}
}
