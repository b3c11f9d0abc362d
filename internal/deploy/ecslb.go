package deploy

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/smithy-go"
)

// ErrTargetGroupNotAttached says a service's target group is not attached
// to a load balancer yet, which ECS requires before it creates the service.
var ErrTargetGroupNotAttached = errors.New("is not attached to a load balancer")

// checkAttached fails unless a listener or listener rule forwards to
// targetGroup: ECS refuses CreateService otherwise ("The target group ...
// does not have an associated load balancer"), and saying so before the
// call names what to fix. Without permission to look, it leaves the
// judgement to ECS.
func (e *ECS) checkAttached(ctx context.Context, targetGroup string) error {
	out, err := e.ELB.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{TargetGroupArns: []string{targetGroup}})
	var api smithy.APIError
	if errors.As(err, &api) && (api.ErrorCode() == "AccessDenied" || api.ErrorCode() == "AccessDeniedException") {
		e.logf("not checking that target group %s is attached to a load balancer: %v", targetGroup, err)
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading target group %s: %w", targetGroup, err)
	}
	for _, tg := range out.TargetGroups {
		if aws.ToString(tg.TargetGroupArn) == targetGroup && len(tg.LoadBalancerArns) > 0 {
			return nil
		}
	}
	return fmt.Errorf("target group %s %w: ECS only creates a service behind a target group that a listener or listener rule already forwards to; "+
		"create that rule first (in Terraform, make the deployment depend on it)", targetGroup, ErrTargetGroupNotAttached)
}

func (e *ECS) logf(format string, args ...any) {
	if e.Logf != nil {
		e.Logf(format, args...)
	}
}
