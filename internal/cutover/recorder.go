package cutover

import (
	"context"
	"fmt"

	"github.com/golive-dev/terraform-provider-golive/internal/change"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

// recorder is the rollout.Recorder of a cutover: a step or a rollback is
// recorded as soon as traffic moved; the completion is the outcome, written
// when the transaction ends. The last step is followed by the completion at
// once (no bake, no gate in between), so it is written with the outcome, in
// the write that ends the transaction.
type recorder struct {
	txn Txn
	end *change.Ending
}

func (r *recorder) StepReached(ctx context.Context, step, total int, w rollout.Weights) error {
	e := ledger.Event{Kind: ledger.KindTrafficStep, Outcome: ledger.OutcomeReached, Detail: fmt.Sprintf("step %d of %d: %s", step, total, w)}
	if step == total {
		r.end.Events = append(r.end.Events, e)
		return nil
	}
	return r.txn.Record(ctx, e)
}

func (r *recorder) RolledBack(ctx context.Context, step, total int, to rollout.Weights, reason string) error {
	detail, outcome := fmt.Sprintf("at step %d of %d, back to %s", step, total, to), ledger.OutcomeRolledBack
	if to == nil {
		detail, outcome = fmt.Sprintf("at step %d of %d, rollback failed", step, total), ledger.OutcomeRollbackFailed
	}
	return r.txn.Record(ctx, ledger.Event{Kind: ledger.KindRolledBack, Outcome: outcome, Detail: detail, Reason: reason})
}

func (r *recorder) Completed(_ context.Context, w rollout.Weights) error {
	r.end.Events = append(r.end.Events, ledger.Event{Kind: ledger.KindCutoverCompleted, Outcome: ledger.OutcomeSucceeded, Detail: w.String()})
	return nil
}
