// Package router sets and reads traffic weights on ALB listeners and rules,
// Lambda aliases, Route 53 weighted records and the backendRefs of Gateway
// API HTTPRoutes on Kubernetes. Each implements
// rollout.Router; keys are destination names, or raw identifiers for what
// no destination declares.
package router

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

var _ rollout.Router = (*ALB)(nil)

// ALB routes with the forward action of a listener's default actions or of
// a listener rule. Destination targets are target group ARNs.
//
// It remembers the actions (and the rule's priority and conditions) as it
// last read or wrote them, and answers Read, Set's resending of the other
// actions and UpdateRule from that memory: an apply reads its rule at most
// once, and none at all when it is given the plan's read (Remember). So
// while a cutover runs, golive owns the rule: a change made to its other
// actions meanwhile is written over. A write that fails forgets, so the
// next call reads again.
type ALB struct {
	client   *elbv2.Client
	listener string
	rule     string
	dests    []rollout.Destination
	seen     *ALBState
}

// ALBState is a listener's default actions or a rule as an ALB router saw
// them, as it can be carried from a plan to its apply (it encodes as JSON).
type ALBState struct {
	Actions []elbtypes.Action `json:"actions"`
	// Rule is the rule's priority and conditions; nil for a listener's
	// default actions.
	Rule *ALBRule `json:"rule,omitempty"`
}

// Remember makes st what the router knows of its listener or rule, as if
// it had just read it.
func (a *ALB) Remember(st ALBState) { a.seen = &st }

// Seen is what the router last read or wrote; false before it read.
func (a *ALB) Seen() (ALBState, bool) {
	if a.seen == nil {
		return ALBState{}, false
	}
	return *a.seen, true
}

// NewALB routes on listenerARN's default actions or on ruleARN; exactly one
// of them is set.
func NewALB(client *elbv2.Client, listenerARN, ruleARN string, dests []rollout.Destination) *ALB {
	return &ALB{client: client, listener: listenerARN, rule: ruleARN, dests: dests}
}

func (a *ALB) String() string {
	if a.rule != "" {
		return "ALB listener rule " + a.rule
	}
	return "ALB listener " + a.listener
}

// Read returns the forward action's weights as percentages. ALB weights are
// relative (0-999); AWS reports a plain forward as one group of weight 1.
// A missing rule is an error that wraps ErrNotFound.
func (a *ALB) Read(ctx context.Context) (rollout.Weights, error) {
	actions, i, err := a.forwardAction(ctx)
	if errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("reading weights of %s: %w", a, err)
	}
	return a.weightsOf(actions[i]), nil
}

// weightsOf is the forward action's weights as percentages.
func (a *ALB) weightsOf(fwd elbtypes.Action) rollout.Weights {
	raw := map[string]int{}
	if fwd.ForwardConfig != nil && len(fwd.ForwardConfig.TargetGroups) > 0 {
		for _, tg := range fwd.ForwardConfig.TargetGroups {
			weight := 1 // AWS's default when a tuple has no weight
			if tg.Weight != nil {
				weight = int(*tg.Weight)
			}
			raw[aws.ToString(tg.TargetGroupArn)] += weight
		}
	} else if arn := aws.ToString(fwd.TargetGroupArn); arn != "" {
		raw[arn] = 100
	}
	return normalise(keyed(raw, a.dests))
}

// Set rewrites only the target groups and weights of the forward action.
// Every destination stays attached (weight 0 when absent from w); a raw
// target group ARN is attached only while w gives it traffic, so setting a
// stray group to 0 detaches it. Other actions, their order and the
// forward's stickiness are sent back as last seen.
func (a *ALB) Set(ctx context.Context, w rollout.Weights) error {
	if err := checkPercents(w); err != nil {
		return fmt.Errorf("setting %s on %s: %w", w, a, err)
	}
	actions, i, err := a.forwardAction(ctx)
	if err != nil {
		return fmt.Errorf("setting %s on %s: %w", w, a, err)
	}
	fwd := actions[i]
	cfg := &elbtypes.ForwardActionConfig{TargetGroups: forwardGroups(w, a.dests)}
	if fwd.ForwardConfig != nil {
		cfg.TargetGroupStickinessConfig = fwd.ForwardConfig.TargetGroupStickinessConfig
	}
	fwd.ForwardConfig = cfg
	fwd.TargetGroupArn = nil // AWS rejects a TargetGroupArn that disagrees with ForwardConfig
	actions[i] = fwd
	if err := a.modifyActions(ctx, actions); err != nil {
		return fmt.Errorf("setting %s on %s: %w", w, a, err)
	}
	return nil
}

