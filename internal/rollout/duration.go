package rollout

import (
	"strings"
	"time"
)

// StepCalls bounds the AWS calls that go with one step besides its gate
// checks: setting the weights (with the SDK's retries), recording the step
// in the ledger, and the lock and records around the cutover.
const StepCalls = 30 * time.Second

// MaxSteps is the most steps s plans between any two weights: one per
// canary percentage or linear increment, then the declared weights.
func (s Strategy) MaxSteps() int {
	switch {
	case len(s.CanarySteps) > 0:
		return len(s.CanarySteps) + 1
	case s.LinearIncrement > 0:
		return (100 + s.LinearIncrement - 1) / s.LinearIncrement
	}
	return 1
}

// Duration bounds how long the executor takes to walk n steps when every
// gate passes: a bake after each step but the last, a gate check before
// the first step and at the end of each bake (each taking up to check),
// and StepCalls per step.
func (s Strategy) Duration(n int, check time.Duration) time.Duration {
	if n <= 0 {
		return 0
	}
	return time.Duration(n-1)*s.Bake + time.Duration(n)*(check+StepCalls)
}

// ShortDuration writes a duration as people write it in configurations:
// 5m for 5m0s, 1h30m for 1h30m0s, 12h for 12h0m0s.
func ShortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
