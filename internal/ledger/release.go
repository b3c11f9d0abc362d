package ledger

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Release is what runs where for one service of an environment: the version
// of each slot (blue, green, ...) and where a traffic split reaches it.
type Release struct {
	Environment string          `dynamodbav:"environment"`
	Service     string          `dynamodbav:"service"`
	Slots       map[string]Slot `dynamodbav:"slots"`
	// LiveSlot is the slot with most traffic: set by a traffic split over
	// deployments, or by the first deployment when there is no split.
	LiveSlot  string    `dynamodbav:"live_slot,omitempty"`
	UpdatedAt time.Time `dynamodbav:"updated_at"`
}

// Slot is one deployment of a service.
type Slot struct {
	Version     string    `dynamodbav:"version"`
	Status      string    `dynamodbav:"status"` // verified | failed | deploying
	DeployedAt  time.Time `dynamodbav:"deployed_at"`
	Destination string    `dynamodbav:"destination"` // target group ARN or Lambda version
	Previous    string    `dynamodbav:"previous_version,omitempty"`
	// Where the slot runs, so import and other stacks can find it.
	Cluster    string `dynamodbav:"cluster,omitempty"`
	ECSService string `dynamodbav:"ecs_service,omitempty"`
	Function   string `dynamodbav:"function,omitempty"`
}

type releaseItem struct {
	PK   string `dynamodbav:"pk"`
	SK   string `dynamodbav:"sk"`
	Kind string `dynamodbav:"kind"`
	Release
}

func releaseSK(service string) string { return "REL#" + service }

// GetRelease reads the release record of env's service; ErrNotFound if none.
func (l *Ledger) GetRelease(ctx context.Context, env, service string) (*Release, error) {
	out, err := l.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(l.table), Key: key(envPK(env), releaseSK(service)), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("reading release of %s/%s from the ledger: %w", env, service, l.wrap(err))
	}
	if out.Item == nil {
		return nil, fmt.Errorf("release of %s/%s: %w", env, service, ErrNotFound)
	}
	var it releaseItem
	if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
		return nil, fmt.Errorf("decoding release of %s/%s: %w", env, service, err)
	}
	return &it.Release, nil
}

// PutRelease writes the release record.
func (l *Ledger) PutRelease(ctx context.Context, r Release) error {
	if r.UpdatedAt.IsZero() {
		r.UpdatedAt = l.now().UTC()
	}
	item, err := attributevalue.MarshalMap(releaseItem{PK: envPK(r.Environment), SK: releaseSK(r.Service), Kind: "release", Release: r})
	if err != nil {
		return fmt.Errorf("encoding release of %s/%s: %w", r.Environment, r.Service, err)
	}
	if _, err := l.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(l.table), Item: item}); err != nil {
		return fmt.Errorf("writing release of %s/%s to the ledger: %w", r.Environment, r.Service, l.wrap(err))
	}
	return nil
}

// SetSlot records a slot's deployment, creating the release record if
// needed. The first slot of a service becomes its live slot. Callers hold
// the service's lock, so the read-modify-write does not race.
func (l *Ledger) SetSlot(ctx context.Context, env, service, slot string, s Slot) (*Release, error) {
	rel, err := l.GetRelease(ctx, env, service)
	if errors.Is(err, ErrNotFound) {
		rel, err = &Release{Environment: env, Service: service, Slots: map[string]Slot{}}, nil
	}
	if err != nil {
		return nil, err
	}
	if rel.Slots == nil {
		rel.Slots = map[string]Slot{}
	}
	rel.Slots[slot] = s
	if rel.LiveSlot == "" {
		rel.LiveSlot = slot
	}
	rel.UpdatedAt = time.Time{}
	return rel, l.PutRelease(ctx, *rel)
}

// RemoveSlot forgets a slot; the release record goes with its last slot.
func (l *Ledger) RemoveSlot(ctx context.Context, env, service, slot string) error {
	rel, err := l.GetRelease(ctx, env, service)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	delete(rel.Slots, slot)
	if rel.LiveSlot == slot {
		rel.LiveSlot = ""
	}
	if len(rel.Slots) == 0 {
		_, err := l.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(l.table), Key: key(envPK(env), releaseSK(service))})
		if err != nil {
			return fmt.Errorf("deleting release of %s/%s: %w", env, service, l.wrap(err))
		}
		return nil
	}
	rel.UpdatedAt = time.Time{}
	return l.PutRelease(ctx, *rel)
}

// SetLiveSlot marks the slot that receives most traffic.
func (l *Ledger) SetLiveSlot(ctx context.Context, env, service, slot string) error {
	rel, err := l.GetRelease(ctx, env, service)
	if err != nil {
		return err
	}
	rel.LiveSlot = slot
	rel.UpdatedAt = time.Time{}
	return l.PutRelease(ctx, *rel)
}
