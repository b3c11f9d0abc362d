// Package ledger keeps golive's record beyond Terraform state in one DynamoDB
// table: environment records, events (who did what, when, with what outcome)
// and locks. Separate stacks and pipelines read the same table, so they see
// one truth and cannot release over each other.
//
// Item layout (pk / sk):
//
//	ENV#<app>/<env>          ENV                 environment record
//	EVT#<app>/<env>          EVT#<time>#<rand>   event; spk = EVT#<app>/<env>#<service>
//	LOCK#<app>/<env>/<svc>   LOCK                lock with a lease
package ledger

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DefaultTable is the table name the provider and modules/ledger use.
const DefaultTable = "golive-ledger"

// ServiceIndex is the global secondary index over events of one service.
const ServiceIndex = "by_service"

// Ledger reads and writes the ledger table.
type Ledger struct {
	db     *dynamodb.Client
	table  string
	region string
	// account holds the table when known ahead of any call (the account of
	// the role the ledger is reached through), for errors.
	account string
	now     func() time.Time
}

// Option changes a Ledger.
type Option func(*Ledger)

// WithClock replaces time.Now, for tests of leases and windows.
func WithClock(now func() time.Time) Option { return func(l *Ledger) { l.now = now } }

// InAccount says which AWS account holds the table, for errors that must
// say where it was looked for.
func InAccount(account string) Option { return func(l *Ledger) { l.account = account } }

// New returns a Ledger over table in region.
func New(db *dynamodb.Client, table, region string, opts ...Option) *Ledger {
	l := &Ledger{db: db, table: table, region: region, now: time.Now}
	for _, o := range opts {
		o(l)
	}
	return l
}

// Table is the table name.
func (l *Ledger) Table() string { return l.table }

// ErrNotFound is returned when a record does not exist.
var ErrNotFound = errors.New("not found in the ledger")

// TableMissingError says the ledger table does not exist, and how to make it.
type TableMissingError struct {
	Table   string
	Region  string
	Account string // "" when not known
}

func (e *TableMissingError) Error() string {
	where := e.Region
	if e.Account != "" {
		where = "account " + e.Account + ", " + e.Region
	}
	return fmt.Sprintf("the golive ledger table %q does not exist in %s. Create it with the modules/ledger Terraform module "+
		"(source = \"github.com/golive-dev/terraform-provider-golive//modules/ledger\"), or with the AWS CLI:\n"+
		"  aws dynamodb create-table --region %s --table-name %s --billing-mode PAY_PER_REQUEST "+
		"--attribute-definitions AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=S AttributeName=spk,AttributeType=S "+
		"--key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE "+
		"--global-secondary-indexes 'IndexName=%s,KeySchema=[{AttributeName=spk,KeyType=HASH},{AttributeName=sk,KeyType=RANGE}],Projection={ProjectionType=ALL}'\n"+
		"or point golive at the table that exists: the provider's ledger { table, region, assume_role } "+
		"(the golive command: --ledger-table, --ledger-region, --ledger-role-arn)",
		e.Table, where, e.Region, e.Table, ServiceIndex)
}

// wrap turns the SDK's "no such table" into a TableMissingError.
func (l *Ledger) wrap(err error) error {
	var nf *types.ResourceNotFoundException
	if errors.As(err, &nf) {
		return &TableMissingError{Table: l.table, Region: l.region, Account: l.account}
	}
	return err
}

// CreateTableInput is the table's definition: what modules/ledger creates
// with hashicorp/aws, for tests and scripts that create it with the SDK.
func CreateTableInput(name string) *dynamodb.CreateTableInput {
	s := func(n string) types.AttributeDefinition {
		return types.AttributeDefinition{AttributeName: aws.String(n), AttributeType: types.ScalarAttributeTypeS}
	}
	key := func(n string, t types.KeyType) types.KeySchemaElement {
		return types.KeySchemaElement{AttributeName: aws.String(n), KeyType: t}
	}
	return &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{s("pk"), s("sk"), s("spk")},
		KeySchema:            []types.KeySchemaElement{key("pk", types.KeyTypeHash), key("sk", types.KeyTypeRange)},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{
			IndexName:  aws.String(ServiceIndex),
			KeySchema:  []types.KeySchemaElement{key("spk", types.KeyTypeHash), key("sk", types.KeyTypeRange)},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}},
	}
}

// CreateTable creates the table and waits until it is active.
func CreateTable(ctx context.Context, db *dynamodb.Client, name string) error {
	if _, err := db.CreateTable(ctx, CreateTableInput(name)); err != nil {
		return fmt.Errorf("creating ledger table %s: %w", name, err)
	}
	w := dynamodb.NewTableExistsWaiter(db, func(o *dynamodb.TableExistsWaiterOptions) { o.MinDelay = 100 * time.Millisecond })
	return w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, 2*time.Minute)
}

func strAttr(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": strAttr(pk), "sk": strAttr(sk)}
}
