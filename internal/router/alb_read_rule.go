package router

import (
	"context"
	"errors"
	"fmt"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

// ReadRule returns what Read and Rule return, from one DescribeRules: a
// refresh of a split that owns its rule needs both. A missing rule is an
// error that wraps ErrNotFound.
func (a *ALB) ReadRule(ctx context.Context) (rollout.Weights, ALBRule, error) {
	if a.rule == "" {
		return nil, ALBRule{}, fmt.Errorf("reading %s: it routes with a listener's default actions, not a rule", a)
	}
	r, err := a.describeRule(ctx)
	if errors.Is(err, ErrNotFound) {
		return nil, ALBRule{}, err
	}
	if err != nil {
		return nil, ALBRule{}, fmt.Errorf("reading %s: %w", a, err)
	}
	i, ok := forwardIndex(r.Actions)
	if !ok {
		return nil, ALBRule{}, fmt.Errorf("reading weights of %s: %w", a, errNoForward)
	}
	return a.weightsOf(r.Actions[i]), ruleSpec(r), nil
}
