package deploy

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func TestCheckDeployable(t *testing.T) {
	const cluster = "arn:aws:ecs:us-east-1:123456789012:cluster/shop"
	svc := func(launchType ecstypes.LaunchType, controller ecstypes.DeploymentControllerType, providers ...string) ecstypes.Service {
		s := ecstypes.Service{ServiceName: aws.String("api-green"), ClusterArn: aws.String(cluster), LaunchType: launchType}
		if controller != "" {
			s.DeploymentController = &ecstypes.DeploymentController{Type: controller}
		}
		for _, p := range providers {
			s.CapacityProviderStrategy = append(s.CapacityProviderStrategy, ecstypes.CapacityProviderStrategyItem{CapacityProvider: aws.String(p), Weight: 1})
		}
		return s
	}
	fargate := ECSService{Cluster: "shop", Name: "api-green", LaunchType: "FARGATE"}
	spot := ECSService{Cluster: cluster, Name: "api-green", CapacityProviders: []CapacityProvider{{Name: "FARGATE_SPOT", Weight: 1}}}
	unset := ECSService{Cluster: cluster, Name: "api-green"}
	cases := []struct {
		name     string
		live     ecstypes.Service
		want     ECSService
		adopting bool
		err      string // substring; "" for none
	}{
		{name: "own service", live: svc("FARGATE", ""), want: fargate},
		{name: "ECS controller named", live: svc("FARGATE", ecstypes.DeploymentControllerTypeEcs), want: fargate, adopting: true},
		{name: "CodeDeploy", live: svc("FARGATE", ecstypes.DeploymentControllerTypeCodeDeploy), want: fargate, adopting: true,
			err: "ECS service api-green in cluster shop uses the CODE_DEPLOY deployment controller: golive deploys through ECS rolling updates only"},
		{name: "external, even when golive owns it", live: svc("FARGATE", ecstypes.DeploymentControllerTypeExternal), want: fargate,
			err: "uses the EXTERNAL deployment controller"},
		{name: "adopting another launch type", live: svc("EC2", ""), want: fargate, adopting: true,
			err: "adopting ECS service api-green in cluster shop: launch_type changes from EC2 to FARGATE: UpdateService cannot change a service's launch type, " +
				"and the service would keep its own; nothing was changed"},
		{name: "adopting a strategy for a launch type", live: svc("", "", "FARGATE_SPOT"), want: fargate, adopting: true, err: "launch_type changes from"},
		{name: "adopting a launch type for a strategy: in place", live: svc("FARGATE", ""), want: spot, adopting: true},
		{name: "adopting the same strategy", live: svc("", "", "FARGATE_SPOT"), want: spot, adopting: true},
		{name: "adopting without a declared launch type", live: svc("EC2", ""), want: unset, adopting: true},
		{name: "own service: the plan replaces it instead", live: svc("EC2", ""), want: fargate},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := checkDeployable(c.live, c.want, c.adopting)
			switch {
			case c.err == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
				t.Fatalf("got %v, want an error saying %q", err, c.err)
			}
		})
	}
}
