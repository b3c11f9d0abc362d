package verify

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

var _ rollout.Gate = (*TargetHealth)(nil)

// TargetHealth fails unless each target group has at least one registered
// target and every target is healthy. Targets still in `initial` or
// `draining` fail too: poll with Until to wait them out.
type TargetHealth struct {
	client *elbv2.Client
	groups []string
}

// NewTargetHealth returns the gate over the target groups with the given
// ARNs.
func NewTargetHealth(client *elbv2.Client, targetGroupARNs []string) *TargetHealth {
	return &TargetHealth{client: client, groups: targetGroupARNs}
}

// Name is `target health of target groups "blue", "green"`.
func (t *TargetHealth) Name() string {
	q := make([]string, len(t.groups))
	for i, g := range t.groups {
		q[i] = fmt.Sprintf("%q", targetGroupName(g))
	}
	return "target health of target groups " + strings.Join(q, ", ")
}

// Check makes one DescribeTargetHealth call per target group; the API does
// not paginate it.
func (t *TargetHealth) Check(ctx context.Context) error {
	var problems []string
	for _, g := range t.groups {
		out, err := t.client.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(g)})
		if err != nil {
			return fmt.Errorf("reading target health of target group %s: %w", g, err)
		}
		name := targetGroupName(g)
		if len(out.TargetHealthDescriptions) == 0 {
			problems = append(problems, fmt.Sprintf("target group %q has no registered targets", name))
		}
		for _, d := range out.TargetHealthDescriptions {
			if d.TargetHealth != nil && d.TargetHealth.State == elbtypes.TargetHealthStateEnumHealthy {
				continue
			}
			problems = append(problems, fmt.Sprintf("target %s in target group %q is %s", targetID(d), name, healthState(d.TargetHealth)))
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// targetGroupName is "blue" for arn:...:targetgroup/blue/0123456789abcdef,
// or the whole string when it is not such an ARN.
func targetGroupName(arn string) string {
	_, rest, ok := strings.Cut(arn, ":targetgroup/")
	if !ok {
		return arn
	}
	name, _, _ := strings.Cut(rest, "/")
	return name
}

// targetID is "i-0abc:80", or the ID alone when there is no port (Lambda).
func targetID(d elbtypes.TargetHealthDescription) string {
	if d.Target == nil {
		return "(unknown)"
	}
	id := aws.ToString(d.Target.Id)
	if d.Target.Port != nil {
		id = fmt.Sprintf("%s:%d", id, aws.ToInt32(d.Target.Port))
	}
	return id
}

// healthState is `unhealthy (Target.ResponseCodeMismatch: Health checks
// failed with these codes: [502])`.
func healthState(h *elbtypes.TargetHealth) string {
	if h == nil {
		return "of unknown health"
	}
	var why []string
	if h.Reason != "" {
		why = append(why, string(h.Reason))
	}
	if d := aws.ToString(h.Description); d != "" {
		why = append(why, d)
	}
	if len(why) == 0 {
		return string(h.State)
	}
	return fmt.Sprintf("%s (%s)", h.State, strings.Join(why, ": "))
}
