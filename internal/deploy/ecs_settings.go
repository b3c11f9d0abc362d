package deploy

import (
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// The expand and flatten functions between ECSService and the ECS API.

// createInput is the CreateService request for s: every setting, the tags
// (golive's ownership tag among them) and an idempotency token.
func createInput(s ECSService, token string) *ecs.CreateServiceInput {
	in := &ecs.CreateServiceInput{
		Cluster: aws.String(s.Cluster), ServiceName: aws.String(s.Name), TaskDefinition: aws.String(s.TaskDefinition),
		DesiredCount: aws.Int32(s.DesiredCount), PropagateTags: s.propagateTags(),
		CapacityProviderStrategy: expandCapacityProviders(s.CapacityProviders),
		NetworkConfiguration:     expandNetwork(s),
		LoadBalancers:            expandLoadBalancer(s.LoadBalancer),
		EnableExecuteCommand:     s.EnableExecuteCommand,
		DeploymentConfiguration: &ecstypes.DeploymentConfiguration{
			DeploymentCircuitBreaker: &ecstypes.DeploymentCircuitBreaker{Enable: s.CircuitBreaker, Rollback: s.CircuitBreaker},
		},
	}
	if token != "" {
		in.ClientToken = aws.String(token)
	}
	if s.LaunchType != "" {
		in.LaunchType = ecstypes.LaunchType(s.LaunchType)
	}
	if s.PlatformVersion != "" {
		in.PlatformVersion = aws.String(s.PlatformVersion)
	}
	if s.LoadBalancer != nil {
		in.HealthCheckGracePeriodSeconds = aws.Int32(int32(s.HealthCheckGracePeriod / time.Second))
	}
	for _, k := range sortedKeys(s.Tags) {
		in.Tags = append(in.Tags, ecstypes.Tag{Key: aws.String(k), Value: aws.String(s.Tags[k])})
	}
	return in
}

// updateInput is the UpdateService request that moves the live service to
// want, sending every setting ECS changes in place. The desired count is
// left out when want is autoscaled; a deployment is forced when only a
// setting that ECS applies to new tasks alone changed (capacity provider
// strategy, execute command).
func updateInput(want ECSService, live ecstypes.Service) *ecs.UpdateServiceInput {
	in := &ecs.UpdateServiceInput{
		Cluster: aws.String(want.Cluster), Service: aws.String(want.Name), TaskDefinition: aws.String(want.TaskDefinition),
		PropagateTags: want.propagateTags(), EnableExecuteCommand: aws.Bool(want.EnableExecuteCommand),
		NetworkConfiguration:    expandNetwork(want),
		DeploymentConfiguration: withCircuitBreaker(live.DeploymentConfiguration, want.CircuitBreaker),
	}
	if !want.Autoscaled {
		in.DesiredCount = aws.Int32(want.DesiredCount)
	}
	switch {
	case len(want.CapacityProviders) > 0:
		in.CapacityProviderStrategy = expandCapacityProviders(want.CapacityProviders)
		in.ForceNewDeployment = !sameCapacityProviders(want.CapacityProviders, flattenCapacityProviders(live.CapacityProviderStrategy))
	case len(live.CapacityProviderStrategy) > 0:
		// Back from a strategy to the launch type: ECS takes an empty list.
		in.CapacityProviderStrategy = []ecstypes.CapacityProviderStrategyItem{}
		in.ForceNewDeployment = true
	}
	if want.PlatformVersion != "" {
		in.PlatformVersion = aws.String(want.PlatformVersion)
	}
	switch {
	case want.LoadBalancer != nil:
		in.LoadBalancers = expandLoadBalancer(want.LoadBalancer)
		in.HealthCheckGracePeriodSeconds = aws.Int32(int32(want.HealthCheckGracePeriod / time.Second))
	case len(live.LoadBalancers) > 0:
		in.LoadBalancers = []ecstypes.LoadBalancer{} // detach: ECS takes an empty list
	}
	if want.EnableExecuteCommand != live.EnableExecuteCommand {
		in.ForceNewDeployment = true
	}
	return in
}

// restoreInput is the UpdateService request that puts the service back on
// its settings before a deployment (prev), from where it is now (live).
func restoreInput(cluster string, prev, live ecstypes.Service, autoscaled bool) *ecs.UpdateServiceInput {
	in := &ecs.UpdateServiceInput{
		Cluster: aws.String(cluster), Service: prev.ServiceName, TaskDefinition: prev.TaskDefinition,
		PropagateTags: prev.PropagateTags, EnableExecuteCommand: aws.Bool(prev.EnableExecuteCommand),
		NetworkConfiguration: prev.NetworkConfiguration, DeploymentConfiguration: prev.DeploymentConfiguration,
		PlatformVersion: prev.PlatformVersion, HealthCheckGracePeriodSeconds: prev.HealthCheckGracePeriodSeconds,
	}
	if !autoscaled {
		in.DesiredCount = aws.Int32(prev.DesiredCount)
	}
	if len(prev.CapacityProviderStrategy) > 0 || len(live.CapacityProviderStrategy) > 0 {
		in.CapacityProviderStrategy = append([]ecstypes.CapacityProviderStrategyItem{}, prev.CapacityProviderStrategy...)
		in.ForceNewDeployment = !sameCapacityProviders(flattenCapacityProviders(prev.CapacityProviderStrategy), flattenCapacityProviders(live.CapacityProviderStrategy))
	}
	if len(prev.LoadBalancers) > 0 || len(live.LoadBalancers) > 0 {
		in.LoadBalancers = append([]ecstypes.LoadBalancer{}, prev.LoadBalancers...)
	}
	if len(prev.LoadBalancers) == 0 {
		in.HealthCheckGracePeriodSeconds = nil
	}
	if prev.EnableExecuteCommand != live.EnableExecuteCommand {
		in.ForceNewDeployment = true
	}
	return in
}

// withCircuitBreaker is the live deployment configuration (its percentages,
// alarms) with the circuit breaker on or off; rollback follows enable.
func withCircuitBreaker(live *ecstypes.DeploymentConfiguration, on bool) *ecstypes.DeploymentConfiguration {
	dc := &ecstypes.DeploymentConfiguration{}
	if live != nil {
		c := *live
		dc = &c
	}
	dc.DeploymentCircuitBreaker = &ecstypes.DeploymentCircuitBreaker{Enable: on, Rollback: on}
	return dc
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (s ECSService) propagateTags() ecstypes.PropagateTags {
	if s.PropagateTags == "" {
		return ecstypes.PropagateTagsService
	}
	return ecstypes.PropagateTags(s.PropagateTags)
}

func expandNetwork(s ECSService) *ecstypes.NetworkConfiguration {
	if len(s.Subnets) == 0 {
		return nil
	}
	assign := ecstypes.AssignPublicIpDisabled
	if s.AssignPublicIP {
		assign = ecstypes.AssignPublicIpEnabled
	}
	return &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
		Subnets: s.Subnets, SecurityGroups: s.SecurityGroups, AssignPublicIp: assign,
	}}
}

