package deploy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// OwnerTag marks an ECS service as owned by a golive deployment; its value
// is the deployment's id (<application>/<environment>/<service>/<slot>).
const OwnerTag = "golive:deployment"

// NotOwnedError refuses to change an existing ECS service that golive did
// not create for this deployment. Nothing was changed.
type NotOwnedError struct {
	Cluster, Service string
	// Owner is the golive deployment that owns it, "" if none does.
	Owner string
}

func (e *NotOwnedError) Error() string {
	whose := fmt.Sprintf("golive did not create it (it has no %s tag)", OwnerTag)
	if e.Owner != "" {
		whose = fmt.Sprintf("it belongs to golive deployment %s (tag %s)", e.Owner, OwnerTag)
	}
	return fmt.Sprintf("ECS service %s already exists in cluster %s and %s; nothing was changed. "+
		"To take it over, set adopt = true in the ecs block (golive then tags it, records an adopted event and owns it from then on: "+
		"it changes its settings and deletes it on destroy); otherwise choose another service_name or slot", e.Service, e.Cluster, whose)
}

// Claim is what entitles a deployment to change an existing ECS service.
type Claim int

const (
	// ClaimTag entitles a deployment to change only a service whose
	// OwnerTag names it.
	ClaimTag Claim = iota
	// ClaimAdopt (adopt = true): any existing service; one not tagged for
	// the deployment is adopted (tagged, and recorded as adopted).
	ClaimAdopt
	// ClaimTracked is the claim of a deployment whose service Terraform
	// state already holds. An untagged service was created by a golive
	// release that did not tag yet: it is tagged now. One tagged for
	// another deployment is refused.
	ClaimTracked
)

// checkOwner decides whether deployment id may change the existing service
// s, and reports whether it is adopting it.
func checkOwner(s ecstypes.Service, cluster, id string, claim Claim) (adopting bool, err error) {
	owner := liveOf(s).Owner
	switch {
	case owner == id && id != "":
		return false, nil
	case claim == ClaimAdopt:
		return true, nil
	case claim == ClaimTracked && owner == "":
		return false, nil
	}
	return false, &NotOwnedError{Cluster: cluster, Service: aws.ToString(s.ServiceName), Owner: owner}
}

// tag adds or changes the tags of the service that differ from want (the
// ownership tag among them); tags set outside golive are left alone.
func (e *ECS) tag(ctx context.Context, s ecstypes.Service, want map[string]string) error {
	have := settingsOf(s).Tags
	var add []ecstypes.Tag
	for _, k := range sortedKeys(want) {
		if v, ok := have[k]; !ok || v != want[k] {
			add = append(add, ecstypes.Tag{Key: aws.String(k), Value: aws.String(want[k])})
		}
	}
	if len(add) == 0 {
		return nil
	}
	if _, err := e.Client.TagResource(ctx, &ecs.TagResourceInput{ResourceArn: s.ServiceArn, Tags: add}); err != nil {
		return fmt.Errorf("tagging ECS service %s: %w", aws.ToString(s.ServiceName), err)
	}
	return nil
}

// untagOwner removes the ownership tag: an adoption that failed leaves the
// service as it found it.
func (e *ECS) untagOwner(ctx context.Context, arn, name string) error {
	if _, err := e.Client.UntagResource(ctx, &ecs.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{OwnerTag}}); err != nil {
		return fmt.Errorf("removing tag %s from ECS service %s: %w", OwnerTag, name, err)
	}
	return nil
}

// checkDeployable refuses, before anything changes, an existing service
// that UpdateService cannot move to want: one whose deployments another
// controller makes (CODE_DEPLOY, EXTERNAL: ECS refuses a new task definition
// for it), and one being adopted with another launch type than want
// declares (UpdateService cannot change it: the service would keep it, and
// the next plan would replace the service just adopted).
func checkDeployable(s ecstypes.Service, want ECSService, adopting bool) error {
	name := aws.ToString(s.ServiceName)
	if dc := s.DeploymentController; dc != nil && dc.Type != "" && dc.Type != ecstypes.DeploymentControllerTypeEcs {
		return fmt.Errorf("ECS service %s in cluster %s uses the %s deployment controller: golive deploys through ECS rolling updates only "+
			"(the ECS controller), so it cannot deploy to it; nothing was changed. Keep deploying it with its controller, "+
			"or let golive create a service of its own (another service_name or slot)", name, clusterName(want.Cluster), dc.Type)
	}
	if !adopting || want.LaunchType == "" && len(want.CapacityProviders) == 0 {
		return nil
	}
	have := settingsOf(s)
	have.Cluster, have.Name = want.Cluster, want.Name
	if reason := ReplacementReason(have, want); reason != "" {
		return fmt.Errorf("adopting ECS service %s in cluster %s: %s, and the service would keep its own; nothing was changed. "+
			"Declare the service's launch type or capacity provider strategy to adopt it, then change it (a change that replaces the service)",
			name, clusterName(want.Cluster), reason)
	}
	return nil
}
