package provider

import (
	"context"
	"time"
)

// detached is a fresh, bounded context for work that must finish even when
// the apply's own context was cancelled or timed out: clean-up, rollback,
// recording what happened, releasing locks.
func detached(ctx context.Context, limit time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), limit)
}
