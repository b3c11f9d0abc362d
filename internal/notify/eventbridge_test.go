package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/notify"
)

// Events put on a bus reach an SQS queue through a rule matching source
// "golive"; the detail is the documented payload.
func TestEventBridgeEventsReadBackThroughSQS(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	account := emulator.NewAccountID()
	cfg, err := emulator.Shared(t).AccountConfig(ctx, account)
	if err != nil {
		t.Fatal(err)
	}
	for _, bus := range []string{"default", "deploys"} {
		t.Run(bus, func(t *testing.T) {
			bq, err := emulator.NewBusQueue(ctx, cfg, bus)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(bq.BusARN, ":"+account+":event-bus/"+bus) {
				t.Fatalf("bus ARN %s", bq.BusARN)
			}
			n := &notify.Notifier{EventBridge: eventbridge.NewFromConfig(cfg), EventBusARN: bq.BusARN}
			step := event
			step.ID, step.Kind, step.Outcome, step.Reason, step.Detail = "EVT#2", ledger.KindTrafficStep, ledger.OutcomeReached, "", "step 1 of 2: blue=90 green=10"
			for _, e := range []ledger.Event{step, event} {
				if err := n.Deliver(ctx, e); err != nil {
					t.Fatal(err)
				}
			}
			got, err := bq.Drain(ctx)
			if err != nil || len(got) != 2 {
				t.Fatalf("received %+v, %v; want two events", got, err)
			}
			byKind := map[string]emulator.BusEvent{}
			for _, e := range got {
				byKind[e.DetailType] = e
			}
			for _, want := range []ledger.Event{step, event} {
				e, ok := byKind[want.Kind]
				if !ok || e.Source != "golive" || !e.Time.Equal(want.At) {
					t.Fatalf("event of kind %s: %+v", want.Kind, e)
				}
				validateEvent(t, e.Detail)
				var p notify.Payload
				if err := json.Unmarshal(e.Detail, &p); err != nil {
					t.Fatal(err)
				}
				if wantP := notify.PayloadOf(want); p != wantP {
					t.Fatalf("detail %+v\nwant   %+v", p, wantP)
				}
			}
		})
	}
}

// failingBus answers PutEvents with the entry failures given, then
// accepts.
type failingBus struct {
	codes []string
	calls int
}

func (f *failingBus) PutEvents(_ context.Context, in *eventbridge.PutEventsInput, _ ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error) {
	f.calls++
	if f.calls <= len(f.codes) {
		code := f.codes[f.calls-1]
		return &eventbridge.PutEventsOutput{FailedEntryCount: 1, Entries: []ebtypes.PutEventsResultEntry{{ErrorCode: aws.String(code), ErrorMessage: aws.String("no")}}}, nil
	}
	if len(in.Entries) != 1 || aws.ToString(in.Entries[0].Source) != "golive" {
		return nil, errors.New("unexpected entries")
	}
	return &eventbridge.PutEventsOutput{Entries: []ebtypes.PutEventsResultEntry{{EventId: aws.String("1")}}}, nil
}

func TestEventBridgeFailedEntries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Throttled entries are sent again.
	bus := &failingBus{codes: []string{"ThrottlingException", "InternalFailure"}}
	n := &notify.Notifier{EventBridge: bus, EventBusARN: "arn:aws:events:us-east-1:123456789012:event-bus/default", Backoff: time.Millisecond}
	if err := n.Deliver(ctx, event); err != nil || bus.calls != 3 {
		t.Fatalf("after two retriable failures: %v, %d calls", err, bus.calls)
	}
	// Others are final and reported.
	bus = &failingBus{codes: []string{"AccessDeniedException"}}
	var reported string
	n = &notify.Notifier{EventBridge: bus, EventBusARN: "arn:aws:events:us-east-1:123456789012:event-bus/default", Backoff: time.Millisecond,
		OnFailure: func(target string, _ ledger.Event, err error) { reported = target + ": " + err.Error() }}
	err := n.Deliver(ctx, event)
	want := "eventbridge arn:aws:events:us-east-1:123456789012:event-bus/default: putting rolled_back event on " +
		"arn:aws:events:us-east-1:123456789012:event-bus/default (attempt 1 of 4): AccessDeniedException: no"
	if err == nil || bus.calls != 1 || reported != want || !strings.Contains(err.Error(), "AccessDeniedException") {
		t.Fatalf("error %v, %d calls, reported %q", err, bus.calls, reported)
	}
}
