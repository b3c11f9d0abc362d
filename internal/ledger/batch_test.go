package ledger_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// TestReadPartitionOneQueryServesEveryRecord: one environment's records
// come back from one Query exactly as the single-item reads answer them,
// and nothing of another environment, lock or event is mixed in.
func TestReadPartitionOneQueryServesEveryRecord(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := emulator.Shared(t)
	cfg, err := srv.AccountConfig(ctx, emulator.NewAccountID())
	if err != nil {
		t.Fatal(err)
	}
	db := dynamodb.NewFromConfig(cfg)
	if err := ledger.CreateTable(ctx, db, ledger.DefaultTable); err != nil {
		t.Fatal(err)
	}
	l := ledger.New(db, ledger.DefaultTable, emulator.Region)
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, e := range []ledger.Environment{
		{Application: "shop", Name: "prod", Tier: "production", VariableKeys: []string{"A"}, UpdatedAt: at},
		{Application: "shop", Name: "prod2", Tier: "staging", UpdatedAt: at}, // shares a prefix: must not leak in
	} {
		if err := l.CreateEnvironment(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []ledger.Release{
		{Environment: "shop/prod", Service: "api", LiveSlot: "blue", UpdatedAt: at, Slots: map[string]ledger.Slot{
			"blue":  {Version: "1.0.0", Status: "verified", DeployedAt: at, Destination: "arn:tg/blue", Cluster: "arn:cluster", ECSService: "api-blue"},
			"green": {Version: "1.1.0", Status: "verified", DeployedAt: at, Destination: "arn:tg/green", Cluster: "arn:cluster", ECSService: "api-green", Previous: "1.0.0"},
		}},
		{Environment: "shop/prod", Service: "worker", UpdatedAt: at, Slots: map[string]ledger.Slot{
			"live": {Version: "7", Status: "failed", DeployedAt: at, Destination: "3", Function: "worker"},
		}},
		{Environment: "shop/prod2", Service: "api", UpdatedAt: at, Slots: map[string]ledger.Slot{"blue": {Version: "9", DeployedAt: at}}},
	} {
		if err := l.PutRelease(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	split := ledger.Split{Environment: "shop/prod", Service: "api", Router: "alb", RuleARN: "arn:rule", RuleCreated: true,
		Rule:         &ledger.SplitRule{Priority: 100, PathPatterns: []string{"/*"}},
		Destinations: []ledger.SplitDestination{{Name: "blue", Deployment: "shop/prod/api/blue", Target: "arn:tg/blue", Weight: 100}},
		UpdatedAt:    at, UpdatedBy: "arn:aws:sts::123456789012:assumed-role/deployer/golive"}
	if err := l.PutSplit(ctx, split); err != nil {
		t.Fatal(err)
	}
	if _, err := l.RecordEvent(ctx, ledger.Event{Environment: "shop/prod", Service: "api", Kind: ledger.KindTrafficStep, Outcome: "succeeded"}); err != nil {
		t.Fatal(err)
	}
	lock, err := l.AcquireLock(ctx, ledger.LockRequest{Environment: "shop/prod", Service: "api", Holder: "t", Operation: "test", Lease: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release(ctx) //nolint:errcheck // the table goes with the account

	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := srv.StartRecording()
	if err != nil {
		t.Fatal(err)
	}
	p, err := l.ReadPartition(ctx, "shop/prod")
	calls, rerr := rec.Stop()
	if err != nil {
		t.Fatal(err)
	}
	if rerr != nil {
		t.Fatal(rerr)
	}
	var mine []string
	for _, c := range calls {
		if c.AccessKey == creds.AccessKeyID {
			mine = append(mine, c.String())
		}
	}
	if !reflect.DeepEqual(mine, []string{"dynamodb:Query"}) || p.Pages != 1 {
		t.Fatalf("ReadPartition made calls %v (pages %d), want one dynamodb:Query", mine, p.Pages)
	}

	wantEnv, err := l.GetEnvironment(ctx, "shop/prod")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := p.GetEnvironment(); err != nil || !reflect.DeepEqual(got, wantEnv) {
		t.Fatalf("environment from the partition: %+v, %v\nwant %+v", got, err, wantEnv)
	}
	for _, svc := range []string{"api", "worker"} {
		want, err := l.GetRelease(ctx, "shop/prod", svc)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := p.GetRelease(svc); err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("release of %s from the partition: %+v, %v\nwant %+v", svc, got, err, want)
		}
	}
	if rels := p.Releases(); len(rels) != 2 || rels["api"].Slots["green"].ECSService != "api-green" {
		t.Fatalf("Releases: %+v, want api and worker", rels)
	}
	if got, err := p.GetSplit("api"); err != nil || !reflect.DeepEqual(*got, split) {
		t.Fatalf("split from the partition: %+v, %v\nwant %+v", got, err, split)
	}
	if _, err := p.GetSplit("worker"); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("split of worker: %v, want ErrNotFound", err)
	}
	if _, err := p.GetRelease("web"); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("release of web: %v, want ErrNotFound", err)
	}

	// An environment with no records at all: every lookup is ErrNotFound.
	empty, err := l.ReadPartition(ctx, "shop/none")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := empty.GetEnvironment(); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("environment of an empty partition: %v, want ErrNotFound", err)
	}
	if _, err := empty.GetRelease("api"); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("release of an empty partition: %v, want ErrNotFound", err)
	}
}

// TestReadPartitionMissingTable says how to create the table, as the
// single-item reads do.
func TestReadPartitionMissingTable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, err := emulator.Shared(t).AccountConfig(ctx, emulator.NewAccountID())
	if err != nil {
		t.Fatal(err)
	}
	l := ledger.New(dynamodb.NewFromConfig(cfg), "no-such-table", emulator.Region)
	_, err = l.ReadPartition(ctx, "shop/prod")
	var missing *ledger.TableMissingError
	if !errors.As(err, &missing) || missing.Table != "no-such-table" {
		t.Fatalf("ReadPartition without a table: %v, want a TableMissingError", err)
	}
}
