package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// errDeploymentNotRecorded: a destination names a deployment the ledger does
// not have (yet: at plan time it may be created in the same apply).
var errDeploymentNotRecorded = errors.New("not recorded in the golive ledger: declare it with golive_deployment first")

// deploymentDestination finds where a traffic split reaches a deployment,
// given its id "<application>/<environment>/<service>/<slot>", from the
// release record in the ledger.
func (d *providerData) deploymentDestination(ctx context.Context, id string) (string, error) {
	env, service, slot, ok := parseDeploymentID(id)
	if !ok {
		return "", fmt.Errorf("deployment %q is not a golive_deployment id (<application>/<environment>/<service>/<slot>)", id)
	}
	rel, err := d.ledger.GetRelease(ctx, env, service)
	if errors.Is(err, ledger.ErrNotFound) {
		return "", fmt.Errorf("deployment %s is %w", id, errDeploymentNotRecorded)
	}
	if err != nil {
		return "", err
	}
	s, ok := rel.Slots[slot]
	if !ok || s.Destination == "" {
		return "", fmt.Errorf("deployment %s is %w", id, errDeploymentNotRecorded)
	}
	return s.Destination, nil
}

// parseDeploymentID splits "<application>/<environment>/<service>/<slot>".
func parseDeploymentID(id string) (env, service, slot string, ok bool) {
	parts := strings.Split(id, "/")
	if len(parts) != 4 {
		return "", "", "", false
	}
	return parts[0] + "/" + parts[1], parts[2], parts[3], true
}
