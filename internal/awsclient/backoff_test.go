package awsclient

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
)

func TestBackoffThrottlesWaitLongerThanBlips(t *testing.T) {
	b := newBackoff(20*time.Second, retry.IsErrorThrottles(retry.DefaultThrottles))
	throttled := &smithy.GenericAPIError{Code: "ThrottlingException"}
	blip := &smithy.GenericAPIError{Code: "InternalFailure"}
	reset := errors.New("connection reset by peer")
	for _, tc := range []struct {
		attempt int
		err     error
		want    time.Duration
	}{
		{1, throttled, 2 * time.Second},
		{2, throttled, 4 * time.Second},
		{5, throttled, 20 * time.Second},
		{9, throttled, 20 * time.Second},
		{1, blip, 100 * time.Millisecond},
		{3, blip, 400 * time.Millisecond},
		{1, reset, 100 * time.Millisecond},
		{9, reset, 20 * time.Second},
		{60, reset, 20 * time.Second},
	} {
		if got := b.ceiling(tc.attempt, tc.err); got != tc.want {
			t.Errorf("attempt %d after %v: ceiling %s, want %s", tc.attempt, tc.err, got, tc.want)
		}
	}
	b.rand = func() float64 { return 0.5 }
	if d, err := b.BackoffDelay(2, throttled); err != nil || d != 2*time.Second {
		t.Fatalf("half of the ceiling: %s, %v", d, err)
	}
	short := newBackoff(time.Millisecond, nil)
	if got := short.ceiling(1, throttled); got != time.Millisecond {
		t.Fatalf("max below the base: %s", got)
	}
}
