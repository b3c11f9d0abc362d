package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/golive-dev/terraform-provider-golive/internal/emulator"
)

// fireAlarmDuringCanary fires the alarm once a canary step is live (a target
// group has some, but not all, of the traffic), as the bad release's 5xx
// responses would.
func (d *demo) fireAlarmDuringCanary(lbName, name string, timeout time.Duration) <-chan struct{} {
	done := make(chan struct{})
	fired := emulator.FireAlarmWhen(d.server.BaseConfig(), name, "5xx from the 3.0.0 canary", timeout, func(context.Context) bool {
		w, err := d.ruleWeights(lbName)
		return err == nil && emulator.CanaryUnderway(w)
	})
	go func() {
		defer close(done)
		if err := <-fired; err != nil {
			fmt.Println("  (could not fire the alarm:", err, ")")
			return
		}
		fmt.Printf("\n  >>> %s set to ALARM while the canary bakes\n", name)
	}()
	return done
}

// ruleWeights reads the forward weights of the load balancer's listener
// rules (preview rules aside), by target group name.
func (d *demo) ruleWeights(lbName string) (map[string]int32, error) {
	ctx := context.Background()
	lb := elbv2.NewFromConfig(d.server.BaseConfig())
	lbs, err := lb.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{Names: []string{lbName}})
	if err != nil {
		return nil, err
	}
	ls, err := lb.DescribeListeners(ctx, &elbv2.DescribeListenersInput{LoadBalancerArn: lbs.LoadBalancers[0].LoadBalancerArn})
	if err != nil {
		return nil, err
	}
	rules, err := lb.DescribeRules(ctx, &elbv2.DescribeRulesInput{ListenerArn: ls.Listeners[0].ListenerArn})
	if err != nil {
		return nil, err
	}
	w := map[string]int32{}
	for _, r := range rules.Rules {
		if previewRule(r) {
			continue
		}
		for _, a := range r.Actions {
			if a.ForwardConfig == nil {
				continue
			}
			for _, tg := range a.ForwardConfig.TargetGroups {
				arn := aws.ToString(tg.TargetGroupArn)
				name := arn[strings.Index(arn, "targetgroup/")+len("targetgroup/"):]
				w[name[:strings.Index(name, "/")]] = aws.ToInt32(tg.Weight)
			}
		}
	}
	return w, nil
}

// previewRule says whether r is one of modules/ecs-service's header-matched
// preview rules, which always forward to one slot.
func previewRule(r elbtypes.Rule) bool {
	for _, c := range r.Conditions {
		if aws.ToString(c.Field) == "http-header" {
			return true
		}
	}
	return false
}

// showWeights prints the forward weights of the load balancer's rules.
func (d *demo) showWeights(lbName string) error {
	w, err := d.ruleWeights(lbName)
	if err != nil {
		return err
	}
	var parts []string
	for k, v := range w {
		parts = append(parts, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(parts)
	fmt.Println("  " + strings.Join(parts, "  "))
	return nil
}
