package deploy_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/change"
	"github.com/golive-dev/terraform-provider-golive/internal/deploy"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// The provider runs a deployment in a change session, and records it in the
// golive ledger.
var (
	_ deploy.Session = (*change.Session)(nil)
	_ deploy.Ledger  = (*ledger.Ledger)(nil)
)

// Fakes for the pipeline's collaborators. They keep one journal of what
// happened, in order, so tests can check the sequence.

type journal struct {
	mu      sync.Mutex
	entries []string
}

func (j *journal) add(format string, args ...any) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries = append(j.entries, fmt.Sprintf(format, args...))
}

func (j *journal) String() string { return strings.Join(j.entries, "\n") }

type fakeChange struct {
	j        *journal
	created  bool
	adopted  string
	waitErr  error
	undoErr  error
	undoText string
	undone   int
}

func (c *fakeChange) Wait(context.Context) error {
	c.j.add("wait")
	return c.waitErr
}

func (c *fakeChange) Undo(ctx context.Context) (string, error) {
	c.undone++
	c.j.add("undo")
	return c.undoText, c.undoErr
}

func (c *fakeChange) Created() bool   { return c.created }
func (c *fakeChange) Adopted() string { return c.adopted }

type fakeTarget struct {
	j      *journal
	change *fakeChange // nil: nothing changed
	err    error
}

func (t *fakeTarget) Apply(context.Context) (deploy.Change, error) {
	t.j.add("apply")
	if t.change == nil {
		return nil, t.err
	}
	return t.change, t.err
}

type fakeLedger struct {
	j             *journal
	release       *ledger.Release
	releaseErr    error
	verifications []ledger.Verification
	slots         map[string]ledger.Slot
	putErr        error
}

func (l *fakeLedger) GetRelease(context.Context, string, string) (*ledger.Release, error) {
	if l.releaseErr != nil {
		return nil, l.releaseErr
	}
	if l.release == nil {
		return nil, fmt.Errorf("release: %w", ledger.ErrNotFound)
	}
	return l.release, nil
}

func (l *fakeLedger) PutVerification(ctx context.Context, v ledger.Verification) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	l.j.add("verification %s@%s %s", v.Service, v.Version, v.Status)
	if l.putErr != nil {
		return l.putErr
	}
	l.verifications = append(l.verifications, v)
	return nil
}

func (l *fakeLedger) SetSlot(_ context.Context, env, service, slot string, s ledger.Slot) (*ledger.Release, error) {
	l.j.add("slot %s = %s (previous %q)", slot, s.Version, s.Previous)
	if l.slots == nil {
		l.slots = map[string]ledger.Slot{}
	}
	l.slots[slot] = s
	return &ledger.Release{Environment: env, Service: service, Slots: l.slots}, nil
}

// fakeSession journals the events of each moment; End's are followed by
// "end".
type fakeSession struct {
	j      *journal
	events []ledger.Event
	ended  int
}

func (r *fakeSession) Start(ctx context.Context, o change.Opening) error {
	for _, e := range o.Events {
		_ = r.Record(ctx, e)
	}
	return nil
}

func (r *fakeSession) Record(_ context.Context, e ledger.Event) error {
	r.j.add("event %s %s", e.Kind, e.Outcome)
	r.events = append(r.events, e)
	return nil
}

func (r *fakeSession) End(ctx context.Context, e change.Ending) []change.Warning {
	for _, ev := range e.Events {
		_ = r.Record(ctx, ev)
	}
	r.ended++
	r.j.add("end")
	return []change.Warning{{Summary: "notification not delivered"}}
}

func (r *fakeSession) find(kind string) *ledger.Event {
	for i := range r.events {
		if r.events[i].Kind == kind {
			return &r.events[i]
		}
	}
	return nil
}

type fakeHook struct {
	j    *journal
	name string
	err  error
	got  []deploy.Release
}

