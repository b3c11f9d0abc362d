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
// after the move it describes) and End (the outcome, the live slot,
// notifications delivered, the lock released). Implementations that batch
// the writes of a moment keep that order, which is what makes a crashed
// change readable from the ledger.
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
	RecordEvent(ctx context.Context, e ledger.Event) (ledger.Event, error)
	PutSplit(ctx context.Context, s ledger.Split) error
	SetLiveSlot(ctx context.Context, env, service, slot string) error
}

// Lock is a held ledger lock.
type Lock interface {
	// TakenOver describes the lock this one replaced because its lease had
	// expired; nil when the lock was free.
	TakenOver() *ledger.LockHeldError
	// KeepAlive renews the lease until stop is called or ctx ends.
	KeepAlive(ctx context.Context, onError func(error)) (stop func())
	Release(ctx context.Context) error
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
