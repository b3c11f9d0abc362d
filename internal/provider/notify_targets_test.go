package provider_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/notify"
)

// slackReceiver is a Slack-style webhook that verifies every signature with
// the secret it is told to expect, as the events guide tells receivers to.
type slackReceiver struct {
	mu     sync.Mutex
	secret string
	kinds  []string
	bodies []string
	bad    []string
}

func (h *slackReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	var msg struct {
		Text   string `json:"text"`
		Blocks []struct {
			Type string `json:"type"`
		} `json:"blocks"`
	}
	switch {
	case !notify.VerifySignature(notify.Secret(h.secret), body, r.Header.Get("X-Golive-Signature")):
		h.bad = append(h.bad, "signature does not verify: "+r.Header.Get("X-Golive-Signature"))
	case json.Unmarshal(body, &msg) != nil || msg.Text == "" || len(msg.Blocks) < 3 || msg.Blocks[0].Type != "header":
		h.bad = append(h.bad, "not a Slack message: "+string(body))
	}
	h.kinds = append(h.kinds, r.Header.Get("X-Golive-Event"))
	h.bodies = append(h.bodies, string(body))
}

func (h *slackReceiver) expect(secret string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.secret, h.kinds, h.bodies, h.bad = secret, nil, nil, nil
}

func (h *slackReceiver) check(want map[string]int, secrets ...string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	got := map[string]int{}
	for _, k := range h.kinds {
		got[k]++
	}
	if len(h.bad) > 0 || !reflect.DeepEqual(got, want) {
		return fmt.Errorf("webhook got %v (problems %v), want %v", got, h.bad, want)
	}
	for _, b := range h.bodies {
		for _, s := range secrets {
			if strings.Contains(b, s) {
				return fmt.Errorf("a notification holds a secret: %s", b)
			}
		}
	}
	return nil
}

// eventSchema is the published JSON Schema of event payloads, compiled.
var eventSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	f, err := os.Open("../../docs/events.schema.json")
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("events.schema.json", doc); err != nil {
		return nil, err
	}
	return c.Compile("events.schema.json")
})

// matchesEventSchema checks an event as golive sent it against
// docs/events.schema.json.
func matchesEventSchema(body []byte) error {
	schema, err := eventSchema()
	if err != nil {
		return fmt.Errorf("docs/events.schema.json: %w", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err == nil {
		err = schema.Validate(doc)
	}
	if err != nil {
		return fmt.Errorf("event %s does not match docs/events.schema.json: %w", body, err)
	}
	return nil
}

// busKinds drains the queue behind the event bus and counts kinds; every
// detail must be a golive payload of the environment, as the schema says.
func busKinds(bq *emulator.BusQueue, secrets ...string) (map[string]int, error) {
	events, err := bq.Drain(context.Background())
	if err != nil {
		return nil, err
	}
	kinds := map[string]int{}
	for _, ev := range events {
		if err := matchesEventSchema(ev.Detail); err != nil {
			return nil, err
		}
		var p notify.Payload
		if err := json.Unmarshal(ev.Detail, &p); err != nil || ev.Source != "golive" || ev.DetailType != p.Kind || p.Environment != "shop/prod" {
			return nil, fmt.Errorf("event %+v is not a golive event of shop/prod", ev)
		}
		for _, s := range secrets {
			if strings.Contains(string(ev.Detail), s) {
				return nil, fmt.Errorf("an event holds a secret: %s", ev.Detail)
			}
		}
		kinds[p.Kind]++
	}
	return kinds, nil
}

// ledgerHolds says whether any ledger item of the account holds s.
func (e *testEnv) ledgerHolds(s string) (bool, error) {
	p := dynamodb.NewScanPaginator(e.ddb, &dynamodb.ScanInput{TableName: aws.String(ledger.DefaultTable)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			return false, err
		}
		if strings.Contains(fmt.Sprint(page.Items), s) {
			return true, nil
		}
	}
	return false, nil
}

func TestAccNotifications_eventBridgeAndSignedSlackWebhook(t *testing.T) {
	e := newTestEnv(t)
	f := e.alb(t)
	bq, err := emulator.NewBusQueue(context.Background(), e.cfg, "deploys")
	if err != nil {
		t.Fatal(err)
	}
	hook := &slackReceiver{}
	srv := httptest.NewServer(hook)
	defer srv.Close()
	secrets := []string{"first-signing-secret-0001", "second-signing-secret-002"}
	env := func(version int) string {
		return fmt.Sprintf(`
resource "golive_environment" "prod" {
  application         = "shop"
  name                = "prod"
  tier                = "production"
  deletion_protection = false
  notify {
    event_bus_arn             = %q
    webhook_url               = %q
    webhook_format            = "slack"
    webhook_secret_wo         = %q
    webhook_secret_wo_version = %d
  }
}
`, bq.BusARN, srv.URL+"/services/T000/B000/token", secrets[version-1], version)
	}
	cutover := map[string]int{ledger.KindCutoverStarted: 1, ledger.KindTrafficStep: 3, ledger.KindCutoverCompleted: 1}
	secretNowhere := func(*terraform.State) error {
		for _, s := range secrets {
			if held, err := e.ledgerHolds(s); err != nil || held {
				return fmt.Errorf("the ledger holds a secret (%v)", err)
			}
		}
		return nil
	}
	parameterIs := func(secret string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			out, err := e.ssm.GetParameter(context.Background(), &ssm.GetParameterInput{
				Name: aws.String("/golive/shop/prod/notify/webhook_secret"), WithDecryption: aws.Bool(true)})
			if err != nil {
				return err
			}
			if out.Parameter.Type != ssmtypes.ParameterTypeSecureString || aws.ToString(out.Parameter.Value) != secret {
				return fmt.Errorf("the webhook secret parameter is %s, not the SecureString expected", out.Parameter.Type)
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{Config: e.providerBlock() + env(1) + albSplit(f, 100, 0, fastCanary), Check: parameterIs(secrets[0])},
			{
				PreConfig: func() { hook.expect(secrets[0]) },
				Config:    e.providerBlock() + env(1) + albSplit(f, 0, 100, fastCanary),
				Check: resource.ComposeTestCheckFunc(
					func(*terraform.State) error { return hook.check(cutover, secrets...) },
					func(*terraform.State) error {
						got, err := busKinds(bq, secrets...)
						if err == nil && !reflect.DeepEqual(got, cutover) {
							err = fmt.Errorf("EventBridge → SQS delivered %v, want %v", got, cutover)
						}
						return err
					},
					e.checkSecretNotInState("golive_environment.prod", secrets[0]), secretNowhere,
				),
			},
			{
				// Rotation: the new secret signs from the next event on.
				PreConfig: func() { hook.expect(secrets[1]) },
				Config:    e.providerBlock() + env(2) + albSplit(f, 100, 0, fastCanary),
				Check: resource.ComposeTestCheckFunc(parameterIs(secrets[1]),
					func(*terraform.State) error { return hook.check(cutover, secrets...) },
					e.checkSecretNotInState("golive_environment.prod", secrets[1]), secretNowhere),
			},
		},
	})
}
