package ledger

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// LockInfo is a held lock as the ledger records it, read by someone other
// than its holder (the on-call's `golive status` and `golive unlock`).
type LockInfo struct {
	Environment string // "<app>/<env>"
	Service     string
	Holder      string
	Operation   string
	Since       time.Time
	Expires     time.Time
	token       string
}

// Target is "<app>/<env>/<service>".
func (i LockInfo) Target() string { return i.Environment + "/" + i.Service }

// Live says whether the holder's lease still runs at now: until it expires,
// the holder may be working and renewing it.
func (i LockInfo) Live(now time.Time) bool { return now.Before(i.Expires) }

// ReadLock reads the lock of env's service; ErrNotFound when no lock is
// held. An expired lock that no run has taken over yet is still returned.
func (l *Ledger) ReadLock(ctx context.Context, env, service string) (*LockInfo, error) {
	target := env + "/" + service
	out, err := l.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(l.table), Key: key(lockPK(target), "LOCK"), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("reading the lock of %s from the ledger: %w", target, l.wrap(err))
	}
	if out.Item == nil {
		return nil, fmt.Errorf("lock of %s: %w", target, ErrNotFound)
	}
	var it lockItem
	if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
		return nil, fmt.Errorf("decoding the lock of %s: %w", target, err)
	}
	return &LockInfo{
		Environment: env, Service: service, Holder: it.Holder, Operation: it.Operation,
		Since: time.UnixMilli(it.Acquired).UTC(), Expires: time.UnixMilli(it.Expires).UTC(), token: it.Token,
	}, nil
}

// ErrLockChanged is returned by BreakLock when the lock is no longer the one
// that was read: its holder released or renewed it, or another run took it
// over. Nothing was deleted or recorded; read it again.
var ErrLockChanged = errors.New("the lock changed since it was read (released, renewed or taken over)")

// BreakLock deletes the lock read as info and records e (its ID and time are
// filled in) in one transaction: the lock is gone if and only if the event
// is in the history. Unless force is set, the lock must still have expired
// at the ledger's now, so a holder that renewed its lease in the meantime
// keeps it. It fails with ErrLockChanged when the lock is not the one read.
func (l *Ledger) BreakLock(ctx context.Context, info *LockInfo, force bool, e Event) (Event, error) {
	e, item, err := l.newEventItem(e)
	if err != nil {
		return e, err
	}
	cond := "#token = :token"
	values := map[string]types.AttributeValue{":token": strAttr(info.token)}
	if !force {
		cond += " AND expires_at < :now"
		values[":now"] = numAttr(l.now().UnixMilli())
	}
	// The SDK gives the call a ClientRequestToken once, before its retries,
	// so a retry of a transaction whose answer was lost succeeds again
	// instead of failing on the lock it deleted.
	_, err = l.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Delete: &types.Delete{
			TableName:                 aws.String(l.table),
			Key:                       key(lockPK(info.Target()), "LOCK"),
			ConditionExpression:       aws.String(cond),
			ExpressionAttributeNames:  map[string]string{"#token": "token"},
			ExpressionAttributeValues: values,
		}},
		{Put: &types.Put{TableName: aws.String(l.table), Item: item}},
	}})
	// A cancelled transaction says why per item, as codes only: the first
	// item is the lock's delete.
	var canceled *types.TransactionCanceledException
	if errors.As(err, &canceled) && len(canceled.CancellationReasons) > 0 &&
		aws.ToString(canceled.CancellationReasons[0].Code) == "ConditionalCheckFailed" {
		return e, fmt.Errorf("releasing the lock of %s: %w", info.Target(), ErrLockChanged)
	}
	if err != nil {
		return e, fmt.Errorf("releasing the lock of %s and recording it: %w", info.Target(), l.wrap(err))
	}
	return e, nil
}
