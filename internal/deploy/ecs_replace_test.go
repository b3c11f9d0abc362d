package deploy_test

import (
	"strings"
	"testing"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/deploy"
)

func TestReplacementReason(t *testing.T) {
	t.Parallel()
	base := deploy.ECSService{Cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/shop", Name: "api-green", TaskDefinition: "api:1",
		DesiredCount: 2, LaunchType: "FARGATE", Subnets: []string{"subnet-1"}, SecurityGroups: []string{"sg-1"}}
	spot := []deploy.CapacityProvider{{Name: "FARGATE_SPOT", Weight: 1}}
	cases := []struct {
		name   string
		change func(s *deploy.ECSService)
		from   func(s *deploy.ECSService) // changes the old settings too
		want   string                     // substring; "" = in place
		at     string                     // the setting at fault
	}{
		{name: "nothing", change: func(*deploy.ECSService) {}},
		{name: "cluster name for its ARN", change: func(s *deploy.ECSService) { s.Cluster = "shop" }},
		{name: "every in-place setting", change: func(s *deploy.ECSService) {
			s.TaskDefinition, s.DesiredCount, s.Subnets, s.SecurityGroups, s.AssignPublicIP = "api:2", 5, []string{"subnet-2"}, []string{"sg-2"}, true
			s.LoadBalancer = &deploy.LoadBalancer{TargetGroupARN: "arn:tg", ContainerName: "api", ContainerPort: 8080}
			s.PlatformVersion, s.HealthCheckGracePeriod, s.EnableExecuteCommand = "1.4.0", time.Minute, true
			s.CircuitBreaker, s.PropagateTags, s.Tags = true, "TASK_DEFINITION", map[string]string{"team": "shop"}
		}},
		{name: "cluster", change: func(s *deploy.ECSService) { s.Cluster = "other" }, want: "an ECS service cannot move between clusters", at: deploy.SettingCluster},
		{name: "name", change: func(s *deploy.ECSService) { s.Name = "api-blue" }, want: "ECS cannot rename a service", at: deploy.SettingName},
		{name: "launch type", change: func(s *deploy.ECSService) { s.LaunchType = "EC2" }, want: "launch_type changes from FARGATE to EC2", at: deploy.SettingLaunchType},
		{name: "launch type to cluster default", change: func(s *deploy.ECSService) { s.LaunchType = "" }, want: "launch_type changes from FARGATE to (none", at: deploy.SettingLaunchType},
		{name: "launch type to strategy", change: func(s *deploy.ECSService) { s.LaunchType, s.CapacityProviders = "", spot }},
		{name: "default to strategy", from: func(s *deploy.ECSService) { s.LaunchType = "" },
			change: func(s *deploy.ECSService) { s.LaunchType, s.CapacityProviders = "", spot }},
		{name: "strategy weights", from: func(s *deploy.ECSService) { s.LaunchType, s.CapacityProviders = "", spot },
			change: func(s *deploy.ECSService) {
				s.LaunchType, s.CapacityProviders = "", []deploy.CapacityProvider{{Name: "FARGATE", Base: 1, Weight: 1}, {Name: "FARGATE_SPOT", Weight: 3}}
			}},
		{name: "strategy to launch type", from: func(s *deploy.ECSService) { s.LaunchType, s.CapacityProviders = "", spot },
			change: func(s *deploy.ECSService) { s.LaunchType, s.CapacityProviders = "FARGATE", nil }, want: "launch_type changes from (none", at: deploy.SettingLaunchType},
		{name: "strategy to cluster default", from: func(s *deploy.ECSService) { s.LaunchType, s.CapacityProviders = "", spot },
			change: func(s *deploy.ECSService) { s.CapacityProviders = nil }, want: "capacity_provider_strategy is removed", at: deploy.SettingCapacityProvider},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, after := base, base
			if c.from != nil {
				c.from(&before)
				c.from(&after)
			}
			c.change(&after)
			got := deploy.ReplacementReason(before, after)
			if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
				t.Fatalf("ReplacementReason = %q, want %q", got, c.want)
			}
			if at := deploy.ReplacementSetting(before, after); at != c.at {
				t.Fatalf("ReplacementSetting = %q, want %q", at, c.at)
			}
		})
	}
}
