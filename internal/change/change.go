// Package change runs one change to a service of an environment — a
// deployment or a traffic cutover — under golive's rules: changes of the
// same service in this process queue behind each other, the ledger lock of
// the environment+service is held (its lease renewed) until the change ends,
// a takeover of a lock whose holder crashed is recorded, and every event of
// the change is recorded in the ledger and announced to the environment's
// notify targets.
//
// A change has four moments: Begin (queue, lock), Start (what is recorded
// before anything moves), Record (one event as the change moves, written
// after the move it describes) and End (the outcome, the live slot, the
// lock released, notifications delivered). The writes of a moment go to
// the ledger as one transaction, in that order, which is what makes a
// crashed change readable from the ledger. A change begun with Queue
// instead of Begin takes its lock in the write of its Start: one call
// fewer, for a change that can say what it will do before it holds the
// lock (a cutover, from the plan's read of the live weights).
package change

import (
	"context"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// Ledger is what a change writes. *ledger.Ledger provides it through
// LedgerStore.
type Ledger interface {
	// AcquireLock takes the lock of an environment+service, or fails at
	// once with a *ledger.LockHeldError naming the holder.
	AcquireLock(ctx context.Context, req ledger.LockRequest) (Lock, error)
	// OpenChange takes the lock and records the opening in one write
	// (ledger.Ledger.OpenChange).
	OpenChange(ctx context.Context, o ledger.Opening) (Lock, []ledger.Event, error)
	// Write records w in one write (ledger.Ledger.Write).
	Write(ctx context.Context, w ledger.Writes) ledger.Recorded
	RecordEvent(ctx context.Context, e ledger.Event) (ledger.Event, error)
}

// Lock is a held ledger lock.
type Lock interface {
	// TakenOver describes the lock this one replaced because its lease had
	// expired; nil when the lock was free.
	TakenOver() *ledger.LockHeldError
	// KeepAlive renews the lease until stop is called or ctx ends.
	KeepAlive(ctx context.Context, onError func(error)) (stop func())
	// ReleaseWith records w and releases the lock in one write
	// (ledger.Lock.ReleaseWith).
	ReleaseWith(ctx context.Context, w ledger.Writes) ledger.Recorded
}

// Notifier announces recorded events to an environment's notify targets
// (notify.Notifier). Notify returns at once; Wait waits for deliveries in
// flight, at most timeout, and reports whether they all ended.
type Notifier interface {
	Notify(ctx context.Context, e ledger.Event)
	Wait(timeout time.Duration) bool
}

// Notifiers builds the Notifier of an environment, reporting each delivery
// that finally failed to failed; nil when the environment has no targets.
type Notifiers func(env *ledger.Environment, failed func(target string, e ledger.Event, err error)) Notifier

// Logger writes a warning to the provider's log (tflog.Warn).
type Logger func(ctx context.Context, msg string, fields map[string]any)

// Request names the change: which service of which environment, by whom,
// doing what (shown to whoever finds the lock held).
type Request struct {
	// Environment is the environment record as the change read it. A
	// change begun with Queue takes its lock only while the ledger still
	// has this revision of the record (Start fails with a
	// *ledger.EnvironmentChangedError carrying the record as it is now).
	Environment *ledger.Environment
	Service     string
	Actor       string // the STS caller ARN
	Operation   string // e.g. "traffic shift to blue=0 green=100 by terraform apply"
}

// Target is "<application>/<environment>/<service>".
func (r Request) Target() string { return r.Environment.ID() + "/" + r.Service }

// Opening is what is recorded before anything moves.
type Opening struct {
	// Split is the record of the traffic split as it will route, written
	// before traffic moves so that it names every target traffic may reach.
	// Nil for a deployment.
	Split *ledger.Split
	// Events open the change: an override used, cutover_started,
	// deployment_started.
	Events []ledger.Event
}

// Ending is what is recorded when the change ends.
type Ending struct {
	// Events close the change: cutover_completed, deployment_verified,
	// deployment_failed. Events of a move (a step reached, a rollback) are
	// recorded with Record as the move happens instead.
	Events []ledger.Event
	// LiveSlot, when set, is the slot that now has most of the service's
	// traffic, for golive_release.
	LiveSlot string
}

// Warning is something that went wrong without failing the change: a lock
// not released (its lease frees it), a notification not delivered, the
// live slot not marked.
type Warning struct {
	Summary string
	Detail  string
}
