package router

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// listenerRulesPage is DescribeRules' largest page: a listener holds at
// most 100 rules by default, so one call reads them all.
const listenerRulesPage = 400

// ListenerRules reads every rule of a listener, by ARN: what the refresh of
// the splits whose rules share the listener reads once instead of once per
// split (give each its rule with RememberRule).
func ListenerRules(ctx context.Context, client *elbv2.Client, listenerARN string) (map[string]elbtypes.Rule, error) {
	rules := map[string]elbtypes.Rule{}
	p := elbv2.NewDescribeRulesPaginator(client, &elbv2.DescribeRulesInput{ListenerArn: aws.String(listenerARN), PageSize: aws.Int32(listenerRulesPage)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading the rules of ALB listener %s: %w", listenerARN, err)
		}
		for _, r := range page.Rules {
			rules[aws.ToString(r.RuleArn)] = r
		}
	}
	return rules, nil
}

// ListenerOfRule is the ARN of the listener a rule ARN belongs to:
// arn:...:listener-rule/app/<lb>/<lb id>/<listener id>/<rule id> belongs to
// arn:...:listener/app/<lb>/<lb id>/<listener id>. False for an ARN of
// another form.
func ListenerOfRule(ruleARN string) (string, bool) {
	head, path, ok := strings.Cut(ruleARN, ":listener-rule/")
	if !ok {
		return "", false
	}
	i := strings.LastIndex(path, "/")
	if i <= 0 {
		return "", false
	}
	return head + ":listener/" + path[:i], true
}
