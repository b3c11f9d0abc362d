package ledger

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Verification says whether service@version passed its gates in an
// environment. Promotion gates read it.
type Verification struct {
	Environment     string    `dynamodbav:"environment"`
	Service         string    `dynamodbav:"service"`
	Version         string    `dynamodbav:"version"`
	Status          string    `dynamodbav:"status"` // verified | failed
	VerifiedAt      time.Time `dynamodbav:"verified_at,omitempty"`
	FirstDeployedAt time.Time `dynamodbav:"first_deployed_at"`
	Actor           string    `dynamodbav:"actor"`
}

type verificationItem struct {
	PK   string `dynamodbav:"pk"`
	SK   string `dynamodbav:"sk"`
	Kind string `dynamodbav:"kind"`
	Verification
}

func verificationPK(env, service string) string { return "VER#" + env + "#" + service }

// GetVerification reads service@version in env; ErrNotFound if it was never
// deployed there.
func (l *Ledger) GetVerification(ctx context.Context, env, service, version string) (*Verification, error) {
	out, err := l.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(l.table), Key: key(verificationPK(env, service), version), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("reading verification of %s@%s in %s: %w", service, version, env, l.wrap(err))
	}
	if out.Item == nil {
		return nil, fmt.Errorf("%s@%s in %s: %w", service, version, env, ErrNotFound)
	}
	var it verificationItem
	if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
		return nil, err
	}
	return &it.Verification, nil
}

// PutVerification records the outcome of verifying service@version in env,
// keeping the time it was first deployed there (lead time starts then).
func (l *Ledger) PutVerification(ctx context.Context, v Verification) error {
	if prev, err := l.GetVerification(ctx, v.Environment, v.Service, v.Version); err == nil && !prev.FirstDeployedAt.IsZero() {
		v.FirstDeployedAt = prev.FirstDeployedAt
	}
	if v.FirstDeployedAt.IsZero() {
		v.FirstDeployedAt = l.now().UTC()
	}
	item, err := attributevalue.MarshalMap(verificationItem{PK: verificationPK(v.Environment, v.Service), SK: v.Version, Kind: "verification", Verification: v})
	if err != nil {
		return err
	}
	if _, err := l.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(l.table), Item: item}); err != nil {
		return fmt.Errorf("recording verification of %s@%s in %s: %w", v.Service, v.Version, v.Environment, l.wrap(err))
	}
	return nil
}