func (h *fakeHook) RunRelease(_ context.Context, r deploy.Release) error {
	h.j.add("hook %s (%s)", h.name, r.Phase)
	h.got = append(h.got, r)
	return h.err
}

// fakeGate fails its first `failures` checks.
type fakeGate struct {
	j        *journal
	name     string
	failures int
	checks   int
}

func (g *fakeGate) Name() string { return g.name }

func (g *fakeGate) Check(context.Context) error {
	g.checks++
	g.j.add("gate %s", g.name)
	if g.checks <= g.failures {
		return fmt.Errorf("%s is ALARM", g.name)
	}
	return nil
}

type pipelineFixture struct {
	j       *journal
	target  *fakeTarget
	ledger  *fakeLedger
	session *fakeSession
	before  *fakeHook
	after   *fakeHook
	gate    *fakeGate
	p       *deploy.Pipeline
}

var fixedNow = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

// newPipeline deploys api@2.0.0 to slot green of shop/prod, where 1.0.0
// ran before, with one hook per phase and one gate.
func newPipeline(applied *fakeChange) *pipelineFixture {
	j := &journal{}
	if applied != nil {
		applied.j = j
	}
	f := &pipelineFixture{j: j, target: &fakeTarget{j: j, change: applied},
		ledger:  &fakeLedger{j: j, release: &ledger.Release{Slots: map[string]ledger.Slot{"green": {Version: "1.0.0"}}}},
		session: &fakeSession{j: j}, before: &fakeHook{j: j, name: "migrate"}, after: &fakeHook{j: j, name: "announce"},
		gate: &fakeGate{j: j, name: `alarm "api-5xx"`}}
	f.p = &deploy.Pipeline{
		Release: deploy.Release{Environment: "shop/prod", Service: "api", Version: "2.0.0", Slot: "green",
			DeploymentID: "shop/prod/api/green", Actor: "arn:aws:sts::123456789012:assumed-role/deployer/ci"},
		Target: f.target,
		Hooks:  []deploy.HookStep{{Phase: deploy.PhaseAfterVerify, Hook: f.after}, {Phase: deploy.PhaseBeforeVerify, Hook: f.before}},
		Checks: []deploy.Check{{Gate: f.gate}},
		Slot:   ledger.Slot{Destination: "arn:tg/green", Cluster: "shop", ECSService: "api-green"},
		Ledger: f.ledger, Session: f.session, Now: func() time.Time { return fixedNow },
	}
	return f
}

