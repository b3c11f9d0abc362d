package emulator

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// BusQueue is an EventBridge event bus with a rule that sends golive's
// events (source "golive") to an SQS queue, so a test can read back what
// was put on the bus.
type BusQueue struct {
	BusARN   string
	QueueURL string
	sqs      *sqs.Client
}

// BusEvent is one event as the queue received it: the EventBridge envelope.
type BusEvent struct {
	Source     string          `json:"source"`
	DetailType string          `json:"detail-type"`
	Time       time.Time       `json:"time"`
	Detail     json.RawMessage `json:"detail"`
}

// NewBusQueue creates the event bus (none for "default", which exists),
// the queue and the rule, all named name, in the account of cfg.
func NewBusQueue(ctx context.Context, cfg aws.Config, name string) (*BusQueue, error) {
	eb, sqsc := eventbridge.NewFromConfig(cfg), sqs.NewFromConfig(cfg)
	bus := "default"
	if name != "default" {
		if _, err := eb.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String(name)}); err != nil {
			return nil, fmt.Errorf("creating event bus %s: %w", name, err)
		}
		bus = name
	}
	described, err := eb.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String(bus)})
	if err != nil {
		return nil, fmt.Errorf("reading event bus %s: %w", bus, err)
	}
	queue := "events-" + name
	q, err := sqsc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(queue)})
	if err != nil {
		return nil, fmt.Errorf("creating queue %s: %w", queue, err)
	}
	attrs, err := sqsc.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		return nil, fmt.Errorf("reading the ARN of queue %s: %w", queue, err)
	}
	if _, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String(queue), EventBusName: aws.String(bus),
		EventPattern: aws.String(`{"source":["golive"]}`)}); err != nil {
		return nil, fmt.Errorf("creating rule %s on %s: %w", queue, bus, err)
	}
	if _, err := eb.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String(queue), EventBusName: aws.String(bus),
		Targets: []ebtypes.Target{{Id: aws.String("queue"), Arn: aws.String(attrs.Attributes["QueueArn"])}}}); err != nil {
		return nil, fmt.Errorf("targeting queue %s from rule %s: %w", queue, queue, err)
	}
	return &BusQueue{BusARN: aws.ToString(described.Arn), QueueURL: aws.ToString(q.QueueUrl), sqs: sqsc}, nil
}

// Drain receives and deletes every message in the queue, until a receive
// that waits a second brings none. A message that is not an EventBridge
// event is an error.
func (q *BusQueue) Drain(ctx context.Context) ([]BusEvent, error) {
	var out []BusEvent
	for {
		msgs, err := q.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(q.QueueURL),
			MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if err != nil {
			return out, fmt.Errorf("receiving from %s: %w", q.QueueURL, err)
		}
		if len(msgs.Messages) == 0 {
			return out, nil
		}
		for _, m := range msgs.Messages {
			var e BusEvent
			if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &e); err != nil || e.DetailType == "" {
				return out, fmt.Errorf("message in %s is not an EventBridge event: %s", q.QueueURL, aws.ToString(m.Body))
			}
			out = append(out, e)
			if _, err := q.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(q.QueueURL),
				ReceiptHandle: m.ReceiptHandle}); err != nil {
				return out, fmt.Errorf("deleting a message from %s: %w", q.QueueURL, err)
			}
		}
	}
}
