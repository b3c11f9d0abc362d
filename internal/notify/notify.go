// Package notify announces ledger events to an SNS topic, an EventBridge
// event bus and/or an HTTP webhook (the event JSON, or a Slack message),
// signing webhook bodies when given a secret. Delivery never fails or
// blocks a release: it runs in the background, retries with backoff, and
// reports what could not be delivered to a callback, which logs and records
// it.
package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// Schema names the payload format; it changes only with a new version.
const Schema = "golive.event/v1"

// Payload is the JSON body of every notification. It is built from ledger
// events, which never carry secret values.
type Payload struct {
	Schema      string    `json:"schema"`
	ID          string    `json:"id"`
	Environment string    `json:"environment"`
	Service     string    `json:"service,omitempty"`
	Kind        string    `json:"kind"`
	Version     string    `json:"version,omitempty"`
	Outcome     string    `json:"outcome,omitempty"`
	Actor       string    `json:"actor"`
	At          time.Time `json:"at"`
	Reason      string    `json:"reason,omitempty"`
	Detail      string    `json:"detail,omitempty"`
}

// PayloadOf turns an event into its notification.
func PayloadOf(e ledger.Event) Payload {
	return Payload{Schema: Schema, ID: e.ID, Environment: e.Environment, Service: e.Service, Kind: e.Kind, Version: e.Version,
		Outcome: e.Outcome, Actor: e.Actor, At: e.At.UTC(), Reason: e.Reason, Detail: e.Detail}
}

// Notifier delivers to the targets of one environment.
type Notifier struct {
	SNS      *sns.Client
	TopicARN string
	// EventBridge and EventBusARN send every event to an event bus with
	// PutEvents: source "golive", detail-type the kind, detail the payload.
	EventBridge EventPutter
	EventBusARN string
	WebhookURL  string
	// WebhookFormat is FormatJSON (the payload; "" means it) or FormatSlack.
	WebhookFormat string
	// WebhookSecret, when set, signs every webhook body (see Sign).
	WebhookSecret Secret
	// WebhookSecretFrom, when set and WebhookSecret is not, gives the
	// secret at the first webhook delivery (golive reads it from SSM when
	// it sends an event). A failure fails that delivery: a webhook that
	// expects signed bodies is never sent an unsigned one.
	WebhookSecretFrom func(ctx context.Context) (Secret, error)
	HTTP              *http.Client
	// Attempts per webhook or event bus delivery (default 4), the first
	// backoff (default 1s, doubling) and the timeout of each webhook
	// attempt (default 5s).
	Attempts int
	Backoff  time.Duration
	Timeout  time.Duration
	// OnFailure hears about every delivery that finally failed. May be nil.
	OnFailure func(target string, e ledger.Event, err error)

	wg       sync.WaitGroup
	secretMu sync.Mutex
}

// Notify delivers e in the background; it returns at once.
func (n *Notifier) Notify(ctx context.Context, e ledger.Event) {
	if n == nil {
		return
	}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		// Detached from the apply: a cancelled apply still announces its
		// rollback. Bounded, so it cannot hang the provider.
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
		// Deliver has reported each failed target to OnFailure.
		_ = n.Deliver(dctx, e)
	}()
}

// Wait blocks until background deliveries end, at most timeout; it reports
// whether they all ended.
func (n *Notifier) Wait(timeout time.Duration) bool {
	if n == nil {
		return true
	}
	done := make(chan struct{})
	go func() { n.wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
		return false
	}
}

// Deliver sends e to every target now, and returns the joined failures
// (also reported to OnFailure).
func (n *Notifier) Deliver(ctx context.Context, e ledger.Event) error {
	body, err := json.Marshal(PayloadOf(e))
	if err != nil {
		return err
	}
	var errs []error
	if n.TopicARN != "" {
		if err := n.publish(ctx, e, body); err != nil {
			n.failed("sns "+n.TopicARN, e, err)
			errs = append(errs, err)
		}
	}
	if n.EventBusARN != "" {
		if err := n.putEvent(ctx, e, body); err != nil {
			n.failed("eventbridge "+n.EventBusARN, e, err)
			errs = append(errs, err)
		}
	}
	if n.WebhookURL != "" {
		if err := n.webhook(ctx, e, body); err != nil {
			n.failed("webhook "+RedactURL(n.WebhookURL), e, err)
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (n *Notifier) failed(target string, e ledger.Event, err error) {
	if n.OnFailure != nil {
		n.OnFailure(target, e, err)
	}
}

func (n *Notifier) publish(ctx context.Context, e ledger.Event, body []byte) error {
	subject := fmt.Sprintf("golive %s: %s", e.Kind, e.Environment)
	if e.Service != "" {
		subject += "/" + e.Service
	}
	_, err := n.SNS.Publish(ctx, &sns.PublishInput{
		TopicArn: aws.String(n.TopicARN), Message: aws.String(string(body)), Subject: aws.String(truncate(subject, 100)),
		MessageAttributes: map[string]snstypes.MessageAttributeValue{
			"kind":   {DataType: aws.String("String"), StringValue: aws.String(e.Kind)},
			"schema": {DataType: aws.String("String"), StringValue: aws.String(Schema)},
		},
	})
	if err != nil {
		return fmt.Errorf("publishing %s to %s: %w", e.Kind, n.TopicARN, err)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
