package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// Webhook body formats.
const (
	FormatJSON  = "json"  // the event payload
	FormatSlack = "slack" // a Slack message (text and blocks)
)

// Formats are the accepted WebhookFormat values.
var Formats = []string{FormatJSON, FormatSlack}

// SignatureHeader carries the HMAC-SHA256 of the exact body bytes, keyed
// with the webhook secret, as "sha256=<lower-case hex>".
const SignatureHeader = "X-Golive-Signature"

// Secret is a webhook signing secret. It prints as "(sensitive)", so a
// Notifier logged by mistake does not show it.
type Secret string

func (Secret) String() string   { return "(sensitive)" }
func (Secret) GoString() string { return `"(sensitive)"` }

// Sign is the X-Golive-Signature value of body: "sha256=" and the hex
// HMAC-SHA256 of body keyed with secret.
func Sign(secret Secret, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// VerifySignature says whether header is a valid signature of body with
// secret, comparing in constant time. Receivers written in Go can use it.
func VerifySignature(secret Secret, body []byte, header string) bool {
	return hmac.Equal([]byte(Sign(secret, body)), []byte(header))
}

// RedactURL is the URL without its path, query and credentials, for
// messages: webhook URLs often carry a token (Slack's do).
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(webhook URL)"
	}
	s := u.Scheme + "://" + u.Host
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" {
		s += "/…"
	}
	return s
}

// webhook delivers e to the webhook in its format.
func (n *Notifier) webhook(ctx context.Context, e ledger.Event, payload []byte) error {
	if err := n.loadSecret(ctx); err != nil {
		return fmt.Errorf("signing %s for %s: %w", e.Kind, RedactURL(n.WebhookURL), err)
	}
	body := payload
	if n.WebhookFormat == FormatSlack {
		var err error
		if body, err = SlackMessage(PayloadOf(e)); err != nil {
			return fmt.Errorf("formatting %s for Slack: %w", e.Kind, err)
		}
	}
	return n.post(ctx, e, body)
}

// loadSecret reads the secret through WebhookSecretFrom once; a failure is
// not kept, so the next event asks again.
func (n *Notifier) loadSecret(ctx context.Context) error {
	n.secretMu.Lock()
	defer n.secretMu.Unlock()
	if n.WebhookSecret != "" || n.WebhookSecretFrom == nil {
		return nil
	}
	s, err := n.WebhookSecretFrom(ctx)
	if err != nil {
		return err
	}
	if s == "" {
		return errors.New("the webhook secret is empty")
	}
	n.WebhookSecret = s
	return nil
}

// post delivers to the webhook, retrying network errors, 429 and 5xx with
// exponential backoff; other answers are final.
func (n *Notifier) post(ctx context.Context, e ledger.Event, body []byte) error {
	timeout := n.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	client := n.HTTP
	if client == nil {
		client = http.DefaultClient
	}
	target := RedactURL(n.WebhookURL)
	return n.retry(ctx, func(attempt, attempts int) (bool, error) {
		retry, err := n.postOnce(ctx, client, timeout, e, body)
		if err != nil {
			err = fmt.Errorf("posting %s to %s (attempt %d of %d): %w", e.Kind, target, attempt, attempts, err)
		}
		return retry, err
	})
}

// retry runs try until it succeeds, says not to retry, or runs out of
// attempts, waiting with exponential backoff between attempts.
func (n *Notifier) retry(ctx context.Context, try func(attempt, attempts int) (retry bool, err error)) error {
	attempts, backoff := n.Attempts, n.Backoff
	if attempts <= 0 {
		attempts = 4
	}
	if backoff <= 0 {
		backoff = time.Second
	}
	var last error
	for i := 1; i <= attempts; i++ {
		retry, err := try(i, attempts)
		if err == nil {
			return nil
		}
		last = err
		if !retry || i == attempts {
			break
		}
		select {
		case <-ctx.Done():
			return errors.Join(last, context.Cause(ctx))
		case <-time.After(backoff):
		}
		backoff *= 2
	}
	return last
}

func (n *Notifier) secret() Secret {
	n.secretMu.Lock()
	defer n.secretMu.Unlock()
	return n.WebhookSecret
}

func (n *Notifier) postOnce(ctx context.Context, client *http.Client, timeout time.Duration, e ledger.Event, body []byte) (retry bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.WebhookURL, bytes.NewReader(body))
	if err != nil {
		return false, errors.New("the webhook URL is not a valid URL")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "golive-notify")
	req.Header.Set("X-Golive-Event", e.Kind)
	req.Header.Set("X-Golive-Schema", Schema)
	if secret := n.secret(); secret != "" {
		req.Header.Set(SignatureHeader, Sign(secret, body))
	}
	resp, err := client.Do(req)
	if err != nil {
		// *url.Error repeats the whole URL, token and all.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return true, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return false, nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return true, fmt.Errorf("HTTP %d", resp.StatusCode)
	default:
		return false, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
}
