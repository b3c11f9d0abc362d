package router

import (
	"context"
	"errors"
	"fmt"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

// ReadRule returns what Read and Rule return, from one DescribeRules (none
// when the router remembers its rule): a refresh of a split that owns its
// rule needs both. A missing rule is an error that wraps ErrNotFound.
func (a *ALB) ReadRule(ctx context.Context) (rollout.Weights, ALBRule, error) {
	if a.rule == "" {
		return nil, ALBRule{}, fmt.Errorf("reading %s: it routes with a listener's default actions, not a rule", a)
	}
	if a.seen == nil || a.seen.Rule == nil {
		_, err := a.describeRule(ctx)
		if errors.Is(err, ErrNotFound) {
			return nil, ALBRule{}, err
		}
		if err != nil {
			return nil, ALBRule{}, fmt.Errorf("reading %s: %w", a, err)
		}
	}
	i, ok := forwardIndex(a.seen.Actions)
	if !ok {
		return nil, ALBRule{}, fmt.Errorf("reading weights of %s: %w", a, errNoForward)
	}
	return a.weightsOf(a.seen.Actions[i]), *a.seen.Rule, nil
}
