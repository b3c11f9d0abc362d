package awsclient

import (
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// Base delays of the retry backoff. A throttled call waits from a second
// up, as AWS asks; a 5xx answer or a dropped connection is a blip worth
// retrying at once. The SDK's legacy backoff starts every retry, blips
// included, at up to 2 s, which made a cutover under 30% faulted calls
// spend minutes asleep; this is the formula of the SDK's 2026 retry
// behaviour (AWS_NEW_RETRIES_2026), which golive should not need an
// environment variable for.
const (
	transientBaseDelay = 50 * time.Millisecond
	throttleBaseDelay  = time.Second
)

// backoff is exponential backoff with full jitter:
// rand[0,1) * min(base * 2^attempt, max).
type backoff struct {
	max      time.Duration
	throttle retry.IsErrorThrottle
	rand     func() float64
}

func newBackoff(limit time.Duration, throttle retry.IsErrorThrottle) *backoff {
	return &backoff{max: limit, throttle: throttle, rand: rand.Float64}
}

// BackoffDelay is how long to wait before retrying after attempt failed
// with err.
func (b *backoff) BackoffDelay(attempt int, err error) (time.Duration, error) {
	return time.Duration(b.rand() * float64(b.ceiling(attempt, err))), nil
}

// ceiling is the longest wait after attempt.
func (b *backoff) ceiling(attempt int, err error) time.Duration {
	base := transientBaseDelay
	if b.throttle != nil && b.throttle.IsErrorThrottle(err) == aws.TrueTernary {
		base = throttleBaseDelay
	}
	d := base
	for i := 0; i < attempt && d < b.max; i++ {
		d *= 2
	}
	return min(d, b.max)
}
