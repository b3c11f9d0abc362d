// Package router sets and reads traffic weights on ALB listeners and rules,
// Lambda aliases and Route 53 weighted records. Each implements
// rollout.Router; keys are destination names, or raw identifiers for what
// no destination declares.
package router

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

// ALB routes with the weighted forward action of a listener's default
// actions or of a listener rule.
type ALB struct {
	client   *elbv2.Client
	listener string
	rule     string
	dests    []rollout.Destination
}

// NewALB routes on listenerARN's default action, or on ruleARN if set.
func NewALB(client *elbv2.Client, listenerARN, ruleARN string, dests []rollout.Destination) *ALB {
	return &ALB{client: client, listener: listenerARN, rule: ruleARN, dests: dests}
}

func (a *ALB) String() string {
	if a.rule != "" {
		return "ALB listener rule " + a.rule
	}
	return "ALB listener " + a.listener
}

func (a *ALB) actions(ctx context.Context) ([]elbtypes.Action, error) {
	if a.rule != "" {
		out, err := a.client.DescribeRules(ctx, &elbv2.DescribeRulesInput{RuleArns: []string{a.rule}})
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", a, err)
		}
		if len(out.Rules) != 1 {
			return nil, fmt.Errorf("reading %s: rule not found", a)
		}
		return out.Rules[0].Actions, nil
	}
	out, err := a.client.DescribeListeners(ctx, &elbv2.DescribeListenersInput{ListenerArns: []string{a.listener}})
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", a, err)
	}
	if len(out.Listeners) != 1 {
		return nil, fmt.Errorf("reading %s: listener not found", a)
	}
	return out.Listeners[0].DefaultActions, nil
}

func forwardIndex(actions []elbtypes.Action) int {
	for i, act := range actions {
		if act.Type == elbtypes.ActionTypeEnumForward {
			return i
		}
	}
	return -1
}

func (a *ALB) Read(ctx context.Context) (rollout.Weights, error) {
	actions, err := a.actions(ctx)
	if err != nil {
		return nil, err
	}
	i := forwardIndex(actions)
	if i < 0 {
		return nil, fmt.Errorf("%s has no forward action to route with", a)
	}
	raw := map[string]int{}
	fwd := actions[i]
	if fwd.ForwardConfig != nil && len(fwd.ForwardConfig.TargetGroups) > 0 {
		for _, tg := range fwd.ForwardConfig.TargetGroups {
			raw[aws.ToString(tg.TargetGroupArn)] = int(aws.ToInt32(tg.Weight))
		}
	} else if arn := aws.ToString(fwd.TargetGroupArn); arn != "" {
		raw[arn] = 100
	}
	return normalise(keyed(raw, a.dests)), nil
}

func (a *ALB) Set(ctx context.Context, w rollout.Weights) error {
	actions, err := a.actions(ctx)
	if err != nil {
		return err
	}
	i := forwardIndex(actions)
	if i < 0 {
		return fmt.Errorf("%s has no forward action to route with", a)
	}
	var groups []elbtypes.TargetGroupTuple
	for _, d := range a.dests {
		groups = append(groups, elbtypes.TargetGroupTuple{TargetGroupArn: aws.String(d.Target), Weight: aws.Int32(int32(w[d.Name]))})
	}
	for _, k := range extraKeys(w, a.dests) {
		if w[k] > 0 {
			groups = append(groups, elbtypes.TargetGroupTuple{TargetGroupArn: aws.String(k), Weight: aws.Int32(int32(w[k]))})
		}
	}
	fwd := actions[i]
	cfg := &elbtypes.ForwardActionConfig{TargetGroups: groups}
	if fwd.ForwardConfig != nil {
		cfg.TargetGroupStickinessConfig = fwd.ForwardConfig.TargetGroupStickinessConfig
	}
	fwd.ForwardConfig = cfg
	fwd.TargetGroupArn = nil
	actions[i] = fwd
	if a.rule != "" {
		_, err = a.client.ModifyRule(ctx, &elbv2.ModifyRuleInput{RuleArn: aws.String(a.rule), Actions: actions})
	} else {
		_, err = a.client.ModifyListener(ctx, &elbv2.ModifyListenerInput{ListenerArn: aws.String(a.listener), DefaultActions: actions})
	}
	if err != nil {
		return fmt.Errorf("setting %s on %s: %w", w, a, err)
	}
	return nil
}
