package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/notify"
)

// hookRecorder is a webhook that records the kinds it accepted; it fails
// the first delivery attempt of every event, so each is retried.
type hookRecorder struct {
	mu       sync.Mutex
	seen     map[string]bool
	accepted []string
	bodies   []string
}

func (h *hookRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var p notify.Payload
	var raw strings.Builder
	_ = json.NewDecoder(r.Body).Decode(&p)
	b, _ := json.Marshal(p)
	raw.Write(b)
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.seen[p.ID] {
		h.seen[p.ID] = true
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	h.accepted = append(h.accepted, p.Kind)
	h.bodies = append(h.bodies, raw.String())
}

// topicWithQueue is an SNS topic in the test's account with an SQS queue
// subscribed to it.
func (e *testEnv) topicWithQueue(t *testing.T) *emulator.TopicQueue {
	t.Helper()
	tq, err := emulator.NewTopicQueue(context.Background(), e.cfg, "deploys")
	if err != nil {
		t.Fatal(err)
	}
	return tq
}

// queuedKinds drains the queue and counts the ledger event kinds in it.
func queuedKinds(tq *emulator.TopicQueue) (map[string]int, error) {
	msgs, err := tq.Drain(context.Background())
	if err != nil {
		return nil, err
	}
	kinds := map[string]int{}
	for _, m := range msgs {
		if err := matchesEventSchema([]byte(m.Message)); err != nil {
			return nil, err
		}
		var p notify.Payload
		if err := json.Unmarshal([]byte(m.Message), &p); err != nil {
			return nil, fmt.Errorf("SNS message is not a golive payload: %s", m.Message)
		}
		kinds[p.Kind]++
	}
	return kinds, nil
}

func TestAccNotifications_cutoverAnnouncedToSNSAndWebhook(t *testing.T) {
	e := newTestEnv(t)
	f := e.alb(t)
	tq := e.topicWithQueue(t)
	hook := &hookRecorder{seen: map[string]bool{}}
	srv := httptest.NewServer(hook)
	defer srv.Close()
	env := fmt.Sprintf(`
resource "golive_environment" "prod" {
  application         = "shop"
  name                = "prod"
  tier                = "production"
  deletion_protection = false
  secrets_wo          = { DB_PASSWORD = "never-in-a-notification" }
  secrets_wo_version  = 1
  notify {
    sns_topic_arn = %q
    webhook_url   = %q
  }
}
`, tq.TopicARN, srv.URL+"/deploys")
	want := []string{ledger.KindCutoverStarted, ledger.KindTrafficStep, ledger.KindTrafficStep, ledger.KindTrafficStep, ledger.KindCutoverCompleted}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{Config: e.providerBlock() + env + albSplit(f, 100, 0, fastCanary)},
			{
				Config: e.providerBlock() + env + albSplit(f, 0, 100, fastCanary),
				Check: func(*terraform.State) error {
					hook.mu.Lock()
					defer hook.mu.Unlock()
					got := map[string]int{}
					for _, k := range hook.accepted {
						got[k]++
					}
					if !reflect.DeepEqual(got, map[string]int{ledger.KindCutoverStarted: 1, ledger.KindTrafficStep: 3, ledger.KindCutoverCompleted: 1}) {
						return fmt.Errorf("webhook accepted %v, want %v", hook.accepted, want)
					}
					for _, b := range hook.bodies {
						if strings.Contains(b, "never-in-a-notification") || !strings.Contains(b, `"schema":"golive.event/v1"`) {
							return fmt.Errorf("bad payload %s", b)
						}
					}
					q, err := queuedKinds(tq)
					if err != nil {
						return err
					}
					if !reflect.DeepEqual(q, map[string]int{ledger.KindCutoverStarted: 1, ledger.KindTrafficStep: 3, ledger.KindCutoverCompleted: 1}) {
						return fmt.Errorf("SNS → SQS delivered %v", q)
					}
					return nil
				},
			},
		},
	})
}

func TestAccNotifications_failingWebhookNeverFailsTheRelease(t *testing.T) {
	e := newTestEnv(t)
	f := e.alb(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotFound) }))
	defer srv.Close()
	env := fmt.Sprintf(`
resource "golive_environment" "prod" {
  application         = "shop"
  name                = "prod"
  tier                = "production"
  deletion_protection = false
  notify {
    webhook_url = %q
  }
}
`, srv.URL)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{Config: e.providerBlock() + env + albSplit(f, 100, 0, fastCanary)},
			{
				Config: e.providerBlock() + env + albSplit(f, 0, 100, fastCanary),
				Check: resource.ComposeTestCheckFunc(
					e.checkListener(f, 0, 100),
					func(*terraform.State) error {
						events, _, err := e.ledger.Events(context.Background(), ledger.EventQuery{Environment: "shop/prod", Service: "api", Limit: 20})
						if err != nil {
							return err
						}
						failed := 0
						for _, ev := range events {
							if ev.Kind == "notification_failed" && strings.Contains(ev.Detail, "HTTP 404") {
								failed++
							}
						}
						if failed != 5 {
							return fmt.Errorf("%d notification_failed events, want 5 (one per cutover event)", failed)
						}
						return nil
					},
				),
			},
		},
	})
}
