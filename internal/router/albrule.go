package router

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

// ALBRule is what a split that owns its listener rule declares about the
// rule besides the weights: where it sits among the listener's rules and
// which requests it matches. Conditions are ANDed; values of one condition
// are ORed, as in AWS.
type ALBRule struct {
	Priority     int32
	PathPatterns []string
	HostHeaders  []string
}

// String is the rule in words: "priority 100, path /api/* or /v2/*, host api.example.com".
func (s ALBRule) String() string {
	parts := []string{fmt.Sprintf("priority %d", s.Priority)}
	if len(s.PathPatterns) > 0 {
		parts = append(parts, "path "+strings.Join(s.PathPatterns, " or "))
	}
	if len(s.HostHeaders) > 0 {
		parts = append(parts, "host "+strings.Join(s.HostHeaders, " or "))
	}
	return strings.Join(parts, ", ")
}

// SameConditions says whether s and o match the same requests (the order of
// values does not matter).
func (s ALBRule) SameConditions(o ALBRule) bool {
	return sameValues(s.PathPatterns, o.PathPatterns) && sameValues(s.HostHeaders, o.HostHeaders)
}

func (s ALBRule) conditions() []elbtypes.RuleCondition {
	var out []elbtypes.RuleCondition
	if len(s.PathPatterns) > 0 {
		out = append(out, elbtypes.RuleCondition{Field: aws.String("path-pattern"),
			PathPatternConfig: &elbtypes.PathPatternConditionConfig{Values: s.PathPatterns}})
	}
	if len(s.HostHeaders) > 0 {
		out = append(out, elbtypes.RuleCondition{Field: aws.String("host-header"),
			HostHeaderConfig: &elbtypes.HostHeaderConditionConfig{Values: s.HostHeaders}})
	}
	return out
}

