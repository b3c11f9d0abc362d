package notify_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/notify"
)

func TestMain(m *testing.M) { emulator.Main(m, emulator.Options{}) }

var event = ledger.Event{ID: "EVT#1", Environment: "shop/prod", Service: "api", Kind: ledger.KindRolledBack, Version: "1.4.2",
	Outcome: "rolled_back", Actor: "arn:aws:sts::1:assumed-role/ci/x", At: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC),
	Reason: `alarm "api-5xx" is ALARM`, Detail: "at step 2 of 3, back to blue=100 green=0"}

func TestWebhookRetriesThenDelivers(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	var got notify.Payload
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		if r.Header.Get("X-Golive-Event") != ledger.KindRolledBack || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("headers %v", r.Header)
		}
		_ = json.NewDecoder(r.Body).Decode(&got)
	}))
	defer srv.Close()
	n := &notify.Notifier{WebhookURL: srv.URL, Backoff: 10 * time.Millisecond}
	if err := n.Deliver(context.Background(), event); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 3 {
		t.Fatalf("%d calls, want 2 failures and 1 delivery", calls.Load())
	}
	want := notify.PayloadOf(event)
	want.At = event.At
	if got != want || got.Schema != "golive.event/v1" {
		t.Fatalf("payload %+v", got)
	}
}

func TestWebhookFailureIsReportedNotRetriedOn4xx(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusForbidden)
	}))
	defer srv.Close()
	var mu sync.Mutex
	var reported []string
	n := &notify.Notifier{WebhookURL: srv.URL, Backoff: time.Millisecond, OnFailure: func(target string, e ledger.Event, err error) {
		mu.Lock()
		defer mu.Unlock()
		reported = append(reported, target+": "+err.Error())
	}}
	n.Notify(context.Background(), event) // in the background
	if !n.Wait(5 * time.Second) {
		t.Fatal("delivery did not end")
	}
	if calls.Load() != 1 || len(reported) != 1 || !strings.Contains(reported[0], "HTTP 403") || !strings.Contains(reported[0], "webhook "+srv.URL) {
		t.Fatalf("calls %d, reported %v", calls.Load(), reported)
	}
}

func TestWebhookTimeoutAndUnreachable(t *testing.T) {
	t.Parallel()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(time.Second) }))
	defer slow.Close()
	n := &notify.Notifier{WebhookURL: slow.URL, Attempts: 2, Backoff: time.Millisecond, Timeout: 100 * time.Millisecond}
	if err := n.Deliver(context.Background(), event); err == nil || !strings.Contains(err.Error(), "attempt 2 of 2") {
		t.Fatalf("slow webhook: %v", err)
	}
	n = &notify.Notifier{WebhookURL: "http://127.0.0.1:1/hook", Attempts: 2, Backoff: time.Millisecond}
	if err := n.Deliver(context.Background(), event); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("unreachable webhook: %v", err)
	}
}

func TestSNSMessageReadBackThroughSQS(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, err := emulator.Shared(t).AccountConfig(ctx, emulator.NewAccountID())
	if err != nil {
		t.Fatal(err)
	}
	tq, err := emulator.NewTopicQueue(ctx, cfg, "deploys")
	if err != nil {
		t.Fatal(err)
	}
	n := &notify.Notifier{SNS: sns.NewFromConfig(cfg), TopicARN: tq.TopicARN}
	if err := n.Deliver(ctx, event); err != nil {
		t.Fatal(err)
	}
	msgs, err := tq.Drain(ctx)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("received %+v, %v; want one message", msgs, err)
	}
	envelope := msgs[0]
	var p notify.Payload
	if err := json.Unmarshal([]byte(envelope.Message), &p); err != nil {
		t.Fatal(err)
	}
	if p.Kind != ledger.KindRolledBack || p.Environment != "shop/prod" || p.Reason != event.Reason || envelope.Subject != "golive rolled_back: shop/prod/api" {
		t.Fatalf("message %+v subject %q", p, envelope.Subject)
	}
}
