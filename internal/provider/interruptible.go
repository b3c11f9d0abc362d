package provider

import (
	"context"
	"errors"
	"fmt"
)

// errStopped is why a change's context ends when Terraform stops the
// provider: on SIGINT (Ctrl-C, a cancelled CI job) Terraform calls
// StopProvider, which cancels the contexts of the calls in flight.
var errStopped = errors.New("terraform stopped the provider (SIGINT: Ctrl-C or a cancelled CI job)")

// interruptible is ctx ending when ctx ends, with a cause that says why —
// Terraform stopped the provider, or the resource's timeout ran out —
// instead of "context canceled", so errors and the ledger's rollback
// reasons (which quote context.Cause) name the interruption. It keeps ctx's
// deadline, which waits size themselves by.
func interruptible(ctx context.Context) (context.Context, context.CancelFunc) {
	timedOut := fmt.Errorf("the timeout of this change ran out (raise it in the resource's timeouts block): %w", context.DeadlineExceeded)
	out, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	stopDeadline := func() {}
	if d, ok := ctx.Deadline(); ok {
		out, stopDeadline = context.WithDeadlineCause(out, d, timedOut)
	}
	stop := context.AfterFunc(ctx, func() {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			cancel(timedOut)
			return
		}
		cancel(fmt.Errorf("%w: %w", errStopped, context.Canceled))
	})
	return out, func() {
		stop()
		stopDeadline()
		cancel(context.Canceled)
	}
}
