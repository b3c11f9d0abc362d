package test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

func TestLedgerModule(t *testing.T) {
	t.Parallel()
	s := newStack(t, "test/fixtures/ledger")
	t.Cleanup(s.Destroy)
	s.Apply(nil)

	if got := s.Output("table_name"); got != ledger.DefaultTable {
		t.Errorf("table_name = %q, want the provider's default %q", got, ledger.DefaultTable)
	}
	ctx := context.Background()
	db := dynamodb.NewFromConfig(s.AWS)
	out, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(ledger.DefaultTable)})
	if err != nil {
		t.Fatalf("the table is not in the account: %v", err)
	}
	if got := aws.ToString(out.Table.TableArn); got != s.Output("table_arn") {
		t.Errorf("table_arn output %q, AWS says %q", s.Output("table_arn"), got)
	}
	if out.Table.BillingModeSummary == nil || out.Table.BillingModeSummary.BillingMode != ddbtypes.BillingModePayPerRequest {
		t.Errorf("billing mode = %+v, want PAY_PER_REQUEST", out.Table.BillingModeSummary)
	}
	backups, err := db.DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String(ledger.DefaultTable)})
	if err != nil {
		t.Fatal(err)
	}
	if pitr := backups.ContinuousBackupsDescription.PointInTimeRecoveryDescription; pitr == nil || pitr.PointInTimeRecoveryStatus != ddbtypes.PointInTimeRecoveryStatusEnabled {
		t.Errorf("point-in-time recovery not enabled: %+v", pitr)
	}

	// The provider writes its environment record into the module's table.
	s.Apply(map[string]any{"with_environment": true})
	env, err := s.Ledger().GetEnvironment(ctx, "ledgertest/dev")
	if err != nil || env == nil {
		t.Fatalf("environment record not in the module's table: %v", err)
	}
	if env.Tier != "development" {
		t.Errorf("recorded tier = %q, want development", env.Tier)
	}

	if code := s.PlanExitCode(nil); code != 0 {
		t.Errorf("a second plan wants changes (exit code %d): the module is not idempotent", code)
	}
}
