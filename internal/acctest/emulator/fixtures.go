package emulator

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
)

// ALBFixture is a load balancer with a listener forwarding to Blue, three
// target groups and a path rule forwarding to Blue.
type ALBFixture struct {
	VPC, Listener, Rule string
	Blue, Green, Stray  string // target group ARNs
}

// NewALB builds an ALBFixture in the account of cfg. The listener forwards
// with stickiness on, weighted 100/0 to Blue and Green.
func NewALB(ctx context.Context, cfg aws.Config, name string) (*ALBFixture, error) {
	e := ec2.NewFromConfig(cfg)
	vpc, err := e.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		return nil, fmt.Errorf("fixture vpc: %w", err)
	}
	f := &ALBFixture{VPC: aws.ToString(vpc.Vpc.VpcId)}
	var subnets []string
	for i, az := range []string{"us-east-1a", "us-east-1b"} {
		sn, err := e.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String(fmt.Sprintf("10.0.%d.0/24", i)), AvailabilityZone: aws.String(az)})
		if err != nil {
			return nil, fmt.Errorf("fixture subnet: %w", err)
		}
		subnets = append(subnets, aws.ToString(sn.Subnet.SubnetId))
	}
	lb := elbv2.NewFromConfig(cfg)
	alb, err := lb.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{Name: aws.String(name), Subnets: subnets})
	if err != nil {
		return nil, fmt.Errorf("fixture alb: %w", err)
	}
	tg := func(suffix string) (string, error) {
		out, err := lb.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{
			Name: aws.String(name + "-" + suffix), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80), VpcId: vpc.Vpc.VpcId,
			TargetType: elbtypes.TargetTypeEnumIp,
		})
		if err != nil {
			return "", fmt.Errorf("fixture target group: %w", err)
		}
		return aws.ToString(out.TargetGroups[0].TargetGroupArn), nil
	}
	if f.Blue, err = tg("blue"); err != nil {
		return nil, err
	}
	if f.Green, err = tg("green"); err != nil {
		return nil, err
	}
	if f.Stray, err = tg("stray"); err != nil {
		return nil, err
	}
	forward := func() []elbtypes.Action {
		return []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{
			TargetGroups: []elbtypes.TargetGroupTuple{
				{TargetGroupArn: aws.String(f.Blue), Weight: aws.Int32(100)},
				{TargetGroupArn: aws.String(f.Green), Weight: aws.Int32(0)},
			},
			TargetGroupStickinessConfig: &elbtypes.TargetGroupStickinessConfig{Enabled: aws.Bool(true), DurationSeconds: aws.Int32(300)},
		}}}
	}
	ln, err := lb.CreateListener(ctx, &elbv2.CreateListenerInput{
		LoadBalancerArn: alb.LoadBalancers[0].LoadBalancerArn, Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80), DefaultActions: forward(),
	})
	if err != nil {
		return nil, fmt.Errorf("fixture listener: %w", err)
	}
	f.Listener = aws.ToString(ln.Listeners[0].ListenerArn)
	rule, err := lb.CreateRule(ctx, &elbv2.CreateRuleInput{
		ListenerArn: aws.String(f.Listener), Priority: aws.Int32(10), Actions: forward(),
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), PathPatternConfig: &elbtypes.PathPatternConditionConfig{Values: []string{"/api/*"}}}},
	})
	if err != nil {
		return nil, fmt.Errorf("fixture rule: %w", err)
	}
	f.Rule = aws.ToString(rule.Rules[0].RuleArn)
	return f, nil
}

// ListenerWeights reads the listener's (or rule's) forward weights by target
// group ARN and its stickiness, independently of golive's routers.
func ListenerWeights(ctx context.Context, cfg aws.Config, listenerARN, ruleARN string) (map[string]int32, bool, error) {
	lb := elbv2.NewFromConfig(cfg)
	var actions []elbtypes.Action
	if ruleARN != "" {
		out, err := lb.DescribeRules(ctx, &elbv2.DescribeRulesInput{RuleArns: []string{ruleARN}})
		if err != nil {
			return nil, false, err
		}
		actions = out.Rules[0].Actions
	} else {
		out, err := lb.DescribeListeners(ctx, &elbv2.DescribeListenersInput{ListenerArns: []string{listenerARN}})
		if err != nil {
			return nil, false, err
		}
		actions = out.Listeners[0].DefaultActions
	}
	w := map[string]int32{}
	sticky := false
	for _, a := range actions {
		if a.ForwardConfig != nil {
			for _, tg := range a.ForwardConfig.TargetGroups {
				w[aws.ToString(tg.TargetGroupArn)] = aws.ToInt32(tg.Weight)
			}
			if s := a.ForwardConfig.TargetGroupStickinessConfig; s != nil {
				sticky = aws.ToBool(s.Enabled)
			}
		}
	}
	return w, sticky, nil
}

// LambdaFixture is a function with two published versions and an alias on
// version 1.
type LambdaFixture struct {
	Function, Alias string
}