func expandLoadBalancer(lb *LoadBalancer) []ecstypes.LoadBalancer {
	if lb == nil {
		return nil
	}
	return []ecstypes.LoadBalancer{{TargetGroupArn: aws.String(lb.TargetGroupARN), ContainerName: aws.String(lb.ContainerName), ContainerPort: aws.Int32(lb.ContainerPort)}}
}

func expandCapacityProviders(cps []CapacityProvider) []ecstypes.CapacityProviderStrategyItem {
	if len(cps) == 0 {
		return nil
	}
	out := make([]ecstypes.CapacityProviderStrategyItem, len(cps))
	for i, c := range cps {
		out[i] = ecstypes.CapacityProviderStrategyItem{CapacityProvider: aws.String(c.Name), Weight: c.Weight, Base: c.Base}
	}
	return out
}

func flattenCapacityProviders(items []ecstypes.CapacityProviderStrategyItem) []CapacityProvider {
	if len(items) == 0 {
		return nil
	}
	out := make([]CapacityProvider, len(items))
	for i, c := range items {
		out[i] = CapacityProvider{Name: aws.ToString(c.CapacityProvider), Weight: c.Weight, Base: c.Base}
	}
	return out
}

// sameCapacityProviders compares two strategies as sets: ECS keeps no order.
func sameCapacityProviders(a, b []CapacityProvider) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// liveOf is what a DescribeServices answer says of one service.
func liveOf(s ecstypes.Service) *Live {
	l := &Live{ARN: aws.ToString(s.ServiceArn), TaskDefinition: aws.ToString(s.TaskDefinition), DesiredCount: s.DesiredCount,
		RunningCount: s.RunningCount, Deployments: len(s.Deployments), Settings: settingsOf(s), svc: s}
	for _, t := range s.Tags {
		if aws.ToString(t.Key) == OwnerTag {
			l.Owner = aws.ToString(t.Value)
		}
	}
	return l
}

// settingsOf flattens a live service into the terms of ECSService.
func settingsOf(s ecstypes.Service) ECSService {
	out := ECSService{
		Cluster: aws.ToString(s.ClusterArn), Name: aws.ToString(s.ServiceName), TaskDefinition: aws.ToString(s.TaskDefinition),
		DesiredCount: s.DesiredCount, LaunchType: string(s.LaunchType), CapacityProviders: flattenCapacityProviders(s.CapacityProviderStrategy),
		PlatformVersion: aws.ToString(s.PlatformVersion), EnableExecuteCommand: s.EnableExecuteCommand, PropagateTags: string(s.PropagateTags),
		HealthCheckGracePeriod: time.Duration(aws.ToInt32(s.HealthCheckGracePeriodSeconds)) * time.Second,
	}
	if n := s.NetworkConfiguration; n != nil && n.AwsvpcConfiguration != nil {
		out.Subnets, out.SecurityGroups = n.AwsvpcConfiguration.Subnets, n.AwsvpcConfiguration.SecurityGroups
		out.AssignPublicIP = n.AwsvpcConfiguration.AssignPublicIp == ecstypes.AssignPublicIpEnabled
	}
	if len(s.LoadBalancers) > 0 {
		lb := s.LoadBalancers[0]
		out.LoadBalancer = &LoadBalancer{TargetGroupARN: aws.ToString(lb.TargetGroupArn), ContainerName: aws.ToString(lb.ContainerName), ContainerPort: aws.ToInt32(lb.ContainerPort)}
	}
	if dc := s.DeploymentConfiguration; dc != nil && dc.DeploymentCircuitBreaker != nil {
		out.CircuitBreaker = dc.DeploymentCircuitBreaker.Enable
	}
	if len(s.Tags) > 0 {
		out.Tags = make(map[string]string, len(s.Tags))
		for _, t := range s.Tags {
			out.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	}
	return out
}
