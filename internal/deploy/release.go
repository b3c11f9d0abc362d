package deploy

import "encoding/json"

// Release describes the deployment being carried out: what hooks are told
// (the JSON body of an HTTP hook, the environment of an ECS-task hook).
type Release struct {
	Environment     string `json:"environment"`      // shop/prod
	Service         string `json:"service"`          // api
	Version         string `json:"version"`          // 1.4.2
	Slot            string `json:"slot"`             // green, or the version when there is no slot
	PreviousVersion string `json:"previous_version"` // what the slot ran before; "" for its first deployment
	DeploymentID    string `json:"deployment_id"`    // shop/prod/api/green
	Actor           string `json:"actor"`            // the caller's ARN
	Phase           string `json:"phase"`            // before_verify | after_verify
}

// The phases a hook runs in.
const (
	PhaseBeforeVerify = "before_verify"
	PhaseAfterVerify  = "after_verify"
)

// JSON is the body of an HTTP hook:
//
//	{"environment":"shop/prod","service":"api","version":"1.4.2","slot":"green",
//	 "previous_version":"1.4.1","deployment_id":"shop/prod/api/green",
//	 "actor":"arn:aws:sts::123456789012:assumed-role/deployer/ci","phase":"before_verify"}
func (r Release) JSON() []byte {
	b, _ := json.Marshal(r) // strings only: cannot fail
	return b
}

// Env is the release as environment variables of an ECS-task hook:
// GOLIVE_ENVIRONMENT, GOLIVE_SERVICE, GOLIVE_VERSION, GOLIVE_SLOT,
// GOLIVE_PREVIOUS_VERSION, GOLIVE_DEPLOYMENT_ID, GOLIVE_ACTOR, GOLIVE_PHASE.
func (r Release) Env() [][2]string {
	return [][2]string{
		{"GOLIVE_ENVIRONMENT", r.Environment}, {"GOLIVE_SERVICE", r.Service}, {"GOLIVE_VERSION", r.Version},
		{"GOLIVE_SLOT", r.Slot}, {"GOLIVE_PREVIOUS_VERSION", r.PreviousVersion}, {"GOLIVE_DEPLOYMENT_ID", r.DeploymentID},
		{"GOLIVE_ACTOR", r.Actor}, {"GOLIVE_PHASE", r.Phase},
	}
}
