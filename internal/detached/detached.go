// Package detached builds the fresh, bounded contexts of work that must
// finish even when the context of the change it belongs to was cancelled or
// timed out (Ctrl-C, a CI timeout, a resource's timeouts block): rolling
// back, cleaning up, recording what happened, releasing locks.
package detached

import (
	"context"
	"time"
)

// Timeouts of detached work, by what it does.
const (
	// CallTimeout bounds one call made after the change's own context may
	// have ended: recording an event, releasing a lock, marking the live
	// slot, reading the weights a failure left, deleting an object the
	// failed change created.
	CallTimeout = 30 * time.Second
	// RollbackTimeout bounds putting AWS back as it was: traffic weights
	// back to the pre-apply ones, an ECS service back on its previous task
	// definition, an environment's half-written parameters removed.
	RollbackTimeout = 2 * time.Minute
)

// WithTimeout is a context that keeps ctx's values (loggers, tracing) but
// not its cancellation or deadline, and ends after limit.
func WithTimeout(ctx context.Context, limit time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), limit)
}
