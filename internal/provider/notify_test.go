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

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

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

func (e *testEnv) topicWithQueue(t *testing.T) (string, *sqs.Client, string) {
	t.Helper()
	ctx := context.Background()
	snsc, sqsc := sns.NewFromConfig(e.cfg), sqs.NewFromConfig(e.cfg)
	topic, err := snsc.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("deploys")})
	if err != nil {
		t.Fatal(err)
	}
	q, err := sqsc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("deploys")})
	if err != nil {
		t.Fatal(err)
	}
	attrs, err := sqsc.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := snsc.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String(attrs.Attributes["QueueArn"])}); err != nil {
		t.Fatal(err)
	}
	return aws.ToString(topic.TopicArn), sqsc, aws.ToString(q.QueueUrl)
}

func queuedKinds(t *testing.T, sqsc *sqs.Client, url string) map[string]int {
	t.Helper()
	kinds := map[string]int{}
	for i := 0; i < 5; i++ {
		out, err := sqsc.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) == 0 {
			break
		}
		for _, m := range out.Messages {
			var env struct{ Message string }
			var p notify.Payload
			_ = json.Unmarshal([]byte(aws.ToString(m.Body)), &env)
			_ = json.Unmarshal([]byte(env.Message), &p)
			kinds[p.Kind]++
		}
	}
	return kinds
}

func TestAccNotifications_cutoverAnnouncedToSNSAndWebhook(t *testing.T) {
	e := newTestEnv(t)
	f := e.alb(t)
	topic, sqsc, queue := e.topicWithQueue(t)
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
`, topic, srv.URL+"/deploys")
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
					if q := queuedKinds(t, sqsc, queue); !reflect.DeepEqual(q, map[string]int{ledger.KindCutoverStarted: 1, ledger.KindTrafficStep: 3, ledger.KindCutoverCompleted: 1}) {
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
