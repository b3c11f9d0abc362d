package notify

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// Source is the EventBridge source of golive's events: rules match on it.
const Source = "golive"

// EventPutter sends events to EventBridge (*eventbridge.Client).
type EventPutter interface {
	PutEvents(ctx context.Context, in *eventbridge.PutEventsInput, optFns ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error)
}

// putEvent sends e to the event bus: source "golive", detail-type the
// event's kind, detail the payload, time the event's. The SDK retries the
// request; an entry EventBridge reports failed (throttled or an internal
// failure) is sent again with backoff.
func (n *Notifier) putEvent(ctx context.Context, e ledger.Event, payload []byte) error {
	entry := ebtypes.PutEventsRequestEntry{
		Source:       aws.String(Source),
		DetailType:   aws.String(e.Kind),
		Detail:       aws.String(string(payload)),
		EventBusName: aws.String(n.EventBusARN),
	}
	if !e.At.IsZero() {
		entry.Time = aws.Time(e.At.UTC())
	}
	return n.retry(ctx, func(attempt, attempts int) (bool, error) {
		out, err := n.EventBridge.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{entry}})
		if err != nil {
			return false, fmt.Errorf("putting %s event on %s: %w", e.Kind, n.EventBusARN, err)
		}
		if out.FailedEntryCount == 0 || len(out.Entries) == 0 || out.Entries[0].ErrorCode == nil {
			return false, nil
		}
		r := out.Entries[0]
		code := aws.ToString(r.ErrorCode)
		return retriableEntry(code), fmt.Errorf("putting %s event on %s (attempt %d of %d): %s: %s",
			e.Kind, n.EventBusARN, attempt, attempts, code, aws.ToString(r.ErrorMessage))
	})
}

// retriableEntry says whether a failed PutEvents entry may succeed when
// sent again.
func retriableEntry(code string) bool {
	return code == "ThrottlingException" || code == "InternalFailure" || code == "InternalException"
}
