package deploy

import (
	"fmt"
	"strings"
)

// The settings whose change can need a new ECS service.
const (
	SettingCluster          = "cluster"
	SettingName             = "name"
	SettingLaunchType       = "launch type"
	SettingCapacityProvider = "capacity provider strategy"
)

// ReplacementReason says why changing a slot's service from the settings
// before to after needs a new ECS service, or "" when UpdateService changes
// it in place. ReplacementSetting names the setting at fault. ECS cannot move a service to another cluster or rename it, has no
// launch type in UpdateService, and moves a service from a launch type to a
// capacity provider strategy but not from a strategy to a launch type or
// the cluster's default strategy. Every other setting changes in place
// (task definition, count, network, load balancer, platform version, grace
// period, execute command, circuit breaker, tags).
func ReplacementReason(before, after ECSService) string {
	_, reason := replacement(before, after)
	return reason
}

// ReplacementSetting is the setting whose change needs a new ECS service
// (SettingCluster, ...), "" when none does.
func ReplacementSetting(before, after ECSService) string {
	setting, _ := replacement(before, after)
	return setting
}

func replacement(before, after ECSService) (setting, reason string) {
	if clusterName(before.Cluster) != clusterName(after.Cluster) {
		return SettingCluster, fmt.Sprintf("the cluster changes from %s to %s: an ECS service cannot move between clusters", before.Cluster, after.Cluster)
	}
	if before.Name != after.Name {
		return SettingName, fmt.Sprintf("the ECS service name changes from %s to %s: ECS cannot rename a service", before.Name, after.Name)
	}
	launchTypeToStrategy := before.LaunchType != "" && after.LaunchType == "" && len(after.CapacityProviders) > 0
	if before.LaunchType != after.LaunchType && !launchTypeToStrategy {
		return SettingLaunchType, fmt.Sprintf("launch_type changes from %s to %s: UpdateService cannot change a service's launch type",
			orDefault(before.LaunchType), orDefault(after.LaunchType))
	}
	if len(before.CapacityProviders) > 0 && len(after.CapacityProviders) == 0 {
		return SettingCapacityProvider, "capacity_provider_strategy is removed: ECS cannot move a service from a capacity provider strategy " +
			"to a launch type or the cluster's default strategy in place"
	}
	return "", ""
}

// clusterName is "shop" for arn:aws:ecs:us-east-1:123456789012:cluster/shop
// and for "shop".
func clusterName(c string) string {
	if i := strings.LastIndex(c, ":cluster/"); i >= 0 {
		return c[i+len(":cluster/"):]
	}
	return c
}

func orDefault(launchType string) string {
	if launchType == "" {
		return "(none: a capacity provider strategy or the cluster's default)"
	}
	return launchType
}
