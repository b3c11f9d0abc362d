package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwschemas "github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"
)

// fireAlarmDuringApply sets the alarm to ALARM after a delay, as a bad
// release would through its 5xx responses (moto never evaluates alarms).
func (d *demo) fireAlarmDuringApply(name string, after time.Duration) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		time.Sleep(after)
		cw := cloudwatch.NewFromConfig(d.server.BaseConfig(), func(o *cloudwatch.Options) {
			o.Protocol = awsquery.New(cwschemas.GraniteServiceVersion20100801)
		})
		_, err := cw.SetAlarmState(context.Background(), &cloudwatch.SetAlarmStateInput{
			AlarmName: aws.String(name), StateValue: cwtypes.StateValueAlarm, StateReason: aws.String("5xx from the 3.0.0 canary"),
		})
		if err != nil {
			fmt.Println("  (could not fire the alarm:", err, ")")
			return
		}
		fmt.Printf("\n  >>> %s set to ALARM (the canary is failing)\n", name)
	}()
	return done
}

// showWeights prints the forward weights of every listener rule of the
// load balancer named lbName.
func (d *demo) showWeights(lbName string) error {
	ctx := context.Background()
	lb := elbv2.NewFromConfig(d.server.BaseConfig())
	lbs, err := lb.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{Names: []string{lbName}})
	if err != nil {
		return err
	}
	ls, err := lb.DescribeListeners(ctx, &elbv2.DescribeListenersInput{LoadBalancerArn: lbs.LoadBalancers[0].LoadBalancerArn})
	if err != nil {
		return err
	}
	rules, err := lb.DescribeRules(ctx, &elbv2.DescribeRulesInput{ListenerArn: ls.Listeners[0].ListenerArn})
	if err != nil {
		return err
	}
	for _, r := range rules.Rules {
		for _, a := range r.Actions {
			if a.ForwardConfig == nil {
				continue
			}
			var parts []string
			for _, tg := range a.ForwardConfig.TargetGroups {
				arn := aws.ToString(tg.TargetGroupArn)
				name := arn[strings.Index(arn, "targetgroup/")+len("targetgroup/"):]
				parts = append(parts, fmt.Sprintf("%s=%d", name[:strings.Index(name, "/")], aws.ToInt32(tg.Weight)))
			}
			sort.Strings(parts)
			fmt.Printf("  rule %s: %s\n", aws.ToString(r.Priority), strings.Join(parts, "  "))
		}
	}
	return nil
}
