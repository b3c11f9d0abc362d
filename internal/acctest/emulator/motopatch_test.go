package emulator

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

// TestTransactionsBehaveAsInDynamoDB: with the patch, transactions that
// run at once on a table of many items all succeed (moto alone answers
// some of them HTTP 500), a failed condition cancels the whole
// transaction with a reason per item, and the item that failed comes back
// when asked for.
func TestTransactionsBehaveAsInDynamoDB(t *testing.T) {
	SkipShort(t)
	s, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	ctx := context.Background()
	cfg, err := s.AccountConfig(ctx, NewAccountID())
	if err != nil {
		t.Fatal(err)
	}
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 })
	if _, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("t"), BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
	}); err != nil {
		t.Fatal(err)
	}
	for i := range 1000 {
		if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("t"), Item: map[string]types.AttributeValue{"pk": str(fmt.Sprint("fill-", i))}}); err != nil {
			t.Fatal(err)
		}
	}
	put := func(pk, cond string) types.TransactWriteItem {
		p := &types.Put{TableName: aws.String("t"), Item: map[string]types.AttributeValue{"pk": str(pk), "v": str("1")},
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}
		if cond != "" {
			p.ConditionExpression = aws.String(cond)
		}
		return types.TransactWriteItem{Put: p}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
				put(fmt.Sprint("a-", i), "attribute_not_exists(pk)"), put(fmt.Sprint("b-", i), ""),
			}})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("a transaction among others failed: %v", err)
		}
	}

	_, err = db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		put("c", ""), put("a-1", "attribute_not_exists(pk)"),
	}})
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) || len(tce.CancellationReasons) != 2 ||
		aws.ToString(tce.CancellationReasons[0].Code) != "None" || aws.ToString(tce.CancellationReasons[1].Code) != "ConditionalCheckFailed" {
		t.Fatalf("a failed condition: %v, want the transaction cancelled with a reason per item", err)
	}
	if old, ok := tce.CancellationReasons[1].Item["v"].(*types.AttributeValueMemberS); !ok || old.Value != "1" {
		t.Errorf("the failed item came back as %v", tce.CancellationReasons[1].Item)
	}
	out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("t"), Key: map[string]types.AttributeValue{"pk": str("c")}})
	if err != nil || out.Item != nil {
		t.Fatalf("the cancelled transaction wrote its other item: %v, %v", out.Item, err)
	}
}
