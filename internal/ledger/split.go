package ledger

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Split is the ledger's record of a golive_traffic_split: what it routes,
// so that `terraform import <env>/<service>` and other stacks can find it.
type Split struct {
	Environment  string             `dynamodbav:"environment"`
	Service      string             `dynamodbav:"service"`
	Router       string             `dynamodbav:"router"` // alb | lambda_alias | route53 | gateway_api
	ListenerARN  string             `dynamodbav:"listener_arn,omitempty"`
	RuleARN      string             `dynamodbav:"rule_arn,omitempty"`
	RuleCreated  bool               `dynamodbav:"rule_created,omitempty"` // the split created RuleARN on ListenerARN, so its destroy deletes it
	Rule         *SplitRule         `dynamodbav:"rule,omitempty"`         // the created rule's priority and conditions, for import
	FunctionName string             `dynamodbav:"function_name,omitempty"`
	Alias        string             `dynamodbav:"alias,omitempty"`
	AliasCreated bool               `dynamodbav:"alias_created,omitempty"` // the split created Alias, so its destroy deletes it
	ZoneID       string             `dynamodbav:"zone_id,omitempty"`
	RecordName   string             `dynamodbav:"record_name,omitempty"`
	RecordType   string             `dynamodbav:"record_type,omitempty"`
	TTL          int64              `dynamodbav:"ttl,omitempty"`
	HTTPRoute    *SplitHTTPRoute    `dynamodbav:"http_route,omitempty"` // gateway_api: the route and rule, for import
	Destinations []SplitDestination `dynamodbav:"destinations"`
	UpdatedAt    time.Time          `dynamodbav:"updated_at"`
	UpdatedBy    string             `dynamodbav:"updated_by"`
}

// SplitRule is the priority and conditions of a listener rule a split
// created.
type SplitRule struct {
	Priority     int64    `dynamodbav:"priority"`
	PathPatterns []string `dynamodbav:"path_patterns,omitempty"`
	HostHeaders  []string `dynamodbav:"host_headers,omitempty"`
}

// SplitHTTPRoute is the rule of a Gateway API HTTPRoute a split routes
// with, and the port its destinations' Services are reached on (0: any).
type SplitHTTPRoute struct {
	Namespace string `dynamodbav:"namespace"`
	Name      string `dynamodbav:"name"`
	Rule      int    `dynamodbav:"rule"`
	Port      int    `dynamodbav:"port,omitempty"`
}

// SplitDestination is one declared destination.
type SplitDestination struct {
	Name       string `dynamodbav:"name"`
	Deployment string `dynamodbav:"deployment,omitempty"`
	Target     string `dynamodbav:"target"`
	Weight     int    `dynamodbav:"weight"`
}

type splitItem struct {
	PK   string `dynamodbav:"pk"`
	SK   string `dynamodbav:"sk"`
	Kind string `dynamodbav:"kind"`
	Split
}

func splitSK(service string) string { return "SPLIT#" + service }

// PutSplit writes the record of a traffic split.
func (l *Ledger) PutSplit(ctx context.Context, s Split) error {
	item, err := l.splitItem(s)
	if err != nil {
		return err
	}
	if _, err := l.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(l.table), Item: item}); err != nil {
		return fmt.Errorf("writing traffic split %s/%s to the ledger: %w", s.Environment, s.Service, l.wrap(err))
	}
	return nil
}

// splitItem is the item of s; its update time, when unset, is now.
func (l *Ledger) splitItem(s Split) (map[string]types.AttributeValue, error) {
	if s.UpdatedAt.IsZero() {
		s.UpdatedAt = l.now().UTC()
	}
	item, err := attributevalue.MarshalMap(splitItem{PK: envPK(s.Environment), SK: splitSK(s.Service), Kind: "traffic_split", Split: s})
	if err != nil {
		return nil, fmt.Errorf("encoding traffic split %s/%s: %w", s.Environment, s.Service, err)
	}
	return item, nil
}

// GetSplit reads the record of env's service; ErrNotFound if there is none.
func (l *Ledger) GetSplit(ctx context.Context, env, service string) (*Split, error) {
	out, err := l.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(l.table), Key: key(envPK(env), splitSK(service)), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("reading traffic split %s/%s from the ledger: %w", env, service, l.wrap(err))
	}
	if out.Item == nil {
		return nil, fmt.Errorf("traffic split %s/%s: %w", env, service, ErrNotFound)
	}
	var it splitItem
	if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
		return nil, fmt.Errorf("decoding traffic split %s/%s: %w", env, service, err)
	}
	return &it.Split, nil
}

// DeleteSplit removes the record; a missing record is fine.
func (l *Ledger) DeleteSplit(ctx context.Context, env, service string) error {
	_, err := l.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(l.table), Key: key(envPK(env), splitSK(service))})
	if err != nil {
		return fmt.Errorf("deleting traffic split %s/%s from the ledger: %w", env, service, l.wrap(err))
	}
	return nil
}
