package metrics

import (
	"context"
	"errors"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// Source is what the measures are read from: the ledger (*ledger.Ledger),
// or a fake in tests.
type Source interface {
	Events(ctx context.Context, q ledger.EventQuery) ([]ledger.Event, string, error)
	GetEnvironment(ctx context.Context, id string) (*ledger.Environment, error)
	GetVerification(ctx context.Context, env, service, version string) (*ledger.Verification, error)
}

// Read computes the measures of environment env over the window ending at
// now. The golive_delivery_metrics data source and `golive metrics` both
// call it, so they agree.
func Read(ctx context.Context, src Source, env string, window time.Duration, now time.Time) (Result, error) {
	events, err := EventsSince(ctx, src, env, now.Add(-window))
	if err != nil {
		return Result{}, err
	}
	leads, err := LeadTimes(ctx, src, env, events)
	if err != nil {
		return Result{}, err
	}
	return Compute(Input{Window: window, Now: now, Events: events, LeadTimes: leads}), nil
}

// EventsSince reads every event of env at or after since, newest first,
// page by page.
func EventsSince(ctx context.Context, src Source, env string, since time.Time) ([]ledger.Event, error) {
	var all []ledger.Event
	q := ledger.EventQuery{Environment: env, Since: since, Limit: 1000}
	for {
		page, next, err := src.Events(ctx, q)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if next == "" {
			return all, nil
		}
		q.After = next
	}
}

// LeadTimes follows each version verified in env (by a
// deployment_verified event among events) back to the first environment of
// its promotion chain, and returns for each the time from its first
// deployment there to its verification here.
func LeadTimes(ctx context.Context, src Source, env string, events []ledger.Event) ([]time.Duration, error) {
	first, err := chainOrigin(ctx, src, env)
	if err != nil {
		return nil, err
	}
	var leads []time.Duration
	done := map[string]bool{}
	for _, e := range events {
		key := e.Service + "@" + e.Version
		if e.Kind != ledger.KindDeploymentVerified || done[key] {
			continue
		}
		done[key] = true
		v, err := src.GetVerification(ctx, env, e.Service, e.Version)
		if err != nil || v.Status != ledger.StatusVerified {
			continue
		}
		origin, err := src.GetVerification(ctx, first, e.Service, e.Version)
		if err != nil {
			continue
		}
		if lead := v.VerifiedAt.Sub(origin.FirstDeployedAt); lead >= 0 {
			leads = append(leads, lead)
		}
	}
	return leads, nil
}

// chainOrigin is the id of the first environment of env's promotion chain,
// following promotes_from until an environment without one, a missing
// record or a loop.
func chainOrigin(ctx context.Context, src Source, env string) (string, error) {
	here, err := src.GetEnvironment(ctx, env)
	if err != nil {
		return "", err
	}
	first := here
	for seen := map[string]bool{here.ID(): true}; first.PromotesFrom != ""; {
		id := first.Application + "/" + first.PromotesFrom
		if seen[id] {
			break // a loop in promotes_from: stop at the last distinct one
		}
		seen[id] = true
		up, err := src.GetEnvironment(ctx, id)
		if errors.Is(err, ledger.ErrNotFound) {
			break
		}
		if err != nil {
			return "", err
		}
		first = up
	}
	return first.ID(), nil
}
