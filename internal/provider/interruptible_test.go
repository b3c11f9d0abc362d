package provider

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestInterruptibleNamesTheStop(t *testing.T) {
	parent, stop := context.WithCancel(context.Background())
	ctx, cancel := interruptible(parent)
	defer cancel()
	if ctx.Err() != nil {
		t.Fatalf("ended before its parent: %v", ctx.Err())
	}
	stop()
	<-ctx.Done()
	cause := context.Cause(ctx)
	if !errors.Is(cause, errStopped) || !errors.Is(cause, context.Canceled) || !strings.Contains(cause.Error(), "SIGINT") {
		t.Fatalf("cause = %v, want the stop named", cause)
	}
}

func TestInterruptibleNamesTheTimeout(t *testing.T) {
	parent, stop := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer stop()
	ctx, cancel := interruptible(parent)
	defer cancel()
	<-ctx.Done()
	cause := context.Cause(ctx)
	if !errors.Is(cause, context.DeadlineExceeded) || !strings.Contains(cause.Error(), "timeouts block") {
		t.Fatalf("cause = %v, want the timeout named", cause)
	}
}

func TestInterruptibleKeepsValues(t *testing.T) {
	type key struct{}
	ctx, cancel := interruptible(context.WithValue(context.Background(), key{}, "v"))
	defer cancel()
	if ctx.Value(key{}) != "v" {
		t.Fatal("values of the parent lost (tflog keeps its logger in them)")
	}
}

// A deployment's rollout wait is as long as the time left before the
// resource's timeout: the deadline must survive.
func TestInterruptibleKeepsTheDeadline(t *testing.T) {
	parent, stop := context.WithTimeout(context.Background(), time.Hour)
	defer stop()
	ctx, cancel := interruptible(parent)
	defer cancel()
	want, _ := parent.Deadline()
	if got, ok := ctx.Deadline(); !ok || !got.Equal(want) {
		t.Fatalf("deadline %v (%v), want %v", got, ok, want)
	}
	none, cancelNone := interruptible(context.Background())
	defer cancelNone()
	if _, ok := none.Deadline(); ok {
		t.Fatal("a deadline where the parent has none")
	}
}