// wantJournal checks the journal of a run: want, then the session's end,
// which every run reaches.
func wantJournal(t *testing.T, j *journal, want ...string) {
	t.Helper()
	want = append(want, "end")
	if got := j.String(); got != strings.Join(want, "\n") {
		t.Fatalf("journal:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

func TestPipeline_verified(t *testing.T) {
	f := newPipeline(&fakeChange{})
	f.p.Opening = []ledger.Event{{Kind: ledger.KindOverride, Outcome: ledger.OutcomeAllowed, Reason: "hotfix INC-1234"}}
	out, err := f.p.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	wantJournal(t, f.j,
		"event override allowed",
		"event deployment_started started",
		"apply", "wait",
		"hook migrate (before_verify)",
		`gate alarm "api-5xx"`,
		"hook announce (after_verify)",
		"verification api@2.0.0 verified",
		`slot green = 2.0.0 (previous "1.0.0")`,
		"event deployment_verified succeeded")
	if out.Status != ledger.StatusVerified || out.PreviousVersion != "1.0.0" || !out.DeployedAt.Equal(fixedNow) || out.Leftover ||
		len(out.Warnings) != 1 || f.session.ended != 1 {
		t.Fatalf("outcome %+v, session ended %d times", out, f.session.ended)
	}
	want := deploy.Release{Environment: "shop/prod", Service: "api", Version: "2.0.0", Slot: "green", PreviousVersion: "1.0.0",
		DeploymentID: "shop/prod/api/green", Actor: "arn:aws:sts::123456789012:assumed-role/deployer/ci", Phase: deploy.PhaseBeforeVerify}
	if len(f.before.got) != 1 || f.before.got[0] != want {
		t.Fatalf("before_verify hook got %+v, want %+v", f.before.got, want)
	}
	want.Phase = deploy.PhaseAfterVerify
	if len(f.after.got) != 1 || f.after.got[0] != want {
		t.Fatalf("after_verify hook got %+v, want %+v", f.after.got, want)
	}
	s := f.ledger.slots["green"]
	if s.Destination != "arn:tg/green" || s.ECSService != "api-green" || s.Status != ledger.StatusVerified || !s.DeployedAt.Equal(fixedNow) {
		t.Fatalf("slot record %+v", s)
	}
	if e := f.session.find(ledger.KindDeploymentStarted); e.Detail != "slot green, from 1.0.0" || e.Actor != f.p.Release.Actor || e.Version != "2.0.0" {
		t.Fatalf("started event %+v", e)
	}
}

func TestPipeline_adoptRecorded(t *testing.T) {
	f := newPipeline(&fakeChange{adopted: "ECS service api-green in cluster shop"})
	if _, err := f.p.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	e := f.session.find(ledger.KindAdopted)
	if e == nil || e.Outcome != ledger.OutcomeSucceeded || e.Detail != "ECS service api-green in cluster shop taken over by deployment shop/prod/api/green" {
		t.Fatalf("adopted event %+v; journal:\n%s", e, f.j)
	}
	if f.j.entries[1] != "apply" || f.j.entries[2] != "event adopted succeeded" {
		t.Fatalf("adopted must be recorded right after apply:\n%s", f.j)
	}
}

func TestPipeline_waitFailsPutsBack(t *testing.T) {
	f := newPipeline(&fakeChange{waitErr: errors.New("ECS deployment ecs-svc/1 of service api-green failed: tasks failed to start"),
		undoText: "ECS service api-green put back on arn:aws:ecs:us-east-1:123456789012:task-definition/api:1"})
	out, err := f.p.Run(context.Background())
	wantErrText(t, err, "ECS deployment ecs-svc/1 of service api-green failed: tasks failed to start; "+
		"ECS service api-green put back on arn:aws:ecs:us-east-1:123456789012:task-definition/api:1")
	wantJournal(t, f.j,
		"event deployment_started started", "apply", "wait", "undo",
		"event rolled_back put_back",
		"verification api@2.0.0 failed",
		"event deployment_failed failed")
	if out.Status != ledger.StatusFailed || out.Leftover {
		t.Fatalf("outcome %+v", out)
	}
	rb := f.session.find(ledger.KindRolledBack)
	if rb.Reason != "ECS deployment ecs-svc/1 of service api-green failed: tasks failed to start" || !strings.Contains(rb.Detail, "put back on") {
		t.Fatalf("rolled_back event %+v", rb)
	}
	if e := f.session.find(ledger.KindDeploymentFailed); e.Detail != err.Error() {
		t.Fatalf("failed event detail %q, want the error", e.Detail)
	}
}

func TestPipeline_gateFailsPutsBack(t *testing.T) {
	f := newPipeline(&fakeChange{undoText: "ECS service api-green put back on api:1"})
	f.gate.failures = 1
	_, err := f.p.Run(context.Background())
	wantErrText(t, err, `verifying api@2.0.0: alarm "api-5xx" is ALARM; ECS service api-green put back on api:1`)
	wantJournal(t, f.j,
		"event deployment_started started", "apply", "wait", "hook migrate (before_verify)", `gate alarm "api-5xx"`, "undo",
		"event rolled_back put_back", "verification api@2.0.0 failed", "event deployment_failed failed")
}

// A polled gate is checked until it passes: two failures then a pass.
func TestPipeline_polledGatePasses(t *testing.T) {
	f := newPipeline(&fakeChange{})
	f.gate.failures = 2
	f.p.Checks[0].Timeout, f.p.Checks[0].Interval, f.p.Checks[0].Successes = time.Minute, time.Millisecond, 1
	if _, err := f.p.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if f.gate.checks != 3 {
		t.Fatalf("gate checked %d times, want 3", f.gate.checks)
	}
}

func TestPipeline_beforeHookFails(t *testing.T) {
	f := newPipeline(&fakeChange{undoText: "ECS service api-green put back on api:1"})
	f.before.err = errors.New("hook POST https://ci.example.com/migrate answered HTTP 500: migration 0042 failed")
	_, err := f.p.Run(context.Background())
	wantErrText(t, err, "hook 2 (before_verify): hook POST https://ci.example.com/migrate answered HTTP 500: migration 0042 failed; "+
		"ECS service api-green put back on api:1")
	if f.gate.checks != 0 || len(f.after.got) != 0 {
		t.Fatalf("gates (%d) or after_verify hooks (%d) ran after a failed before_verify hook", f.gate.checks, len(f.after.got))
	}
}

func TestPipeline_afterHookFails(t *testing.T) {
	f := newPipeline(&fakeChange{undoText: "ECS service api-green put back on api:1"})
	f.after.err = errors.New("boom")
	_, err := f.p.Run(context.Background())
	wantErrText(t, err, "hook 1 (after_verify): boom; ECS service api-green put back on api:1")
	if len(f.ledger.verifications) != 1 || f.ledger.verifications[0].Status != ledger.StatusFailed {
		t.Fatalf("verifications %+v", f.ledger.verifications)
	}
}

// A first deployment that fails deletes the service it created: nothing
// is left that Terraform does not track.
func TestPipeline_firstDeploymentFailsDeletesService(t *testing.T) {
	f := newPipeline(&fakeChange{created: true, waitErr: errors.New("rollout failed"),
		undoText: "ECS service api-green, which this deployment created, deleted"})
	f.ledger.release = nil
	out, err := f.p.Run(context.Background())
	wantErrText(t, err, "rollout failed; ECS service api-green, which this deployment created, deleted")
	if out.Leftover || out.PreviousVersion != "" {
		t.Fatalf("outcome %+v", out)
	}
	if e := f.session.find(ledger.KindRolledBack); e.Outcome != ledger.OutcomeDeleted {
		t.Fatalf("rolled_back event %+v", e)
	}
	if e := f.session.find(ledger.KindDeploymentStarted); e.Detail != "slot green, from nothing" {
		t.Fatalf("started event %+v", e)
	}
}

// When the service a failed first deployment created cannot be deleted,
// the outcome says to keep it in state, so destroy removes it.
func TestPipeline_firstDeploymentFailsAndDeleteFails(t *testing.T) {
	f := newPipeline(&fakeChange{created: true, waitErr: errors.New("rollout failed"),
		undoErr: errors.New("deleting ECS service api-green, which this deployment created: AccessDenied")})
	out, err := f.p.Run(context.Background())
	wantErrText(t, err, "rollout failed; deleting ECS service api-green, which this deployment created: AccessDenied: "+
		"the service stays in Terraform state, and terraform destroy or the next apply deletes it")
	if !out.Leftover {
		t.Fatalf("outcome %+v: the service must stay tracked", out)
	}
	if e := f.session.find(ledger.KindRolledBack); e.Outcome != ledger.OutcomePutBackFailed {
		t.Fatalf("rolled_back event %+v", e)
	}
}

func TestPipeline_putBackFails(t *testing.T) {
	undoErr := errors.New("putting ECS service api-green back on api:1: throttled")
	f := newPipeline(&fakeChange{waitErr: errors.New("rollout failed"), undoErr: undoErr})
	out, err := f.p.Run(context.Background())
	wantErrText(t, err, "rollout failed; putting ECS service api-green back on api:1: throttled")
	if !errors.Is(err, undoErr) {
		t.Fatalf("the put-back error is not wrapped: %v", err)
	}
	if out.Leftover {
		t.Fatal("an existing service is tracked already: no leftover")
	}
}

// Apply can fail after changing something (an adoption tagged, then the
// update refused): that is undone too.
func TestPipeline_applyFailsHalfway(t *testing.T) {
	f := newPipeline(&fakeChange{undoText: "ECS service api-green put back on api:1"})
	f.target.err = errors.New("updating ECS service api-green in shop: InvalidParameterException")
	_, err := f.p.Run(context.Background())
	wantErrText(t, err, "updating ECS service api-green in shop: InvalidParameterException; ECS service api-green put back on api:1")
	wantJournal(t, f.j, "event deployment_started started", "apply", "undo", "event rolled_back put_back",
		"verification api@2.0.0 failed", "event deployment_failed failed")
}

// Refused before changing anything (an existing service golive does not
// own): nothing to undo.
func TestPipeline_applyRefused(t *testing.T) {
	f := newPipeline(nil)
	f.target.err = &deploy.NotOwnedError{Cluster: "shop", Service: "api-green"}
	_, err := f.p.Run(context.Background())
	var no *deploy.NotOwnedError
	if !errors.As(err, &no) {
		t.Fatalf("error %v is not a *NotOwnedError", err)
	}
	wantJournal(t, f.j, "event deployment_started started", "apply", "verification api@2.0.0 failed", "event deployment_failed failed")
}

// A failed run still records, on a fresh context, when its own has ended.
func TestPipeline_recordsAfterCancel(t *testing.T) {
	f := newPipeline(&fakeChange{undoText: "put back"})
	ctx, cancel := context.WithCancel(context.Background())
	f.before.err = errors.New("interrupted")
	f.target.change.waitErr = nil
	cancelling := &cancelOnRun{fakeHook: f.before, cancel: cancel}
	f.p.Hooks[1].Hook = cancelling
	if _, err := f.p.Run(ctx); err == nil {
		t.Fatal("want an error")
	}
	if len(f.ledger.verifications) != 1 || f.ledger.verifications[0].Status != ledger.StatusFailed {
		t.Fatalf("failed verification not recorded after cancel: %+v", f.ledger.verifications)
	}
}

type cancelOnRun struct {
	*fakeHook
	cancel context.CancelFunc
}

func (c *cancelOnRun) RunRelease(ctx context.Context, r deploy.Release) error {
	c.cancel()
	return c.fakeHook.RunRelease(ctx, r)
}

// The version runs but its record could not be written: an error, and a
// created service stays tracked.
func TestPipeline_recordFails(t *testing.T) {
	f := newPipeline(&fakeChange{created: true})
	f.ledger.putErr = errors.New("ResourceNotFoundException: table golive-ledger")
	out, err := f.p.Run(context.Background())
	wantErrText(t, err, "api@2.0.0 runs in slot green and passed its gates, but recording it in the golive ledger failed (apply again to record it): "+
		"ResourceNotFoundException: table golive-ledger")
	if !out.Leftover || f.target.change.undone != 0 {
		t.Fatalf("outcome %+v, undone %d times: a verified version is not undone for a ledger error", out, f.target.change.undone)
	}
}

// Lambda: nothing changes, so nothing is undone.
func TestPipeline_nothingToUndo(t *testing.T) {
	f := newPipeline(nil)
	f.gate.failures = 1
	_, err := f.p.Run(context.Background())
	wantErrText(t, err, `verifying api@2.0.0: alarm "api-5xx" is ALARM`)
	wantJournal(t, f.j, "event deployment_started started", "apply", "hook migrate (before_verify)", `gate alarm "api-5xx"`,
		"verification api@2.0.0 failed", "event deployment_failed failed")
}

func wantErrText(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil || err.Error() != want {
		t.Fatalf("error:\n%v\nwant:\n%s", err, want)
	}
}
