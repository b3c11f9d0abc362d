package emulator

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// TopicQueue is an SNS topic with an SQS queue subscribed to it, so a test
// can read back what was published to the topic.
type TopicQueue struct {
	TopicARN string
	QueueURL string
	sqs      *sqs.Client
}

// SNSMessage is one notification as the queue received it.
type SNSMessage struct {
	Body    string // the SNS envelope, as delivered
	Subject string
	Message string // what was published
}

// NewTopicQueue creates the topic and the queue, both named name, in the
// account of cfg and subscribes the queue to the topic.
func NewTopicQueue(ctx context.Context, cfg aws.Config, name string) (*TopicQueue, error) {
	snsc, sqsc := sns.NewFromConfig(cfg), sqs.NewFromConfig(cfg)
	topic, err := snsc.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(name)})
	if err != nil {
		return nil, fmt.Errorf("creating topic %s: %w", name, err)
	}
	q, err := sqsc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
	if err != nil {
		return nil, fmt.Errorf("creating queue %s: %w", name, err)
	}
	attrs, err := sqsc.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		return nil, fmt.Errorf("reading the ARN of queue %s: %w", name, err)
	}
	if _, err := snsc.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"),
		Endpoint: aws.String(attrs.Attributes["QueueArn"])}); err != nil {
		return nil, fmt.Errorf("subscribing queue %s to topic %s: %w", name, name, err)
	}
	return &TopicQueue{TopicARN: aws.ToString(topic.TopicArn), QueueURL: aws.ToString(q.QueueUrl), sqs: sqsc}, nil
}

// Drain receives and deletes every message in the queue, until a receive
// that waits a second brings none. A message that is not an SNS envelope
// is an error.
func (q *TopicQueue) Drain(ctx context.Context) ([]SNSMessage, error) {
	var out []SNSMessage
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
			body := aws.ToString(m.Body)
			var env struct{ Subject, Message string }
			if err := json.Unmarshal([]byte(body), &env); err != nil {
				return out, fmt.Errorf("message in %s is not an SNS envelope: %s", q.QueueURL, body)
			}
			out = append(out, SNSMessage{Body: body, Subject: env.Subject, Message: env.Message})
			if _, err := q.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(q.QueueURL),
				ReceiptHandle: m.ReceiptHandle}); err != nil {
				return out, fmt.Errorf("deleting a message from %s: %w", q.QueueURL, err)
			}
		}
	}
}
