package notify

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// Slack limits the blocks of a message: a header's text to 150 characters,
// a section's to 3000, a field's to 2000.
const (
	slackHeaderLimit  = 150
	slackSectionLimit = 3000
	slackFieldLimit   = 2000
)

type slackText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type slackBlock struct {
	Type     string      `json:"type"`
	Text     *slackText  `json:"text,omitempty"`
	Fields   []slackText `json:"fields,omitempty"`
	Elements []slackText `json:"elements,omitempty"`
}

// SlackMessage is the event as a Slack message: `text` (the notification
// and fallback line) and Block Kit `blocks` — a header, the reason and
// detail, the facts as fields, and the event's id and time. Incoming
// webhooks and chat.postMessage accept it, and so do Slack-compatible
// receivers (Mattermost, Rocket.Chat) that read `text`.
func SlackMessage(p Payload) ([]byte, error) {
	subject := p.Environment
	if p.Service != "" {
		subject += "/" + p.Service
	}
	headline := fmt.Sprintf("%s %s: %s", outcomeEmoji(p.Outcome), subject, strings.ReplaceAll(p.Kind, "_", " "))
	if p.Version != "" {
		headline += " (" + p.Version + ")"
	}
	text := headline
	if p.Reason != "" {
		text += ": " + p.Reason
	}
	blocks := []slackBlock{{Type: "header", Text: &slackText{Type: "plain_text", Text: limit(headline, slackHeaderLimit)}}}
	var body []string
	if p.Reason != "" {
		body = append(body, "*Reason:* "+slackEscape(p.Reason))
	}
	if p.Detail != "" {
		body = append(body, "*Detail:* "+slackEscape(p.Detail))
	}
	if len(body) > 0 {
		blocks = append(blocks, slackBlock{Type: "section", Text: &slackText{Type: "mrkdwn", Text: limit(strings.Join(body, "\n"), slackSectionLimit)}})
	}
	var fields []slackText
	for _, f := range [][2]string{{"Environment", p.Environment}, {"Service", p.Service}, {"Version", p.Version}, {"Outcome", p.Outcome}, {"Actor", p.Actor}} {
		if f[1] != "" {
			fields = append(fields, slackText{Type: "mrkdwn", Text: limit("*"+f[0]+"*\n"+slackEscape(f[1]), slackFieldLimit)})
		}
	}
	blocks = append(blocks, slackBlock{Type: "section", Fields: fields})
	blocks = append(blocks, slackBlock{Type: "context", Elements: []slackText{{Type: "mrkdwn",
		Text: slackEscape(fmt.Sprintf("golive %s · %s · %s", p.Kind, p.ID, p.At.UTC().Format(time.RFC3339)))}}})
	return json.Marshal(struct {
		Text   string       `json:"text"`
		Blocks []slackBlock `json:"blocks"`
	}{Text: slackEscape(text), Blocks: blocks})
}

// slackEscape escapes the three characters Slack's mrkdwn reserves.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func outcomeEmoji(outcome string) string {
	switch outcome {
	case ledger.OutcomeSucceeded, ledger.OutcomeReached:
		return "✅"
	case ledger.OutcomeStarted:
		return "🚀"
	case ledger.OutcomeFailed, ledger.OutcomeRollbackFailed, ledger.OutcomePutBackFailed:
		return "❌"
	case ledger.OutcomeRolledBack, ledger.OutcomePutBack, ledger.OutcomeDeleted:
		return "↩️"
	default:
		return "ℹ️"
	}
}

// limit cuts s to n characters (runes), ending with "…" when cut.
func limit(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