// NewLambda builds a LambdaFixture. moto checks neither the role nor the code.
func NewLambda(ctx context.Context, cfg aws.Config, name string) (*LambdaFixture, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("index.py")
	_, _ = w.Write([]byte("def handler(event, context):\n    return 'ok'\n"))
	_ = zw.Close()
	// moto checks that the execution role exists.
	role, err := iam.NewFromConfig(cfg).CreateRole(ctx, &iam.CreateRoleInput{
		RoleName:                 aws.String(name + "-lambda"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
	})
	if err != nil {
		return nil, fmt.Errorf("fixture role: %w", err)
	}
	l := lambda.NewFromConfig(cfg)
	_, err = l.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String(name), Runtime: lambdatypes.RuntimePython312, Handler: aws.String("index.handler"),
		Role: role.Role.Arn, Code: &lambdatypes.FunctionCode{ZipFile: buf.Bytes()},
	})
	if err != nil {
		return nil, fmt.Errorf("fixture function: %w", err)
	}
	for i := 0; i < 2; i++ {
		if _, err := l.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String(name), Description: aws.String(fmt.Sprint("v", i+1))}); err != nil {
			return nil, fmt.Errorf("fixture function update: %w", err)
		}
		if _, err := l.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String(name)}); err != nil {
			return nil, fmt.Errorf("fixture publish: %w", err)
		}
	}
	if _, err := l.CreateAlias(ctx, &lambda.CreateAliasInput{FunctionName: aws.String(name), Name: aws.String("live"), FunctionVersion: aws.String("1")}); err != nil {
		return nil, fmt.Errorf("fixture alias: %w", err)
	}
	return &LambdaFixture{Function: name, Alias: "live"}, nil
}

// AliasRouting reads an alias's primary version and additional weights.
func AliasRouting(ctx context.Context, cfg aws.Config, function, alias string) (string, map[string]float64, error) {
	out, err := lambda.NewFromConfig(cfg).GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String(function), Name: aws.String(alias)})
	if err != nil {
		return "", nil, err
	}
	add := map[string]float64{}
	if out.RoutingConfig != nil {
		add = out.RoutingConfig.AdditionalVersionWeights
	}
	return aws.ToString(out.FunctionVersion), add, nil
}

// NewZone creates a hosted zone with a simple CNAME record name → target.
func NewZone(ctx context.Context, cfg aws.Config, zone, name, target string) (string, error) {
	r := route53.NewFromConfig(cfg)
	out, err := r.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String(zone), CallerReference: aws.String(zone + name)})
	if err != nil {
		return "", fmt.Errorf("fixture zone: %w", err)
	}
	id := aws.ToString(out.HostedZone.Id)
	_, err = r.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{HostedZoneId: aws.String(id), ChangeBatch: &r53types.ChangeBatch{
		Changes: []r53types.Change{{Action: r53types.ChangeActionCreate, ResourceRecordSet: &r53types.ResourceRecordSet{
			Name: aws.String(name), Type: r53types.RRTypeCname, TTL: aws.Int64(60), ResourceRecords: []r53types.ResourceRecord{{Value: aws.String(target)}},
		}}},
	}})
	if err != nil {
		return "", fmt.Errorf("fixture record: %w", err)
	}
	return id, nil
}

// RecordWeights reads the record sets of name: weight by set identifier
// ("" for a simple record, weight -1) and the TTLs seen.
func RecordWeights(ctx context.Context, cfg aws.Config, zoneID, name string) (map[string]int64, map[int64]bool, error) {
	out, err := route53.NewFromConfig(cfg).ListResourceRecordSets(ctx, &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(zoneID)})
	if err != nil {
		return nil, nil, err
	}
	w, ttls := map[string]int64{}, map[int64]bool{}
	for _, s := range out.ResourceRecordSets {
		if aws.ToString(s.Name) != name+"." && aws.ToString(s.Name) != name {
			continue
		}
		if s.Type != r53types.RRTypeCname {
			continue
		}
		if s.SetIdentifier == nil {
			w[""] = -1
		} else {
			w[aws.ToString(s.SetIdentifier)] = aws.ToInt64(s.Weight)
		}
		ttls[aws.ToInt64(s.TTL)] = true
	}
	return w, ttls, nil
}

// ListenerOf is the only listener of the load balancer named lb.
func ListenerOf(ctx context.Context, cfg aws.Config, lb string) (string, error) {
	c := elbv2.NewFromConfig(cfg)
	lbs, err := c.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{Names: []string{lb}})
	if err != nil {
		return "", fmt.Errorf("load balancer %s: %w", lb, err)
	}
	if len(lbs.LoadBalancers) != 1 {
		return "", fmt.Errorf("load balancer %s: %d found, want 1", lb, len(lbs.LoadBalancers))
	}
	ls, err := c.DescribeListeners(ctx, &elbv2.DescribeListenersInput{LoadBalancerArn: lbs.LoadBalancers[0].LoadBalancerArn})
	if err != nil {
		return "", fmt.Errorf("the listener of %s: %w", lb, err)
	}
	if len(ls.Listeners) != 1 {
		return "", fmt.Errorf("the listener of %s: %d found, want 1", lb, len(ls.Listeners))
	}
	return aws.ToString(ls.Listeners[0].ListenerArn), nil
}

// ServiceWeights reads the forward weights, by target group ARN, of the
// listener's rules that carry a service's traffic: the default action and
// modules/ecs-service's header-matched preview rules (which always forward
// to one slot) aside.
func ServiceWeights(ctx context.Context, cfg aws.Config, listenerARN string) (map[string]int32, error) {
	out, err := elbv2.NewFromConfig(cfg).DescribeRules(ctx, &elbv2.DescribeRulesInput{ListenerArn: aws.String(listenerARN)})
	if err != nil {
		return nil, fmt.Errorf("reading the rules of %s: %w", listenerARN, err)
	}
	w := map[string]int32{}
	for _, r := range out.Rules {
		if aws.ToBool(r.IsDefault) || isPreviewRule(r) {
			continue
		}
		for _, a := range r.Actions {
			if a.ForwardConfig == nil {
				continue
			}
			for _, tg := range a.ForwardConfig.TargetGroups {
				w[aws.ToString(tg.TargetGroupArn)] = aws.ToInt32(tg.Weight)
			}
		}
	}
	return w, nil
}

func isPreviewRule(r elbtypes.Rule) bool {
	for _, c := range r.Conditions {
		if aws.ToString(c.Field) == "http-header" {
			return true
		}
	}
	return false
}
