package ledger

// The ledger's vocabulary: what an event's Kind and Outcome may say, and the
// Status of a verification or a slot. Other stacks, the history data source,
// notifications and DORA metrics read these strings, so they never change
// once written; add new ones here.

// Environment events.
const (
	KindEnvironmentCreated = "environment_created"
	KindEnvironmentUpdated = "environment_updated"
	KindEnvironmentDeleted = "environment_deleted"
)

// Deployment events.
const (
	KindDeploymentStarted  = "deployment_started"
	KindDeploymentVerified = "deployment_verified"
	KindDeploymentFailed   = "deployment_failed"
	KindDeploymentDeleted  = "deployment_deleted"
	// KindAdopted records an existing ECS service that golive did not
	// create, taken over by a deployment with adopt = true.
	KindAdopted = "adopted"
)

// Traffic events.
const (
	KindCutoverStarted   = "cutover_started"
	KindTrafficStep      = "traffic_step"
	KindCutoverCompleted = "cutover_completed"
	KindSplitDeleted     = "traffic_split_deleted"
)

// Events of any change.
const (
	// KindOverride records a gate (promotion, freeze, deploy window) that an
	// override let through, with its reason.
	KindOverride = "override"
	// KindRolledBack records a cutover's weights set back, or a deployment's
	// ECS service put back on its previous task definition.
	KindRolledBack = "rolled_back"
	// KindLockTakenOver is recorded when a run takes over a lock whose
	// holder let its lease expire without releasing it: that run crashed or
	// was killed, and what it left behind (a cutover started but not
	// finished) is what the new run starts from.
	KindLockTakenOver = "lock_taken_over"
	// KindLockBroken records a person releasing a lock by hand (`golive
	// unlock`, break-glass): the actor is who did it, the reason theirs,
	// and the detail names the holder, its operation and lease.
	KindLockBroken = "lock_broken"
	// KindNotificationFailed records a notification that could not be
	// delivered; the change it announced is unaffected.
	KindNotificationFailed = "notification_failed"
)

// Outcomes of events.
const (
	OutcomeStarted   = "started"   // a cutover or deployment began
	OutcomeSucceeded = "succeeded" // it ended well; also create, update and delete events
	OutcomeFailed    = "failed"    // a deployment failed; a notification was not delivered
	OutcomeReached   = "reached"   // a traffic step is live
	OutcomeAllowed   = "allowed"   // an override let a change through a gate

	OutcomeRolledBack     = "rolled_back"     // weights set back to the pre-apply ones
	OutcomeRollbackFailed = "rollback_failed" // setting them back failed: traffic may be at the step
	OutcomePutBack        = "put_back"        // an ECS service back on its previous task definition
	OutcomePutBackFailed  = "put_back_failed" // putting it back (or deleting it) failed
	OutcomeDeleted        = "deleted"         // the ECS service a failed first deployment created, deleted again

	OutcomeTakenOver = "taken_over" // an expired lock taken over
	OutcomeReleased  = "released"   // a lock whose lease had expired, released by hand
	OutcomeForced    = "forced"     // a lock whose holder's lease still ran, released by hand with --force
)

// Status of a verification or a release slot.
const (
	StatusVerified = "verified"
	StatusFailed   = "failed"
)
