package deploy

import (
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Reconcile is configured with each setting the live service reports put
// in its place, so that a change made outside Terraform shows as drift.
// Configured values stay where the live answer says the same thing in
// another spelling (a task definition as family:revision, subnets in
// another order), where ECS's answer leaves the setting out, and for the
// desired count of an autoscaled service (Application Auto Scaling owns it:
// never drift). Cluster and name identify the service and stay as given.
func (l *Live) Reconcile(configured ECSService) ECSService {
	s, out := l.svc, configured
	out.TaskDefinition = sameTaskDefinition(configured.TaskDefinition, aws.ToString(s.TaskDefinition))
	if !configured.Autoscaled {
		out.DesiredCount = s.DesiredCount
	}
	if configured.LaunchType != "" && s.LaunchType != "" {
		out.LaunchType = string(s.LaunchType)
	}
	if live := flattenCapacityProviders(s.CapacityProviderStrategy); len(live) > 0 && !sameCapacityProviders(live, configured.CapacityProviders) {
		out.CapacityProviders = live
	}
	if configured.PlatformVersion != "" && aws.ToString(s.PlatformVersion) != "" {
		out.PlatformVersion = aws.ToString(s.PlatformVersion)
	}
	if n := s.NetworkConfiguration; n != nil && n.AwsvpcConfiguration != nil {
		out.Subnets = sameSet(configured.Subnets, n.AwsvpcConfiguration.Subnets)
		out.SecurityGroups = sameSet(configured.SecurityGroups, n.AwsvpcConfiguration.SecurityGroups)
		out.AssignPublicIP = n.AwsvpcConfiguration.AssignPublicIp == ecstypes.AssignPublicIpEnabled
	}
	out.LoadBalancer = l.Settings.LoadBalancer
	if s.HealthCheckGracePeriodSeconds != nil {
		out.HealthCheckGracePeriod = time.Duration(*s.HealthCheckGracePeriodSeconds) * time.Second
	}
	out.EnableExecuteCommand = s.EnableExecuteCommand
	if dc := s.DeploymentConfiguration; dc != nil && dc.DeploymentCircuitBreaker != nil {
		out.CircuitBreaker = dc.DeploymentCircuitBreaker.Enable
	}
	if s.PropagateTags != "" {
		out.PropagateTags = string(s.PropagateTags)
	}
	return out
}

// sameTaskDefinition is configured when it names the live revision (its
// ARN, or family:revision), else the live ARN.
func sameTaskDefinition(configured, live string) string {
	if live == "" || configured == live || strings.HasSuffix(live, ":task-definition/"+configured) {
		return configured
	}
	return live
}

// sameSet is configured when it holds the same elements as live, else live.
func sameSet(configured, live []string) []string {
	a, b := slices.Clone(configured), slices.Clone(live)
	slices.Sort(a)
	slices.Sort(b)
	if slices.Equal(a, b) {
		return configured
	}
	return live
}
