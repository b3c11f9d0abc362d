package provider

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/notify"
	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

// eventSink records a change's events in the ledger and announces them to
// the environment's notify targets. It is the rollout.Recorder of cutovers.
type eventSink struct {
	ledger       *ledger.Ledger
	notifier     *notify.Notifier
	env, service string
	actor        string

	mu       sync.Mutex
	failures []string
}

// newEventSink builds the sink for a change in env.
func (d *providerData) newEventSink(env *ledger.Environment, service, actor string) *eventSink {
	s := &eventSink{ledger: d.ledger, env: env.ID(), service: service, actor: actor}
	if n := env.Notify; n != nil && (n.SNSTopicARN != "" || n.WebhookURL != "") {
		s.notifier = &notify.Notifier{TopicARN: n.SNSTopicARN, WebhookURL: n.WebhookURL, OnFailure: s.notificationFailed}
		if n.SNSTopicARN != "" {
			s.notifier.SNS = d.aws.SNS()
		}
	}
	return s
}

func (s *eventSink) notificationFailed(target string, e ledger.Event, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, fmt.Sprintf("%s event to %s: %v", e.Kind, target, err))
}

// event records and announces one event. Recording errors are returned;
// they never undo the change the event describes.
func (s *eventSink) event(ctx context.Context, kind, outcome, version, detail, reason string) error {
	rctx, cancel := detached(ctx, 30*time.Second)
	defer cancel()
	e, err := s.ledger.RecordEvent(rctx, ledger.Event{
		Environment: s.env, Service: s.service, Kind: kind, Version: version, Outcome: outcome, Actor: s.actor, Detail: detail, Reason: reason,
	})
	if err != nil {
		return err
	}
	s.notifier.Notify(ctx, e)
	return nil
}

// finish waits briefly for notifications, then logs, records and warns about
// any that failed. It never fails the change.
func (s *eventSink) finish(ctx context.Context, diags *diagnostics) {
	if s.notifier == nil {
		return
	}
	if !s.notifier.Wait(20 * time.Second) {
		tflog.Warn(ctx, "golive notifications still being delivered; not waiting longer")
	}
	s.mu.Lock()
	failures := append([]string(nil), s.failures...)
	s.mu.Unlock()
	for _, f := range failures {
		tflog.Warn(ctx, "golive notification failed", map[string]any{"failure": f})
		rctx, cancel := detached(ctx, 30*time.Second)
		_, _ = s.ledger.RecordEvent(rctx, ledger.Event{Environment: s.env, Service: s.service, Kind: ledger.KindNotificationFailed,
			Outcome: ledger.OutcomeFailed, Actor: s.actor, Detail: f})
		cancel()
		diags.AddWarning("notification not delivered", f+". The release itself is unaffected; the failure is recorded in the ledger.")
	}
}

func (s *eventSink) StepReached(ctx context.Context, step, total int, w rollout.Weights) error {
	return s.event(ctx, ledger.KindTrafficStep, ledger.OutcomeReached, "", fmt.Sprintf("step %d of %d: %s", step, total, w), "")
}

func (s *eventSink) RolledBack(ctx context.Context, step, total int, to rollout.Weights, reason string) error {
	detail, outcome := fmt.Sprintf("at step %d of %d, back to %s", step, total, to), ledger.OutcomeRolledBack
	if to == nil {
		detail, outcome = fmt.Sprintf("at step %d of %d, rollback failed", step, total), ledger.OutcomeRollbackFailed
	}
	return s.event(ctx, ledger.KindRolledBack, outcome, "", detail, reason)
}

func (s *eventSink) Completed(ctx context.Context, w rollout.Weights) error {
	return s.event(ctx, ledger.KindCutoverCompleted, ledger.OutcomeSucceeded, "", w.String(), "")
}
