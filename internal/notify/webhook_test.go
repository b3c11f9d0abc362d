package notify_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/notify"
)

// receiver is a webhook endpoint that keeps what it was sent.
type receiver struct {
	mu       sync.Mutex
	bodies   [][]byte
	headers  []http.Header
	server   *httptest.Server
	answerAt func(n int) int // HTTP status of the nth request (from 1); nil: 200
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{}
	r.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.bodies = append(r.bodies, body)
		r.headers = append(r.headers, req.Header.Clone())
		n := len(r.bodies)
		r.mu.Unlock()
		if r.answerAt != nil {
			w.WriteHeader(r.answerAt(n))
		}
	}))
	t.Cleanup(r.server.Close)
	return r
}

// verifyAsDocumented checks a signature the way the events guide tells
// receivers to, with the standard library only.
func verifyAsDocumented(secret string, body []byte, header string) bool {
	hexSig, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

func TestWebhookSignature(t *testing.T) {
	t.Parallel()
	r := newReceiver(t)
	n := &notify.Notifier{WebhookURL: r.server.URL + "/hooks/deploys", WebhookSecret: "s3cret-value"}
	if err := n.Deliver(context.Background(), event); err != nil {
		t.Fatal(err)
	}
	body, sig := r.bodies[0], r.headers[0].Get("X-Golive-Signature")
	if !verifyAsDocumented("s3cret-value", body, sig) || !notify.VerifySignature("s3cret-value", body, sig) {
		t.Fatalf("signature %q does not verify for body %s", sig, body)
	}
	if verifyAsDocumented("other", body, sig) || notify.VerifySignature("other", body, sig) {
		t.Fatal("a signature verifies with the wrong secret")
	}
	tampered := append([]byte{}, body...)
	tampered[len(tampered)-2] = 'X'
	if notify.VerifySignature("s3cret-value", tampered, sig) {
		t.Fatal("a signature verifies for a changed body")
	}
	// A known value: echo -n '{"a":1}' | openssl dgst -sha256 -hmac key
	if got := notify.Sign("key", []byte(`{"a":1}`)); got != "sha256=88a67f24bbcdaed0e6c997404bb79a743baf44c6bab2f4c27328e3009d22e342" {
		t.Fatalf("Sign = %s", got)
	}
	for _, h := range r.headers {
		if strings.Contains(fmt.Sprint(h), "s3cret-value") {
			t.Fatalf("the secret was sent: %v", h)
		}
	}

	unsigned := &notify.Notifier{WebhookURL: r.server.URL}
	if err := unsigned.Deliver(context.Background(), event); err != nil {
		t.Fatal(err)
	}
	if h := r.headers[1].Get("X-Golive-Signature"); h != "" {
		t.Fatalf("signature %q without a secret", h)
	}
}

func TestWebhookSecretAndURLStayHidden(t *testing.T) {
	t.Parallel()
	r := newReceiver(t)
	r.answerAt = func(int) int { return http.StatusForbidden }
	url := r.server.URL + "/services/T000/B000/token-in-the-path"
	var reported []string
	n := &notify.Notifier{WebhookURL: url, WebhookSecret: "s3cret-value", Backoff: time.Millisecond,
		OnFailure: func(target string, _ ledger.Event, err error) { reported = append(reported, target+": "+err.Error()) }}
	err := n.Deliver(context.Background(), event)
	if printed := fmt.Sprintf("%v %+v %#v", n, n, n); strings.Contains(printed, "s3cret-value") {
		t.Fatalf("the secret shows in %s", printed)
	}
	if msgs := fmt.Sprint(err) + strings.Join(reported, " "); strings.Contains(msgs, "token-in-the-path") {
		t.Fatalf("the webhook URL's path shows in %s", msgs)
	}
	if err == nil || !strings.Contains(err.Error(), r.server.URL+"/…") || len(reported) != 1 {
		t.Fatalf("error %v, reported %v", err, reported)
	}
	// Unreachable: the SDK-free HTTP client's error repeats the URL.
	n = &notify.Notifier{WebhookURL: "http://127.0.0.1:1/hooks/token-in-the-path", Attempts: 1}
	if err := n.Deliver(context.Background(), event); err == nil || strings.Contains(err.Error(), "token-in-the-path") {
		t.Fatalf("unreachable webhook: %v", err)
	}
}

func TestWebhookSlackFormat(t *testing.T) {
	t.Parallel()
	r := newReceiver(t)
	n := &notify.Notifier{WebhookURL: r.server.URL, WebhookFormat: notify.FormatSlack, WebhookSecret: "s3cret-value"}
	e := event
	e.Reason = `metric "canary-5xx-rate": 100 * errors / requests = 4.2, above max 1 <b>&</b>`
	if err := n.Deliver(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	body := r.bodies[0]
	if !notify.VerifySignature("s3cret-value", body, r.headers[0].Get("X-Golive-Signature")) {
		t.Fatal("Slack bodies are signed too")
	}
	var msg struct {
		Text   string `json:"text"`
		Blocks []struct {
			Type string `json:"type"`
			Text *struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"text"`
			Fields []struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"fields"`
			Elements []struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"elements"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		t.Fatalf("not a Slack message: %v: %s", err, body)
	}
	wantText := `↩️ shop/prod/api: rolled back (1.4.2): metric "canary-5xx-rate": 100 * errors / requests = 4.2, above max 1 &lt;b&gt;&amp;&lt;/b&gt;`
	if msg.Text != wantText {
		t.Fatalf("text %q\nwant %q", msg.Text, wantText)
	}
	var types []string
	for _, b := range msg.Blocks {
		types = append(types, b.Type)
	}
	if strings.Join(types, ",") != "header,section,section,context" {
		t.Fatalf("blocks %v", types)
	}
	h, reason, facts, ctx := msg.Blocks[0], msg.Blocks[1], msg.Blocks[2], msg.Blocks[3]
	if h.Text.Type != "plain_text" || h.Text.Text != "↩️ shop/prod/api: rolled back (1.4.2)" || len([]rune(h.Text.Text)) > 150 {
		t.Fatalf("header %+v", h.Text)
	}
	if reason.Text.Type != "mrkdwn" || !strings.HasPrefix(reason.Text.Text, "*Reason:* metric") || !strings.Contains(reason.Text.Text, "\n*Detail:* at step 2 of 3") {
		t.Fatalf("reason %+v", reason.Text)
	}
	if len(facts.Fields) != 5 || facts.Fields[0].Text != "*Environment*\nshop/prod" || facts.Fields[4].Text != "*Actor*\narn:aws:sts::1:assumed-role/ci/x" {
		t.Fatalf("fields %+v", facts.Fields)
	}
	if len(ctx.Elements) != 1 || ctx.Elements[0].Text != "golive rolled_back · EVT#1 · 2026-11-22T10:00:00Z" {
		t.Fatalf("context %+v", ctx.Elements)
	}
}

func TestSlackMessageLimits(t *testing.T) {
	t.Parallel()
	p := notify.PayloadOf(event)
	p.Environment = strings.Repeat("e", 200) + "/prod"
	p.Reason = strings.Repeat("r", 5000)
	body, err := notify.SlackMessage(p)
	if err != nil {
		t.Fatal(err)
	}
	var msg struct {
		Blocks []struct {
			Text *struct{ Text string } `json:"text"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		t.Fatal(err)
	}
	if n := len([]rune(msg.Blocks[0].Text.Text)); n != 150 {
		t.Fatalf("header of %d characters, Slack allows 150", n)
	}
	if n := len([]rune(msg.Blocks[1].Text.Text)); n != 3000 || !strings.HasSuffix(msg.Blocks[1].Text.Text, "…") {
		t.Fatalf("section of %d characters, Slack allows 3000", n)
	}
}

func TestWebhookSecretFrom(t *testing.T) {
	t.Parallel()
	r := newReceiver(t)
	reads := 0
	fail := errors.New("reading parameter /golive/shop/prod/notify/webhook_secret: AccessDeniedException")
	n := &notify.Notifier{WebhookURL: r.server.URL, WebhookSecretFrom: func(context.Context) (notify.Secret, error) {
		reads++
		if fail != nil {
			return "", fail
		}
		return "from-ssm", nil
	}}
	// Not sent unsigned when the secret cannot be read.
	err := n.Deliver(context.Background(), event)
	if err == nil || !strings.Contains(err.Error(), "signing rolled_back for "+r.server.URL+": reading parameter") || len(r.bodies) != 0 {
		t.Fatalf("unreadable secret: %v, %d deliveries", err, len(r.bodies))
	}
	fail = nil
	for range 2 {
		if err := n.Deliver(context.Background(), event); err != nil {
			t.Fatal(err)
		}
	}
	if reads != 2 || len(r.bodies) != 2 || !notify.VerifySignature("from-ssm", r.bodies[1], r.headers[1].Get("X-Golive-Signature")) {
		t.Fatalf("%d reads, %d deliveries, signature %q", reads, len(r.bodies), r.headers[1].Get("X-Golive-Signature"))
	}
}