// CreateALBRule makes a listener rule on listenerARN that forwards to dests
// at w, for a split that owns its rule, and returns the router on it. There
// is no live traffic on a new rule, so there is nothing to canary: it starts
// on w.
func CreateALBRule(ctx context.Context, client *elbv2.Client, listenerARN string, spec ALBRule, dests []rollout.Destination, w rollout.Weights, tags map[string]string) (*ALB, error) {
	what := fmt.Sprintf("creating ALB listener rule (%s) on %s at %s", spec, listenerARN, w)
	if err := checkPercents(w); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if len(spec.PathPatterns) == 0 && len(spec.HostHeaders) == 0 {
		return nil, fmt.Errorf("%s: a rule needs at least one path pattern or host header", what)
	}
	in := &elbv2.CreateRuleInput{
		ListenerArn: aws.String(listenerARN), Priority: aws.Int32(spec.Priority), Conditions: spec.conditions(),
		Actions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{TargetGroups: forwardGroups(w, dests)}}},
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		in.Tags = append(in.Tags, elbtypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	out, err := client.CreateRule(ctx, in)
	var inUse *elbtypes.PriorityInUseException
	if errors.As(err, &inUse) {
		// The SDK retried a create whose answer was lost after ELB had
		// applied it: the rule at our priority is the one we just made.
		if arn := ruleAt(ctx, client, listenerARN, spec, in.Actions[0].ForwardConfig.TargetGroups); arn != "" {
			return NewALB(client, "", arn, dests), nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if len(out.Rules) != 1 || aws.ToString(out.Rules[0].RuleArn) == "" {
		return nil, fmt.Errorf("%s: AWS answered without the rule's ARN", what)
	}
	a := NewALB(client, "", aws.ToString(out.Rules[0].RuleArn), dests)
	a.RememberRule(out.Rules[0])
	return a, nil
}

// ruleAt is the ARN of the listener's rule at spec's priority if it has
// spec's conditions and forwards to exactly groups, "" otherwise.
func ruleAt(ctx context.Context, client *elbv2.Client, listenerARN string, spec ALBRule, groups []elbtypes.TargetGroupTuple) string {
	p := elbv2.NewDescribeRulesPaginator(client, &elbv2.DescribeRulesInput{ListenerArn: aws.String(listenerARN)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return ""
		}
		for _, r := range page.Rules {
			live := ruleSpec(r)
			if live.Priority != spec.Priority || aws.ToBool(r.IsDefault) {
				continue
			}
			if !live.SameConditions(spec) || len(r.Actions) != 1 || r.Actions[0].ForwardConfig == nil || !sameGroups(r.Actions[0].ForwardConfig.TargetGroups, groups) {
				return ""
			}
			return aws.ToString(r.RuleArn)
		}
	}
	return ""
}

func sameGroups(a, b []elbtypes.TargetGroupTuple) bool {
	weights := func(g []elbtypes.TargetGroupTuple) map[string]int32 {
		m := map[string]int32{}
		for _, t := range g {
			m[aws.ToString(t.TargetGroupArn)] = aws.ToInt32(t.Weight)
		}
		return m
	}
	x, y := weights(a), weights(b)
	if len(x) != len(y) {
		return false
	}
	for k, v := range x {
		if w, ok := y[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// RuleARN is the ARN of the rule the router routes with ("" on a
// listener's default actions).
func (a *ALB) RuleARN() string { return a.rule }

// Rule reads the priority and conditions of the router's rule. A missing
// rule is an error that wraps ErrNotFound.
func (a *ALB) Rule(ctx context.Context) (ALBRule, error) {
	if a.seen != nil && a.seen.Rule != nil {
		return *a.seen.Rule, nil
	}
	r, err := a.describeRule(ctx)
	if errors.Is(err, ErrNotFound) {
		return ALBRule{}, err
	}
	if err != nil {
		return ALBRule{}, fmt.Errorf("reading %s: %w", a, err)
	}
	return ruleSpec(r), nil
}

// ruleSpec is the priority and conditions of r.
func ruleSpec(r elbtypes.Rule) ALBRule {
	spec := ALBRule{}
	if p, err := strconv.ParseInt(aws.ToString(r.Priority), 10, 32); err == nil {
		spec.Priority = int32(p)
	}
	for _, c := range r.Conditions {
		switch aws.ToString(c.Field) {
		case "path-pattern":
			if c.PathPatternConfig != nil {
				spec.PathPatterns = append(spec.PathPatterns, c.PathPatternConfig.Values...)
			} else {
				spec.PathPatterns = append(spec.PathPatterns, c.Values...)
			}
		case "host-header":
			if c.HostHeaderConfig != nil {
				spec.HostHeaders = append(spec.HostHeaders, c.HostHeaderConfig.Values...)
			} else {
				spec.HostHeaders = append(spec.HostHeaders, c.Values...)
			}
		}
	}
	return spec
}

// UpdateRule brings the rule's conditions (ModifyRule, actions untouched)
// and priority (SetRulePriorities) to spec, in place, and says whether
// anything changed.
func (a *ALB) UpdateRule(ctx context.Context, spec ALBRule) (bool, error) {
	live, err := a.Rule(ctx)
	if err != nil {
		return false, err
	}
	changed := false
	if !live.SameConditions(spec) {
		if len(spec.PathPatterns) == 0 && len(spec.HostHeaders) == 0 {
			return false, fmt.Errorf("updating %s: a rule needs at least one path pattern or host header", a)
		}
		if _, err := a.client.ModifyRule(ctx, &elbv2.ModifyRuleInput{RuleArn: aws.String(a.rule), Conditions: spec.conditions()}); err != nil {
			a.seen = nil
			return false, fmt.Errorf("updating the conditions of %s to %s: %w", a, spec, err)
		}
		changed = true
		a.seenRule(func(r *ALBRule) { r.PathPatterns, r.HostHeaders = spec.PathPatterns, spec.HostHeaders })
	}
	if live.Priority != spec.Priority {
		_, err := a.client.SetRulePriorities(ctx, &elbv2.SetRulePrioritiesInput{RulePriorities: []elbtypes.RulePriorityPair{
			{RuleArn: aws.String(a.rule), Priority: aws.Int32(spec.Priority)},
		}})
		if err != nil {
			a.seen = nil
			return changed, fmt.Errorf("moving %s from priority %d to %d: %w", a, live.Priority, spec.Priority, err)
		}
		changed = true
		a.seenRule(func(r *ALBRule) { r.Priority = spec.Priority })
	}
	return changed, nil
}

// seenRule applies a change the router made to its remembered rule.
func (a *ALB) seenRule(change func(*ALBRule)) {
	if a.seen != nil && a.seen.Rule != nil {
		r := *a.seen.Rule
		change(&r)
		a.seen.Rule = &r
	}
}

// DeleteRule removes the router's rule; a rule already gone is fine.
func (a *ALB) DeleteRule(ctx context.Context) error {
	if a.rule == "" {
		return fmt.Errorf("deleting %s: it routes with a listener's default actions, not a rule", a)
	}
	a.seen = nil
	_, err := a.client.DeleteRule(ctx, &elbv2.DeleteRuleInput{RuleArn: aws.String(a.rule)})
	if err != nil && !isRuleNotFound(err) {
		return fmt.Errorf("deleting %s: %w", a, err)
	}
	return nil
}

// describeRule reads the router's rule and remembers it.
func (a *ALB) describeRule(ctx context.Context) (elbtypes.Rule, error) {
	out, err := a.client.DescribeRules(ctx, &elbv2.DescribeRulesInput{RuleArns: []string{a.rule}})
	if isRuleNotFound(err) || (err == nil && len(out.Rules) != 1) {
		if err == nil {
			err = errors.New("DescribeRules answered no rule")
		}
		return elbtypes.Rule{}, fmt.Errorf("%s %w (%w)", a, ErrNotFound, err)
	}
	if err != nil {
		return elbtypes.Rule{}, err
	}
	a.RememberRule(out.Rules[0])
	return out.Rules[0], nil
}

// RememberRule makes r, as DescribeRules answered it (for a whole listener,
// say), what the router knows of its rule.
func (a *ALB) RememberRule(r elbtypes.Rule) {
	spec := ruleSpec(r)
	a.seen = &ALBState{Actions: r.Actions, Rule: &spec}
}

// forwardGroups are the target groups of a weighted forward to w: every
// destination (weight 0 when absent from w), and a raw target group ARN
// only while w gives it traffic.
func forwardGroups(w rollout.Weights, dests []rollout.Destination) []elbtypes.TargetGroupTuple {
	var groups []elbtypes.TargetGroupTuple
	for _, t := range byTarget(w, dests) {
		if t.declared || t.weight > 0 {
			groups = append(groups, elbtypes.TargetGroupTuple{TargetGroupArn: aws.String(t.target), Weight: aws.Int32(int32(t.weight))})
		}
	}
	return groups
}

// isRuleNotFound says whether err is ELB's RuleNotFound.
func isRuleNotFound(err error) bool {
	var nf *elbtypes.RuleNotFoundException
	return errors.As(err, &nf)
}

func sameValues(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}
