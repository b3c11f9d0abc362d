package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
)

// fireAlarmDuringCanary fires the alarm once a canary step is live (a target
// group has some, but not all, of the traffic), as the bad release's 5xx
// responses would.
func (d *demo) fireAlarmDuringCanary(lbName, name string, timeout time.Duration) <-chan struct{} {
	done := make(chan struct{})
	fired := emulator.FireAlarmWhen(d.server.BaseConfig(), name, "set by the demo, standing in for 5xx from the 3.0.0 canary", timeout, func(context.Context) bool {
		w, err := d.ruleWeights(lbName)
		return err == nil && emulator.CanaryUnderway(w)
	})
	go func() {
		defer close(done)
		if err := <-fired; err != nil {
			fmt.Println("  (could not fire the alarm:", err, ")")
			return
		}
		fmt.Printf("\n  >>> the demo set %s to ALARM while the canary bakes (the emulator serves no traffic)\n", name)
	}()
	return done
}

// ruleWeights reads the forward weights of the api rule of the load
// balancer's listener, by target group name.
func (d *demo) ruleWeights(lbName string) (map[string]int32, error) {
	ctx := context.Background()
	listener, err := d.serviceListener(ctx, lbName)
	if err != nil {
		return nil, err
	}
	byARN, err := emulator.ServiceWeights(ctx, d.server.BaseConfig(), listener)
	if err != nil {
		return nil, err
	}
	w := map[string]int32{}
	for arn, v := range byARN {
		name := arn // arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>
		if _, rest, ok := strings.Cut(arn, "targetgroup/"); ok {
			name, _, _ = strings.Cut(rest, "/")
		}
		w[name] = v
	}
	return w, nil
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

// serviceListener is the listener of the load balancer that services add
// their rules to: HTTPS when there is one (HTTP then only redirects).
func (d *demo) serviceListener(ctx context.Context, lbName string) (string, error) {
	c := elbv2.NewFromConfig(d.server.BaseConfig())
	lbs, err := c.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{Names: []string{lbName}})
	if err != nil {
		return "", fmt.Errorf("load balancer %s: %w", lbName, err)
	}
	if len(lbs.LoadBalancers) != 1 {
		return "", fmt.Errorf("load balancer %s: %d found, want 1", lbName, len(lbs.LoadBalancers))
	}
	ls, err := c.DescribeListeners(ctx, &elbv2.DescribeListenersInput{LoadBalancerArn: lbs.LoadBalancers[0].LoadBalancerArn})
	if err != nil {
		return "", fmt.Errorf("the listeners of %s: %w", lbName, err)
	}
	if len(ls.Listeners) == 0 {
		return "", fmt.Errorf("the listeners of %s: none found", lbName)
	}
	for _, l := range ls.Listeners {
		if l.Protocol == elbtypes.ProtocolEnumHttps {
			return aws.ToString(l.ListenerArn), nil
		}
	}
	return aws.ToString(ls.Listeners[0].ListenerArn), nil
}

// showTaskConfiguration prints where the service's container takes its
// environment variables from (secrets[].valueFrom: SSM parameter ARNs) and
// what its execution role may read.
func (d *demo) showTaskConfiguration(cluster, service string) error {
	ctx := context.Background()
	e := ecs.NewFromConfig(d.server.BaseConfig())
	svc, err := e.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{service}})
	if err != nil {
		return fmt.Errorf("ECS service %s of %s: %w", service, cluster, err)
	}
	if len(svc.Services) != 1 {
		return fmt.Errorf("ECS service %s of %s: %d found, want 1", service, cluster, len(svc.Services))
	}
	td, err := e.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: svc.Services[0].TaskDefinition})
	if err != nil {
		return err
	}
	c := td.TaskDefinition.ContainerDefinitions[0]
	fmt.Printf("  task definition %s, container %s:\n", aws.ToString(svc.Services[0].TaskDefinition), aws.ToString(c.Name))
	for _, s := range c.Secrets {
		fmt.Printf("    env %-12s <- %s\n", aws.ToString(s.Name), aws.ToString(s.ValueFrom))
	}
	if lc := c.LogConfiguration; lc != nil {
		fmt.Printf("    logs        -> %s group %s\n", lc.LogDriver, lc.Options["awslogs-group"])
	}
	role := aws.ToString(td.TaskDefinition.ExecutionRoleArn)
	role = role[strings.LastIndex(role, "/")+1:]
	pol, err := iam.NewFromConfig(d.server.BaseConfig()).GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("golive-task-execution")})
	if err != nil {
		return fmt.Errorf("reading the policy of execution role %s: %w", role, err)
	}
	doc := aws.ToString(pol.PolicyDocument)
	if u, err := url.PathUnescape(doc); err == nil {
		doc = u
	}
	var policy struct {
		Statement []struct {
			Sid      string
			Resource any
		}
	}
	if err := json.Unmarshal([]byte(doc), &policy); err != nil {
		return fmt.Errorf("execution role %s policy: %w", role, err)
	}
	for _, st := range policy.Statement {
		if st.Sid == "ReadEnvironmentConfiguration" {
			fmt.Printf("  execution role %s may read exactly:\n", role)
			if rs, ok := st.Resource.([]any); ok {
				for _, r := range rs {
					fmt.Printf("    %v\n", r)
				}
			}
		}
	}
	return nil
}
