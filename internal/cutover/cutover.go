// Package cutover is the transaction of one apply of a traffic split: read
// the live weights (the plan's read, when the router carries it), check the
// release schedule, take the service's lock and record the start in one
// write, walk the steps of the strategy with the rollback gates
// (rollout.Executor), record each step, and record the outcome, mark the
// live slot and release the lock in one write. A split that creates and
// owns its routing object (a Lambda alias, an ALB listener rule) makes it
// on the declared weights instead, and removes it again if it cannot be
// recorded.
//
// It knows AWS and the ledger only through small interfaces (Ledger, Txn,
// rollout.Router, rollout.Gate, Schedule), so it is unit tested with fakes.
package cutover

import (
	"context"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/change"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

// Ledger begins a cutover's record: *change.Coordinator, adapted.
type Ledger interface {
	// Begin waits for the other changes of the service in this process
	// (change.Coordinator.Queue). The ledger lock is taken by Txn.Start.
	Begin(ctx context.Context, req change.Request) (Txn, error)
}

// Txn is the record of one cutover, written at the transaction's moments
// (*change.Session). Start comes before traffic moves, Record after each
// move, End last.
type Txn interface {
	// Start takes the service's ledger lock (recording a takeover of an
	// expired one) and writes the split record and the opening events (an
	// override, cutover_started), in one write; the lock is kept until End.
	// An error means the lock is not held, nothing was recorded and nothing
	// may move: a *ledger.LockHeldError names the holder, and a
	// *ledger.EnvironmentChangedError says the environment record is no
	// longer the one the cutover was judged on.
	Start(ctx context.Context, o change.Opening) error
	// Record writes one event of a move that happened: a step reached, a
	// rollback.
	Record(ctx context.Context, e ledger.Event) error
	// RecordSplit writes the split record of a split whose routing object
	// was just created. An error means it is not recorded.
	RecordSplit(ctx context.Context, s ledger.Split) error
	// End writes the outcome and the live slot, announces, and releases
	// the lock. It never fails the cutover: problems come back as
	// warnings.
	End(ctx context.Context, e change.Ending) []change.Warning
}

// Schedule is the environment's release schedule (freezes, deploy window),
// checked again at apply: a saved plan must not slip past a freeze that
// began after it was made.
type Schedule interface {
	// Check judges the cutover described in words by env's schedule. It
	// returns the reason of the override that let it through ("" when none
	// was needed), or an error refusing it.
	Check(env *ledger.Environment, description string) (override string, err error)
}

// Operation is what an apply does to the split.
type Operation int

const (
	// Update changes an existing split.
	Update Operation = iota
	// Create makes a new split: a routing object it owns is created, and
	// unchanged weights are still written in golive's form.
	Create
)

// Verb is the operation in diagnostics: "creating", "updating".
func (o Operation) Verb() string {
	if o == Create {
		return "creating"
	}
	return "updating"
}

// Owned is the routing object a new split creates and owns (its Lambda
// alias or listener rule).
type Owned struct {
	Kind        string // for messages: "Lambda alias", "ALB listener rule"
	Description string // the creation in words, recorded as the cutover
	// IfMissing creates the object only when the router finds it missing
	// (router.ErrNotFound): an alias that exists is adopted. Otherwise it is
	// created without a read (a rule the split owns).
	IfMissing bool
	Create    func(ctx context.Context, to rollout.Weights) error
	Remove    func(ctx context.Context) error
	// Mark fills what the split record says about the created object.
	Mark func(*ledger.Split)
}

// Split is one apply of a traffic split.
type Split struct {
	Operation Operation
	// Environment is the environment record as read (by the plan,
	// possibly); the lock is taken only while the ledger still has it.
	Environment *ledger.Environment
	Service     string
	Actor       string // the STS caller ARN
	Router      rollout.Router
	Gates       []rollout.Gate
	Declared    rollout.Weights
	Strategy    rollout.Strategy
	// PollInterval is how often gates are checked during a bake.
	PollInterval time.Duration
	Schedule     Schedule
	// Record is the ledger's record of the split as declared; UpdatedBy is
	// set to Actor.
	Record ledger.Split
	// LiveSlot is the slot of the deployment that gets most traffic, marked
	// live after a successful apply; "" when no destination is a deployment.
	LiveSlot string
	// Prepare, when set, runs under the lock before traffic moves: an
	// owned rule's priority and conditions are set in place.
	Prepare func(ctx context.Context) error
	// Owned, when set on Create, is the routing object the split creates.
	Owned *Owned
}

// ID is "<application>/<environment>/<service>".
func (s Split) ID() string { return s.Environment.ID() + "/" + s.Service }

// Result is what an apply left.
type Result struct {
	// Live is the live weights afterwards; nil when unknown (a failed
	// cutover whose weights could not be read back).
	Live rollout.Weights
	// Created says the Owned object was created.
	Created bool
	// Warnings went wrong without failing the apply.
	Warnings []change.Warning
}
