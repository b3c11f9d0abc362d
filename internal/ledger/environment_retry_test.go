package ledger_test

import (
	"context"
	"errors"
	"testing"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// CreateEnvironment's conditional put is applied, its answer lost and the
// SDK retries it: the retry finds the item it wrote, which is no conflict;
// a record someone else wrote still is.
func TestCreateEnvironmentSurvivesALostAnswer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, direct, proxy := newFaultyLedger(t)
	env := ledger.Environment{
		Application: "shop", Name: "prod", Tier: "production", Parity: "strict", DeletionProtection: true,
		VariableKeys: []string{"A", "B"}, SecretsVersion: ptr(int64(2)),
		Freezes:   []ledger.FreezeRecord{{Start: "2026-12-24T00:00:00Z", End: "2026-12-27T00:00:00Z", Reason: "holiday"}},
		Notify:    &ledger.NotifyRecord{WebhookURL: "https://hooks.example.com/x"},
		UpdatedBy: "arn:alice",
	}
	proxy.Inject(emulator.FaultResetAfter)
	if err := l.CreateEnvironment(ctx, env); err != nil {
		t.Fatalf("creating with a lost answer: %v", err)
	}
	if proxy.Counts()["reset-after"] != 1 || proxy.Requests() != 2 {
		t.Fatalf("the answer was not lost and retried: %s", proxy)
	}
	got, err := direct.GetEnvironment(ctx, "shop/prod")
	if err != nil || got.UpdatedBy != "arn:alice" || got.Tier != "production" {
		t.Fatalf("read back %+v, %v", got, err)
	}
	env.UpdatedBy = "arn:bob"
	if err := l.CreateEnvironment(ctx, env); !errors.Is(err, ledger.ErrExists) {
		t.Fatalf("bob creating alice's environment: want ErrExists, got %v", err)
	}
}
