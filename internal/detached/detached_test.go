package detached

import (
	"context"
	"testing"
	"time"
)

func TestWithTimeoutOutlivesItsParent(t *testing.T) {
	type key struct{}
	parent, cancelParent := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
	cancelParent()
	ctx, cancel := WithTimeout(parent, time.Hour)
	defer cancel()
	if ctx.Err() != nil {
		t.Fatalf("ended with its parent: %v", ctx.Err())
	}
	if ctx.Value(key{}) != "v" {
		t.Fatal("values of the parent lost (tflog keeps its logger in them)")
	}
	deadline, ok := ctx.Deadline()
	if !ok || time.Until(deadline) > time.Hour {
		t.Fatalf("deadline = %v, %v; want one at most an hour away", deadline, ok)
	}
}

func TestWithTimeoutEnds(t *testing.T) {
	ctx, cancel := WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	<-ctx.Done()
	if ctx.Err() != context.DeadlineExceeded {
		t.Fatalf("err = %v, want deadline exceeded", ctx.Err())
	}
}
