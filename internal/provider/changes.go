package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/golive-dev/terraform-provider-golive/internal/change"
	"github.com/golive-dev/terraform-provider-golive/internal/cutover"
)

// newChanges is the coordinator of the changes (deployments, cutovers) of
// one configured provider.
func (d *providerData) newChanges() *change.Coordinator {
	return change.New(change.LedgerStore(d.ledger), d.notifierOf, func(ctx context.Context, msg string, fields map[string]any) {
		tflog.Warn(ctx, msg, fields)
	})
}

// cutoverLedger begins cutovers as changes of the provider's coordinator
// that take their lock with their opening.
type cutoverLedger struct{ changes *change.Coordinator }

func (l cutoverLedger) Begin(ctx context.Context, req change.Request) (cutover.Txn, error) {
	s, err := l.changes.Queue(ctx, req)
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
