package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/golive-dev/terraform-provider-golive/internal/change"
	"github.com/golive-dev/terraform-provider-golive/internal/cutover"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/notify"
)

// newChanges is the coordinator of the changes (deployments, cutovers) of
// one configured provider.
func (d *providerData) newChanges() *change.Coordinator {
	return change.New(change.LedgerStore(d.ledger), d.notifierOf, func(ctx context.Context, msg string, fields map[string]any) {
		tflog.Warn(ctx, msg, fields)
	})
}

// notifierOf announces to env's notify targets; nil when it has none.
func (d *providerData) notifierOf(env *ledger.Environment, failed func(target string, e ledger.Event, err error)) change.Notifier {
	n := env.Notify
	if n == nil || (n.SNSTopicARN == "" && n.WebhookURL == "") {
		return nil
	}
	out := &notify.Notifier{TopicARN: n.SNSTopicARN, WebhookURL: n.WebhookURL, OnFailure: failed}
	if n.SNSTopicARN != "" {
		out.SNS = d.aws.SNS()
	}
	return out
}

// cutoverLedger begins cutovers as changes of the provider's coordinator.
type cutoverLedger struct{ changes *change.Coordinator }

func (l cutoverLedger) Begin(ctx context.Context, req change.Request) (cutover.Txn, error) {
	s, err := l.changes.Begin(ctx, req)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// addWarnings reports what went wrong without failing a change.
func addWarnings(diags *diagnostics, warnings []change.Warning) {
	for _, w := range warnings {
		diags.AddWarning(w.Summary, w.Detail)
	}
}

// errReported is an error already in the diagnostics, with its attribute.
var errReported = errors.New("reported in the diagnostics")
