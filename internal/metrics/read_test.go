package metrics

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// fakeSource is a ledger in memory: events newest first, served in pages
// of pageSize.
type fakeSource struct {
	events        map[string][]ledger.Event
	envs          map[string]ledger.Environment
	verifications map[string]ledger.Verification // by env|service|version
	pageSize      int
	queries       []ledger.EventQuery
}

func (f *fakeSource) Events(_ context.Context, q ledger.EventQuery) ([]ledger.Event, string, error) {
	f.queries = append(f.queries, q)
	var out []ledger.Event
	for _, e := range f.events[q.Environment] {
		if e.At.Before(q.Since) || (q.After != "" && e.ID >= q.After) {
			continue
		}
		out = append(out, e)
	}
	if len(out) > f.pageSize {
		return out[:f.pageSize], out[f.pageSize-1].ID, nil
	}
	return out, "", nil
}

func (f *fakeSource) GetEnvironment(_ context.Context, id string) (*ledger.Environment, error) {
	e, ok := f.envs[id]
	if !ok {
		return nil, fmt.Errorf("environment %s: %w", id, ledger.ErrNotFound)
	}
	return &e, nil
}

func (f *fakeSource) GetVerification(_ context.Context, env, service, version string) (*ledger.Verification, error) {
	v, ok := f.verifications[env+"|"+service+"|"+version]
	if !ok {
		return nil, ledger.ErrNotFound
	}
	return &v, nil
}

func TestReadFollowsPagesAndThePromotionChain(t *testing.T) {
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return now.Add(-time.Duration(h) * time.Hour) }
	ev := func(h int, kind, version string) ledger.Event {
		return ledger.Event{ID: "EVT#" + at(h).Format(time.RFC3339), At: at(h), Service: "api", Kind: kind, Version: version}
	}
	src := &fakeSource{
		pageSize: 2,
		envs: map[string]ledger.Environment{
			"shop/prod":    {Application: "shop", Name: "prod", PromotesFrom: "staging"},
			"shop/staging": {Application: "shop", Name: "staging", PromotesFrom: "dev"},
			"shop/dev":     {Application: "shop", Name: "dev"},
		},
		events: map[string][]ledger.Event{"shop/prod": {
			ev(1, ledger.KindDeploymentVerified, "2"), ev(2, ledger.KindDeploymentStarted, "2"),
			ev(3, ledger.KindDeploymentVerified, "1"), ev(4, ledger.KindDeploymentStarted, "1"),
			ev(48, ledger.KindDeploymentVerified, "0"), // outside a 24h window
		}},
		verifications: map[string]ledger.Verification{
			"shop/prod|api|2": {Status: ledger.StatusVerified, VerifiedAt: at(1)},
			"shop/prod|api|1": {Status: ledger.StatusVerified, VerifiedAt: at(3)},
			"shop/dev|api|2":  {FirstDeployedAt: at(11)},
			"shop/dev|api|1":  {FirstDeployedAt: at(9)},
		},
	}
	r, err := Read(context.Background(), src, "shop/prod", 24*time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	if r.Deployments != 2 || r.Changes != 2 || r.DeploymentFrequency != 2 || r.LeadTimeCount != 2 || r.MeanLeadTime != 8*time.Hour {
		t.Fatalf("got %+v", r)
	}
	if len(src.queries) != 2 || !src.queries[0].Since.Equal(at(24)) || src.queries[1].After == "" {
		t.Fatalf("want two pages of events since the window's start, got %+v", src.queries)
	}
}

func TestReadStopsAtALoopOrAMissingUpstream(t *testing.T) {
	for name, envs := range map[string]map[string]ledger.Environment{
		"loop": {"shop/a": {Application: "shop", Name: "a", PromotesFrom: "b"}, "shop/b": {Application: "shop", Name: "b", PromotesFrom: "a"}},
		"gone": {"shop/a": {Application: "shop", Name: "a", PromotesFrom: "b"}},
	} {
		t.Run(name, func(t *testing.T) {
			origin, err := chainOrigin(context.Background(), &fakeSource{envs: envs}, "shop/a")
			want := map[string]string{"loop": "shop/b", "gone": "shop/a"}[name]
			if err != nil || origin != want {
				t.Fatalf("origin %q, %v; want %q", origin, err, want)
			}
		})
	}
}

func TestReadOfAnUnknownEnvironmentFails(t *testing.T) {
	src := &fakeSource{pageSize: 10}
	_, err := Read(context.Background(), src, "shop/nope", time.Hour, time.Now())
	if !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("want ErrNotFound, got %v", err)
	}
}
