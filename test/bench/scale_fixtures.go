package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

type scaleService struct {
	App      string `json:"app"`
	Service  string `json:"service"`
	Priority int    `json:"priority"`
	Blue     string `json:"blue"`
	Green    string `json:"green"`
}

// scaleFixtures are the load balancers (one listener each, by application)
// and target groups of a scale stack; with a second listener per load
// balancer (port 8080) for the same services' rules managed by
// hashicorp/aws, when that comparison runs.
type scaleFixtures struct {
	listeners    map[string]string // application → listener ARN
	awsListeners map[string]string // application → listener ARN of the hashicorp/aws rules
	services     []scaleService
}

// serial runs do(0..jobs-1) one at a time and returns the first error:
// moto's backends are not thread-safe, and concurrent CreateTargetGroup
// calls under load answer HTTP 500.
func serial(jobs int, do func(i int) error) error {
	for i := range jobs {
		if err := do(i); err != nil {
			return err
		}
	}
	return nil
}

func newScaleFixtures(ctx context.Context, cfg aws.Config, n int, awsRules bool) (*scaleFixtures, error) {
	ec := ec2.NewFromConfig(cfg)
	vpc, subnets, err := newVPC(ctx, ec)
	if err != nil {
		return nil, err
	}
	lb := elbv2.NewFromConfig(cfg, func(o *elbv2.Options) { o.RetryMaxAttempts = 8 })
	fx := &scaleFixtures{listeners: map[string]string{}, awsListeners: map[string]string{}, services: make([]scaleService, n)}
	var mu sync.Mutex
	envs := (n + scaleServicesPerEnv - 1) / scaleServicesPerEnv
	err = serial(envs, func(i int) error {
		app := fmt.Sprintf("app-%03d", i)
		alb, err := lb.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{Name: aws.String(app), Subnets: subnets})
		if err != nil {
			return fmt.Errorf("load balancer %s: %w", app, err)
		}
		ports := []int32{80}
		if awsRules {
			ports = append(ports, 8080)
		}
		for _, port := range ports {
			ln, err := lb.CreateListener(ctx, &elbv2.CreateListenerInput{
				LoadBalancerArn: alb.LoadBalancers[0].LoadBalancerArn, Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(port),
				DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumFixedResponse, FixedResponseConfig: &elbtypes.FixedResponseActionConfig{
					StatusCode: aws.String("404"), ContentType: aws.String("text/plain"), MessageBody: aws.String("no such service"),
				}}},
			})
			if err != nil {
				return fmt.Errorf("listener %d of %s: %w", port, app, err)
			}
			mu.Lock()
			if port == 80 {
				fx.listeners[app] = aws.ToString(ln.Listeners[0].ListenerArn)
			} else {
				fx.awsListeners[app] = aws.ToString(ln.Listeners[0].ListenerArn)
			}
			mu.Unlock()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = serial(n, func(i int) error {
		app, svc := fmt.Sprintf("app-%03d", i/scaleServicesPerEnv), fmt.Sprintf("svc-%d", i%scaleServicesPerEnv)
		tg := func(slot string) (string, error) {
			out, err := lb.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{
				Name: aws.String(app + "-" + svc + "-" + slot), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(8080),
				VpcId: vpc, TargetType: elbtypes.TargetTypeEnumIp,
			})
			if err != nil {
				return "", fmt.Errorf("target group %s/%s/%s: %w", app, svc, slot, err)
			}
			return aws.ToString(out.TargetGroups[0].TargetGroupArn), nil
		}
		blue, err := tg("blue")
		if err != nil {
			return err
		}
		green, err := tg("green")
		if err != nil {
			return err
		}
		fx.services[i] = scaleService{App: app, Service: svc, Priority: 100 + i%scaleServicesPerEnv, Blue: blue, Green: green}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return fx, nil
}

// locals is services.tf.json: the environments (application → listener),
// the hashicorp/aws rules' listeners and the services the configurations'
// for_each walk.
func (fx *scaleFixtures) locals() (string, error) {
	svcs := make(map[string]scaleService, len(fx.services))
	for _, s := range fx.services {
		svcs[s.App+"/"+s.Service] = s
	}
	b, err := json.MarshalIndent(map[string]any{"locals": map[string]any{
		"environments": fx.listeners, "aws_listeners": fx.awsListeners, "services": svcs,
	}}, "", "  ")
	return string(b), err
}

// expectWeights reads every service's rule on listeners through the SDK
// (one DescribeRules per listener) and fails unless each forwards
// blue/green.
func (fx *scaleFixtures) expectWeights(ctx context.Context, cfg aws.Config, listeners map[string]string, blue, green int32) error {
	lb := elbv2.NewFromConfig(cfg)
	seen := map[string]map[string]int32{} // blue target group → weights of the rule forwarding to it
	for _, ln := range listeners {
		p := elbv2.NewDescribeRulesPaginator(lb, &elbv2.DescribeRulesInput{ListenerArn: aws.String(ln)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return err
			}
			for _, r := range out.Rules {
				w := map[string]int32{}
				for _, a := range r.Actions {
					if a.ForwardConfig != nil {
						for _, tg := range a.ForwardConfig.TargetGroups {
							w[aws.ToString(tg.TargetGroupArn)] = aws.ToInt32(tg.Weight)
						}
					}
				}
				for tg := range w {
					seen[tg] = w
				}
			}
		}
	}
	for _, s := range fx.services {
		want := map[string]int32{s.Blue: blue, s.Green: green}
		if got := seen[s.Blue]; !maps.Equal(got, want) {
			return fmt.Errorf("%s/%s: rule weights %v, want %v", s.App, s.Service, got, want)
		}
	}
	return nil
}