// modifyActions writes actions to the rule or the listener and remembers
// them as AWS answered (as sent, when it answered without them).
func (a *ALB) modifyActions(ctx context.Context, actions []elbtypes.Action) error {
	var answered []elbtypes.Action
	if a.rule != "" {
		out, err := a.client.ModifyRule(ctx, &elbv2.ModifyRuleInput{RuleArn: aws.String(a.rule), Actions: actions})
		if err != nil {
			a.seen = nil
			return err
		}
		if len(out.Rules) == 1 {
			answered = out.Rules[0].Actions
		}
	} else {
		out, err := a.client.ModifyListener(ctx, &elbv2.ModifyListenerInput{ListenerArn: aws.String(a.listener), DefaultActions: actions})
		if err != nil {
			a.seen = nil
			return err
		}
		if len(out.Listeners) == 1 {
			answered = out.Listeners[0].DefaultActions
		}
	}
	if len(answered) == 0 {
		answered = actions
	}
	if a.seen == nil {
		a.seen = &ALBState{}
	}
	a.seen.Actions = answered
	return nil
}

// forwardAction reads the actions, ready to be sent back unchanged, and
// the index of the forward action among them.
func (a *ALB) forwardAction(ctx context.Context) ([]elbtypes.Action, int, error) {
	actions, err := a.actions(ctx)
	if err != nil {
		return nil, 0, err
	}
	i, ok := forwardIndex(actions)
	if !ok {
		return nil, 0, errNoForward
	}
	return resendable(actions), i, nil
}

var errNoForward = errors.New("it has no forward action to route with")

// forwardIndex is the position of the forward action among actions.
func forwardIndex(actions []elbtypes.Action) (int, bool) {
	for i, act := range actions {
		if act.Type == elbtypes.ActionTypeEnumForward {
			return i, true
		}
	}
	return 0, false
}

func (a *ALB) actions(ctx context.Context) ([]elbtypes.Action, error) {
	if a.seen != nil {
		return a.seen.Actions, nil
	}
	if (a.listener == "") == (a.rule == "") {
		return nil, fmt.Errorf("exactly one of a listener ARN and a rule ARN must be set, got listener %q and rule %q", a.listener, a.rule)
	}
	if a.rule != "" {
		r, err := a.describeRule(ctx)
		if err != nil {
			return nil, err
		}
		return r.Actions, nil
	}
	out, err := a.client.DescribeListeners(ctx, &elbv2.DescribeListenersInput{ListenerArns: []string{a.listener}})
	if err != nil {
		return nil, err
	}
	if len(out.Listeners) != 1 {
		return nil, errors.New("listener not found")
	}
	a.seen = &ALBState{Actions: out.Listeners[0].DefaultActions}
	return out.Listeners[0].DefaultActions, nil
}

// resendable copies actions so they can be passed back to Modify*: AWS
// never returns an OIDC client secret, and a modify without one must say
// to keep the existing secret.
func resendable(actions []elbtypes.Action) []elbtypes.Action {
	out := make([]elbtypes.Action, len(actions))
	copy(out, actions)
	for i, act := range out {
		if oidc := act.AuthenticateOidcConfig; oidc != nil && aws.ToString(oidc.ClientSecret) == "" {
			c := *oidc
			c.UseExistingClientSecret = aws.Bool(true)
			out[i].AuthenticateOidcConfig = &c
		}
	}
	return out
}
