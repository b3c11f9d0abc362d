package ledger_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

func TestMain(m *testing.M) { emulator.Main(m, emulator.Options{}) }

// clock is a settable time source shared by a test's ledgers.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// newLedger makes a ledger table in a fresh emulator account.
func newLedger(t *testing.T, opts ...ledger.Option) (*ledger.Ledger, *dynamodb.Client) {
	t.Helper()
	ctx := context.Background()
	cfg, err := emulator.Shared(t).AccountConfig(ctx, emulator.NewAccountID())
	if err != nil {
		t.Fatal(err)
	}
	db := dynamodb.NewFromConfig(cfg)
	if err := ledger.CreateTable(ctx, db, ledger.DefaultTable); err != nil {
		t.Fatal(err)
	}
	return ledger.New(db, ledger.DefaultTable, emulator.Region, opts...), db
}

func TestEnvironmentRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, _ := newLedger(t)
	env := ledger.Environment{
		Application: "shop", Name: "prod", Tier: "production", PromotesFrom: "staging", Parity: "strict",
		AWSAccountID: "123456789012", DeletionProtection: true,
		VariableKeys: []string{"A", "B"}, SecretKeys: []string{"S"}, SecretsVersion: ptr(int64(3)),
		Freezes:      []ledger.FreezeRecord{{Start: "2026-12-24T00:00:00Z", End: "2026-12-27T00:00:00Z", Reason: "holiday"}},
		DeployWindow: &ledger.WindowRecord{Days: []string{"Mon"}, Start: "09:00", End: "16:00", Timezone: "Europe/Berlin"},
		Notify:       &ledger.NotifyRecord{WebhookURL: "https://hooks.example.com/x"},
		UpdatedBy:    "arn:aws:sts::123456789012:assumed-role/deployer/golive",
	}
	if err := l.CreateEnvironment(ctx, env); err != nil {
		t.Fatal(err)
	}
	if err := l.CreateEnvironment(ctx, env); !errors.Is(err, ledger.ErrExists) {
		t.Fatalf("second create: want ErrExists, got %v", err)
	}
	got, err := l.GetEnvironment(ctx, "shop/prod")
	if err != nil {
		t.Fatal(err)
	}
	if got.Tier != "production" || got.PromotesFrom != "staging" || !got.DeletionProtection ||
		len(got.Freezes) != 1 || got.Freezes[0].Reason != "holiday" || got.DeployWindow.Timezone != "Europe/Berlin" ||
		*got.SecretsVersion != 3 || strings.Join(got.VariableKeys, ",") != "A,B" || got.Notify.WebhookURL == "" {
		t.Fatalf("read back %+v", got)
	}
	if got.UpdatedAt.IsZero() {
		t.Fatal("updated_at not set")
	}
	if err := l.DeleteEnvironment(ctx, "shop/prod"); err != nil {
		t.Fatal(err)
	}
	if _, err := l.GetEnvironment(ctx, "shop/prod"); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("after delete: want ErrNotFound, got %v", err)
	}
}

func TestMissingTableNamesTableAndHowToCreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, err := emulator.Shared(t).AccountConfig(ctx, emulator.NewAccountID())
	if err != nil {
		t.Fatal(err)
	}
	l := ledger.New(dynamodb.NewFromConfig(cfg), "no-such-ledger", emulator.Region)
	_, err = l.GetEnvironment(ctx, "shop/prod")
	var missing *ledger.TableMissingError
	if !errors.As(err, &missing) {
		t.Fatalf("want TableMissingError, got %v", err)
	}
	for _, want := range []string{`"no-such-ledger"`, "us-east-1", "modules/ledger", "aws dynamodb create-table"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

func TestEventsNewestFirstPagedAndByService(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := &clock{now: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	l, _ := newLedger(t, ledger.WithClock(c.Now))
	for i := 0; i < 7; i++ {
		svc := "api"
		if i%2 == 1 {
			svc = "web"
		}
		if _, err := l.RecordEvent(ctx, ledger.Event{Environment: "shop/prod", Service: svc, Kind: "deployment_verified",
			Version: string(rune('a' + i)), Actor: "arn:test"}); err != nil {
			t.Fatal(err)
		}
		c.Advance(time.Minute)
	}
	page1, next, err := l.Events(ctx, ledger.EventQuery{Environment: "shop/prod", Limit: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(page1) != 4 || page1[0].Version != "g" || page1[3].Version != "d" || next == "" {
		t.Fatalf("page 1: %v next=%q", versions(page1), next)
	}
	page2, next, err := l.Events(ctx, ledger.EventQuery{Environment: "shop/prod", Limit: 4, After: next})
	if err != nil {
		t.Fatal(err)
	}
	if got := versions(page2); got != "cba" {
		t.Fatalf("page 2: %s", got)
	}
	if next != "" {
		t.Fatalf("page 2 should be the last, next=%q", next)
	}
	web, _, err := l.Events(ctx, ledger.EventQuery{Environment: "shop/prod", Service: "web"})
	if err != nil {
		t.Fatal(err)
	}
	if got := versions(web); got != "fdb" {
		t.Fatalf("web events: %s", got)
	}
}

func versions(es []ledger.Event) string {
	var b strings.Builder
	for _, e := range es {
		b.WriteString(e.Version)
	}
	return b.String()
}

func ptr[T any](v T) *T { return &v }
