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

// TargetHealth fails unless each target group has at least one healthy
// target and every target not being drained is healthy. Targets still in
// `initial` (registering, health checks not yet passed) fail: poll with
// Until to wait them out. `draining` targets are leaving the group (the
// tasks a rolling deployment replaces) and are not judged.
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
// not paginate it. The error names every target that is not healthy, with
// its state, reason code and description.
func (t *TargetHealth) Check(ctx context.Context) error {
	var problems []string
	for _, g := range t.groups {
		out, err := t.client.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(g)})
		if err != nil {
			return fmt.Errorf("reading target health of target group %s: %w", g, err)
		}
		problems = append(problems, groupProblems(targetGroupName(g), out.TargetHealthDescriptions)...)
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// groupProblems says what is wrong with the targets of one group: each
// target neither healthy nor draining, or no healthy target at all.
func groupProblems(name string, targets []elbtypes.TargetHealthDescription) []string {
	var problems []string
	healthy, draining := 0, 0
	for _, d := range targets {
		switch {
		case d.TargetHealth != nil && d.TargetHealth.State == elbtypes.TargetHealthStateEnumHealthy:
			healthy++
		case d.TargetHealth != nil && d.TargetHealth.State == elbtypes.TargetHealthStateEnumDraining:
			draining++
		default:
			problems = append(problems, fmt.Sprintf("target %s in target group %q is %s", targetID(d), name, healthState(d.TargetHealth)))
		}
	}
	switch {
	case len(targets) == 0:
		problems = append(problems, fmt.Sprintf("target group %q has no registered targets", name))
	case healthy == 0 && len(problems) == 0:
		problems = append(problems, fmt.Sprintf("target group %q has no healthy targets (%d draining)", name, draining))
	}
	return problems
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
