package verify

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// TargetHealth fails unless every target of every group is healthy, and
// each group has at least one target.
type TargetHealth struct {
	client *elbv2.Client
	groups []string
}

func NewTargetHealth(client *elbv2.Client, targetGroupARNs []string) *TargetHealth {
	return &TargetHealth{client: client, groups: targetGroupARNs}
}

func (t *TargetHealth) Name() string { return "target health of " + strings.Join(t.groups, ", ") }

func (t *TargetHealth) Check(ctx context.Context) error {
	var problems []string
	for _, g := range t.groups {
		out, err := t.client.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(g)})
		if err != nil {
			return fmt.Errorf("reading target health of %s: %w", g, err)
		}
		if len(out.TargetHealthDescriptions) == 0 {
			problems = append(problems, fmt.Sprintf("target group %s has no registered targets", g))
		}
		for _, d := range out.TargetHealthDescriptions {
			if d.TargetHealth == nil || d.TargetHealth.State == elbtypes.TargetHealthStateEnumHealthy {
				continue
			}
			problems = append(problems, fmt.Sprintf("target %s:%d of %s is %s (%s)", aws.ToString(d.Target.Id), aws.ToInt32(d.Target.Port), g,
				d.TargetHealth.State, aws.ToString(d.TargetHealth.Description)))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return nil
}
