package ledger

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Environment is the ledger's record of a golive_environment. Values are
// kept as written in configuration; package policy interprets them.
type Environment struct {
	Application        string         `dynamodbav:"application"`
	Name               string         `dynamodbav:"name"`
	Tier               string         `dynamodbav:"tier"`
	PromotesFrom       string         `dynamodbav:"promotes_from,omitempty"`
	Parity             string         `dynamodbav:"parity"`
	AWSAccountID       string         `dynamodbav:"aws_account_id,omitempty"`
	DeletionProtection bool           `dynamodbav:"deletion_protection"`
	VariableKeys       []string       `dynamodbav:"variable_keys,omitempty"`
	SecretKeys         []string       `dynamodbav:"secret_keys,omitempty"`
	SecretsVersion     *int64         `dynamodbav:"secrets_version,omitempty"`
	Freezes            []FreezeRecord `dynamodbav:"freezes,omitempty"`
	DeployWindow       *WindowRecord  `dynamodbav:"deploy_window,omitempty"`
	Notify             *NotifyRecord  `dynamodbav:"notify,omitempty"`
	UpdatedAt          time.Time      `dynamodbav:"updated_at"`
	UpdatedBy          string         `dynamodbav:"updated_by"`
	// Revision is new on every write of the record, so a change that read
	// it (a plan) can check, in the transaction that takes its lock, that
	// the record is still the one it judged. Records written before
	// revisions existed have none; their update time serves instead.
	Revision string `dynamodbav:"revision,omitempty"`
}

// FreezeRecord is one freeze window as configured.
type FreezeRecord struct {
	Start  string `dynamodbav:"start"`
	End    string `dynamodbav:"end"`
	Reason string `dynamodbav:"reason,omitempty"`
}

// WindowRecord is a recurring deploy window as configured.
type WindowRecord struct {
	Days     []string `dynamodbav:"days"`
	Start    string   `dynamodbav:"start"`
	End      string   `dynamodbav:"end"`
	Timezone string   `dynamodbav:"timezone"`
	// Enforce is when a release outside the window is refused: "plan" or
	// "apply". Records written before the setting existed have none.
	Enforce string `dynamodbav:"enforce,omitempty"`
}

// EnforcedAt is when the window refuses: Enforce, or "plan" for a record
// without it.
func (w WindowRecord) EnforcedAt() string {
	if w.Enforce == "" {
		return "plan"
	}
	return w.Enforce
}

// NotifyRecord says where the environment's events are announced.
type NotifyRecord struct {
	SNSTopicARN   string `dynamodbav:"sns_topic_arn,omitempty"`
	EventBusARN   string `dynamodbav:"event_bus_arn,omitempty"`
	WebhookURL    string `dynamodbav:"webhook_url,omitempty"`
	WebhookFormat string `dynamodbav:"webhook_format,omitempty"`
	// WebhookSecretVersion is set when webhook bodies are signed: the
	// secret itself is an SSM SecureString (envconfig), never a record.
	WebhookSecretVersion *int64 `dynamodbav:"webhook_secret_version,omitempty"`
}

// ID is "<application>/<name>".
func (e Environment) ID() string { return e.Application + "/" + e.Name }

func envPK(id string) string { return "ENV#" + id }

type envItem struct {
	PK   string `dynamodbav:"pk"`
	SK   string `dynamodbav:"sk"`
	Kind string `dynamodbav:"kind"`
	Environment
}

// ErrExists is returned by CreateEnvironment when the record exists.
var ErrExists = errors.New("already exists in the ledger")

// CreateEnvironment writes a new environment record; it fails with ErrExists
// rather than overwrite one that another stack owns.
func (l *Ledger) CreateEnvironment(ctx context.Context, e Environment) error {
	return l.putEnvironment(ctx, e, "attribute_not_exists(pk)")
}

// PutEnvironment writes the environment record, replacing any earlier one.
func (l *Ledger) PutEnvironment(ctx context.Context, e Environment) error {
	return l.putEnvironment(ctx, e, "")
}

func (l *Ledger) putEnvironment(ctx context.Context, e Environment, cond string) error {
	if e.UpdatedAt.IsZero() {
		e.UpdatedAt = l.now().UTC()
	}
	e.Revision = newToken()
	item, err := attributevalue.MarshalMap(envItem{PK: envPK(e.ID()), SK: "ENV", Kind: "environment", Environment: e})
	if err != nil {
		return fmt.Errorf("encoding environment %s: %w", e.ID(), err)
	}
	in := &dynamodb.PutItemInput{TableName: aws.String(l.table), Item: item}
	if cond != "" {
		in.ConditionExpression = aws.String(cond)
		in.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureAllOld
	}
	_, err = l.db.PutItem(ctx, in)
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		// The SDK retries a put whose answer was lost (a connection reset
		// after DynamoDB applied it): the retry then finds the very item it
		// wrote, down to its updated_at, and that is no conflict.
		if reflect.DeepEqual(ccf.Item, item) {
			return nil
		}
		return fmt.Errorf("environment %s: %w", e.ID(), ErrExists)
	}
	if err != nil {
		return fmt.Errorf("writing environment %s to the ledger: %w", e.ID(), l.wrap(err))
	}
	return nil
}

// GetEnvironment reads the record of "<application>/<name>"; ErrNotFound if
// there is none.
func (l *Ledger) GetEnvironment(ctx context.Context, id string) (*Environment, error) {
	out, err := l.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(l.table),
		Key:            key(envPK(id), "ENV"),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("reading environment %s from the ledger: %w", id, l.wrap(err))
	}
	if out.Item == nil {
		return nil, fmt.Errorf("environment %s: %w", id, ErrNotFound)
	}
	var it envItem
	if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
		return nil, fmt.Errorf("decoding environment %s: %w", id, err)
	}
	return &it.Environment, nil
}

// DeleteEnvironment removes the record; a missing record is not an error.
func (l *Ledger) DeleteEnvironment(ctx context.Context, id string) error {
	_, err := l.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(l.table), Key: key(envPK(id), "ENV")})
	if err != nil {
		return fmt.Errorf("deleting environment %s from the ledger: %w", id, l.wrap(err))
	}
	return nil
}
