package provider

import (
	"context"
	"fmt"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

// splitRecorder writes a cutover's progress to the ledger (rollout.Recorder).
type splitRecorder struct {
	ledger       *ledger.Ledger
	env, service string
	actor        string
}

func (s *splitRecorder) event(ctx context.Context, kind, outcome, detail, reason string) error {
	_, err := s.ledger.RecordEvent(ctx, ledger.Event{
		Environment: s.env, Service: s.service, Kind: kind, Outcome: outcome, Actor: s.actor, Detail: detail, Reason: reason,
	})
	return err
}

func (s *splitRecorder) StepReached(ctx context.Context, step, total int, w rollout.Weights) error {
	return s.event(ctx, ledger.KindTrafficStep, "reached", fmt.Sprintf("step %d of %d: %s", step, total, w), "")
}

func (s *splitRecorder) RolledBack(ctx context.Context, step, total int, to rollout.Weights, reason string) error {
	detail := fmt.Sprintf("at step %d of %d, back to %s", step, total, to)
	outcome := "rolled_back"
	if to == nil {
		detail, outcome = fmt.Sprintf("at step %d of %d, rollback failed", step, total), "rollback_failed"
	}
	return s.event(ctx, ledger.KindRolledBack, outcome, detail, reason)
}

func (s *splitRecorder) Completed(ctx context.Context, w rollout.Weights) error {
	return s.event(ctx, ledger.KindCutoverCompleted, "succeeded", w.String(), "")
}
