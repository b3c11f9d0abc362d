package ledger

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Event is one entry of an environment's history: who did what, when, and
// with what outcome. It never carries secret values.
type Event struct {
	ID          string    `dynamodbav:"sk"`
	Environment string    `dynamodbav:"environment"`
	Service     string    `dynamodbav:"service,omitempty"`
	Kind        string    `dynamodbav:"kind"`
	Version     string    `dynamodbav:"version,omitempty"`
	Outcome     string    `dynamodbav:"outcome,omitempty"`
	Actor       string    `dynamodbav:"actor"`
	At          time.Time `dynamodbav:"at"`
	Reason      string    `dynamodbav:"reason,omitempty"`
	Detail      string    `dynamodbav:"detail,omitempty"`
}

// eventTimeLayout makes event IDs sort by time as strings.
const eventTimeLayout = "2006-01-02T15:04:05.000000000Z"

type eventItem struct {
	PK  string `dynamodbav:"pk"`
	SPK string `dynamodbav:"spk,omitempty"`
	Event
}

func eventPK(env string) string { return "EVT#" + env }

func eventSPK(env, service string) string {
	if service == "" {
		return ""
	}
	return "EVT#" + env + "#" + service
}

// RecordEvent appends e to its environment's history and returns it with its
// ID and time filled in. IDs sort by time, so a query newest-first is cheap.
func (l *Ledger) RecordEvent(ctx context.Context, e Event) (Event, error) {
	e, item, err := l.newEventItem(e)
	if err != nil {
		return e, err
	}
	if _, err := l.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(l.table), Item: item}); err != nil {
		return e, fmt.Errorf("recording %s event for %s: %w", e.Kind, e.Environment, l.wrap(err))
	}
	return e, nil
}

// newEventItem fills in e's time (now, if unset) and ID and encodes it as
// the item to put.
func (l *Ledger) newEventItem(e Event) (Event, map[string]types.AttributeValue, error) {
	if e.At.IsZero() {
		e.At = l.now().UTC()
	}
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	e.ID = "EVT#" + e.At.UTC().Format(eventTimeLayout) + "#" + hex.EncodeToString(suffix)
	item, err := attributevalue.MarshalMap(eventItem{PK: eventPK(e.Environment), SPK: eventSPK(e.Environment, e.Service), Event: e})
	if err != nil {
		return e, nil, fmt.Errorf("encoding %s event for %s: %w", e.Kind, e.Environment, err)
	}
	return e, item, nil
}

// EventQuery selects events of one environment, optionally one service.
type EventQuery struct {
	Environment string
	Service     string
	Limit       int32
	// After continues a previous page: the ID of its last event.
	After string
	// Since, when set, leaves out events older than it.
	Since time.Time
}

// Events returns the newest events first, at most q.Limit of them, and the
// ID to pass as After for the next page ("" when there is none).
func (l *Ledger) Events(ctx context.Context, q EventQuery) ([]Event, string, error) {
	in := &dynamodb.QueryInput{
		TableName:        aws.String(l.table),
		ScanIndexForward: aws.Bool(false),
		ExpressionAttributeNames: map[string]string{
			"#pk": "pk", "#sk": "sk",
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": strAttr(eventPK(q.Environment)), ":pre": strAttr("EVT#"),
		},
		KeyConditionExpression: aws.String("#pk = :pk AND begins_with(#sk, :pre)"),
	}
	if !q.Since.IsZero() {
		in.KeyConditionExpression = aws.String("#pk = :pk AND #sk BETWEEN :lo AND :hi")
		delete(in.ExpressionAttributeValues, ":pre")
		in.ExpressionAttributeValues[":lo"] = strAttr("EVT#" + q.Since.UTC().Format(eventTimeLayout))
		in.ExpressionAttributeValues[":hi"] = strAttr("EVT#~")
	}
	if q.Service != "" {
		in.IndexName = aws.String(ServiceIndex)
		in.ExpressionAttributeNames = map[string]string{"#pk": "spk", "#sk": "sk"}
		in.ExpressionAttributeValues[":pk"] = strAttr(eventSPK(q.Environment, q.Service))
	}
	if q.Limit > 0 {
		in.Limit = aws.Int32(q.Limit)
	}
	if q.After != "" {
		start := map[string]types.AttributeValue{"pk": strAttr(eventPK(q.Environment)), "sk": strAttr(q.After)}
		if q.Service != "" {
			start["spk"] = strAttr(eventSPK(q.Environment, q.Service))
		}
		in.ExclusiveStartKey = start
	}
	out, err := l.db.Query(ctx, in)
	if err != nil {
		return nil, "", fmt.Errorf("reading events of %s: %w", q.Environment, l.wrap(err))
	}
	events := make([]Event, 0, len(out.Items))
	for _, it := range out.Items {
		var ei eventItem
		if err := attributevalue.UnmarshalMap(it, &ei); err != nil {
			return nil, "", fmt.Errorf("decoding an event of %s: %w", q.Environment, err)
		}
		events = append(events, ei.Event)
	}
	next := ""
	if out.LastEvaluatedKey != nil && len(events) > 0 {
		next = events[len(events)-1].ID
	}
	return events, next, nil
}
