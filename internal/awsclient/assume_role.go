package awsclient

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// renewBefore is how long before its end an assumed role's session is
// renewed. A request signed with credentials that expire before AWS has
// checked it fails with ExpiredToken, which the SDK does not retry: mid
// cutover that would be a failed step or an unrecorded outcome. A session
// renewed a minute early is never used that close to its end.
const renewBefore = time.Minute

// assumeRole returns credentials of ar, assumed with the credentials of
// from through from's STS endpoint, cached and renewed renewBefore their
// end.
func assumeRole(from *Clients, ar AssumeRole) aws.CredentialsProvider {
	stsClient := sts.NewFromConfig(from.configFor("sts"))
	p := stscreds.NewAssumeRoleProvider(stsClient, ar.RoleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = ar.SessionName
		if o.RoleSessionName == "" {
			o.RoleSessionName = "golive"
		}
		if ar.ExternalID != "" {
			o.ExternalID = aws.String(ar.ExternalID)
		}
		if ar.Duration > 0 {
			o.Duration = ar.Duration
		}
	})
	return aws.NewCredentialsCache(namedRole{p: p, ar: ar}, func(o *aws.CredentialsCacheOptions) {
		o.ExpiryWindow = renewBefore
	})
}

// namedRole turns a failed sts:AssumeRole into an AssumeRoleError, which
// names the role and the setting that asked for it.
type namedRole struct {
	p  aws.CredentialsProvider
	ar AssumeRole
}

func (n namedRole) Retrieve(ctx context.Context) (aws.Credentials, error) {
	c, err := n.p.Retrieve(ctx)
	if err != nil {
		return c, &AssumeRoleError{RoleARN: n.ar.RoleARN, Setting: n.ar.Setting, Err: err}
	}
	return c, nil
}

// AssumeRoleError says that a role could not be assumed.
type AssumeRoleError struct {
	RoleARN string
	Setting string
	Err     error
}

func (e *AssumeRoleError) Error() string {
	what := "assuming role " + e.RoleARN
	if e.Setting != "" {
		what += " (" + e.Setting + ")"
	}
	// STS does not model AccessDenied as an error type of its own.
	var api smithy.APIError
	if errors.As(e.Err, &api) && api.ErrorCode() == "AccessDenied" {
		return fmt.Sprintf("%s: STS refused: %s. The role's trust policy must allow sts:AssumeRole by the credentials it is assumed with "+
			"(and by their external ID, if it requires one), and their own policy must allow sts:AssumeRole on the role", what, api.ErrorMessage())
	}
	return fmt.Sprintf("%s: %v", what, e.Err)
}

func (e *AssumeRoleError) Unwrap() error { return e.Err }
