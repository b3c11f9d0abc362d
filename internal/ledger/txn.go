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

// Writes are records the ledger writes together, in one DynamoDB
// transaction (TransactWriteItems), so that they are recorded together or
// not at all: a change's opening with the lock it takes (OpenChange), its
// ending with the lock's release (Lock.ReleaseWith).
type Writes struct {
	// Split is the traffic split record to put.
	Split *Split
	// Events are appended to the history, in this order: those without a
	// time get now, a nanosecond apart, so their IDs sort as listed.
	Events []Event
	// LiveSlot, when set, marks the slot with most traffic in the release
	// record of Environment/Service (as SetLiveSlot does).
	LiveSlot             string
	Environment, Service string // of LiveSlot
}

func (w Writes) empty() bool { return w.Split == nil && len(w.Events) == 0 && w.LiveSlot == "" }

// Opening is the first write of a change: it takes the lock of an
// environment+service and records what comes before anything moves.
type Opening struct {
	Lock LockRequest
	// Seen, when set, is the environment record as the change read it
	// (from a plan, possibly): the lock is taken only while the ledger
	// still has that revision of it, else EnvironmentChangedError.
	Seen *Environment
	Writes
	// TakenOver, when set, gives the events that record the takeover of a
	// lock whose holder let its lease expire; they are written in the same
	// transaction as the takeover.
	TakenOver func(*LockHeldError) []Event
}

// EnvironmentChangedError says the environment record is no longer the
// one a change read: it was updated in between (a freeze added, a notify
// target changed). Current is the record as it is now.
type EnvironmentChangedError struct {
	Current *Environment
}

func (e *EnvironmentChangedError) Error() string {
	return fmt.Sprintf("environment %s changed in the ledger since it was read (another run updated it meanwhile); "+
		"nothing was locked or recorded: plan and apply again", e.Current.ID())
}

// txnAttempts bounds the transactions a write sends when DynamoDB cancels
// one for a reason that a new attempt resolves: a conflict with another
// transaction on the same item, an expired lock to take over.
const txnAttempts = 5

// OpenChange takes the lock of o.Lock and writes o's records, in one
// transaction. An SDK retry of a transaction whose answer was lost is
// answered by DynamoDB with the first outcome (the SDK gives the call one
// ClientRequestToken before its retries); a ledger that does not keep
// tokens cancels the replay on this attempt's own lock, which counts as
// taken. A lock another run holds fails it with a *LockHeldError
// naming the holder (decoded from DynamoDB's cancellation reasons); a lock
// whose lease expired is taken over, o.TakenOver's events recorded with it
// and Lock.TakenOver set. It returns the lock and o's events as recorded.
func (l *Ledger) OpenChange(ctx context.Context, o Opening) (*Lock, []Event, error) {
	req := o.Lock
	if req.Lease <= 0 {
		req.Lease = DefaultLease
	}
	target := req.target()
	var takeover *LockHeldError
	takeoverToken := ""
	for attempt := 1; ; attempt++ {
		now := l.now()
		lk := &Lock{l: l, req: req, token: newToken(), since: now, expires: now.Add(req.Lease)}
		var before []Event
		if takeover != nil && o.TakenOver != nil {
			before = o.TakenOver(takeover)
		}
		events, items, kinds, err := l.openingItems(lk, o, takeoverToken, before)
		if err != nil {
			return nil, nil, err
		}
		err = l.transact(ctx, items)
		reasons := cancellation(err, len(items))
		switch {
		case err == nil:
			lk.TakenOver = takeover
			return lk, events[len(before):], nil
		case reasons == nil:
			return nil, nil, fmt.Errorf("locking %s: %w", target, l.wrap(err))
		}
		if lock := reasons[kinds.lock]; failedCondition(lock) {
			old := lock.Item
			switch {
			case old == nil: // the expired lock went meanwhile: take a free one
				takeover, takeoverToken = nil, ""
			case itemToken(old) == lk.token:
				// An SDK retry of this very attempt, whose first answer was
				// lost after it was applied: all of it is recorded.
				lk.TakenOver = takeover
				return lk, events[len(before):], nil
			case lockExpired(old, now):
				takeover, takeoverToken = heldError(target, old), itemToken(old)
			default:
				return nil, nil, heldError(target, old)
			}
		} else if kinds.seen >= 0 && failedCondition(reasons[kinds.seen]) {
			return nil, nil, l.environmentChanged(o.Seen.ID(), reasons[kinds.seen].Item)
		} else if !conflicted(reasons) {
			return nil, nil, fmt.Errorf("locking %s and recording its start: %w", target, err)
		}
		if attempt == txnAttempts {
			return nil, nil, fmt.Errorf("locking %s: gave up after %d attempts: %w", target, attempt, err)
		}
		pause(ctx, attempt)
	}
}

// itemKinds are the positions of the items whose failures mean something.
type itemKinds struct{ lock, seen, liveSlot int }

// openingItems are the transaction items of an opening: the lock, the
// environment's check, the split record and the events (the takeover's
// first). takeoverToken, when set, takes over exactly that expired lock.
func (l *Ledger) openingItems(lk *Lock, o Opening, takeoverToken string, before []Event) ([]Event, []types.TransactWriteItem, itemKinds, error) {
	kinds := itemKinds{seen: -1, liveSlot: -1}
	item, err := attributevalue.MarshalMap(lockItem{
		PK: lockPK(lk.Target()), SK: "LOCK", Kind: "lock", Holder: lk.req.Holder, Operation: lk.req.Operation,
		Token: lk.token, Acquired: lk.since.UnixMilli(), Expires: lk.expires.UnixMilli(),
	})
	if err != nil {
		return nil, nil, kinds, err
	}
	put := &types.Put{TableName: aws.String(l.table), Item: item, ConditionExpression: aws.String("attribute_not_exists(pk)"),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}
	if takeoverToken != "" {
		put.ConditionExpression = aws.String("#token = :old AND expires_at < :now")
		put.ExpressionAttributeNames = map[string]string{"#token": "token"}
		put.ExpressionAttributeValues = map[string]types.AttributeValue{":old": strAttr(takeoverToken), ":now": numAttr(lk.since.UnixMilli())}
	}
	items := []types.TransactWriteItem{{Put: put}}
	if check := l.seenCheck(o.Seen); check != nil {
		kinds.seen = len(items)
		items = append(items, types.TransactWriteItem{ConditionCheck: check})
	}
	w := o.Writes
	w.Events = append(append([]Event(nil), before...), w.Events...)
	events, more, k, err := l.writeItems(w)
	if err != nil {
		return nil, nil, kinds, err
	}
	if k.liveSlot >= 0 {
		kinds.liveSlot = len(items) + k.liveSlot
	}
	return events, append(items, more...), kinds, nil
}

// seenCheck is the condition that the environment record is still the
// revision e: by its revision, or, for a record written before records had
// one, by its update time. Nil when e says neither.
func (l *Ledger) seenCheck(e *Environment) *types.ConditionCheck {
	if e == nil {
		return nil
	}
	check := &types.ConditionCheck{TableName: aws.String(l.table), Key: key(envPK(e.ID()), "ENV"),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}
	switch {
	case e.Revision != "":
		check.ConditionExpression = aws.String("revision = :rev")
		check.ExpressionAttributeValues = map[string]types.AttributeValue{":rev": strAttr(e.Revision)}
	case !e.UpdatedAt.IsZero():
		at, err := attributevalue.Marshal(e.UpdatedAt)
		if err != nil {
			return nil
		}
		check.ConditionExpression = aws.String("attribute_exists(pk) AND attribute_not_exists(revision) AND updated_at = :at")
		check.ExpressionAttributeValues = map[string]types.AttributeValue{":at": at}
	default:
		return nil
	}
	return check
}

// environmentChanged decodes the environment record a failed check
// returned: an EnvironmentChangedError, or ErrNotFound when there is none.
func (l *Ledger) environmentChanged(id string, item map[string]types.AttributeValue) error {
	if item == nil {
		return fmt.Errorf("environment %s: %w", id, ErrNotFound)
	}
	var it envItem
	if err := attributevalue.UnmarshalMap(item, &it); err != nil {
		return fmt.Errorf("decoding environment %s: %w", id, err)
	}
	return &EnvironmentChangedError{Current: &it.Environment}
}

// writeItems are the transaction items of w: the split record, the events
// and the live slot's update, and the events with their IDs.
func (l *Ledger) writeItems(w Writes) ([]Event, []types.TransactWriteItem, itemKinds, error) {
	kinds := itemKinds{lock: -1, seen: -1, liveSlot: -1}
	var items []types.TransactWriteItem
	if w.Split != nil {
		item, err := l.splitItem(*w.Split)
		if err != nil {
			return nil, nil, kinds, err
		}
		items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: aws.String(l.table), Item: item}})
	}
	events := make([]Event, len(w.Events))
	now := l.now().UTC()
	for i, e := range w.Events {
		if e.At.IsZero() {
			e.At = now.Add(time.Duration(i))
		}
		e, item, err := l.newEventItem(e)
		if err != nil {
			return nil, nil, kinds, err
		}
		events[i] = e
		items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: aws.String(l.table), Item: item}})
	}
	if w.LiveSlot != "" {
		at, err := attributevalue.Marshal(now)
		if err != nil {
			return nil, nil, kinds, err
		}
		kinds.liveSlot = len(items)
		items = append(items, types.TransactWriteItem{Update: &types.Update{
			TableName: aws.String(l.table), Key: key(envPK(w.Environment), releaseSK(w.Service)),
			UpdateExpression:          aws.String("SET live_slot = :slot, updated_at = :at"),
			ConditionExpression:       aws.String("attribute_exists(pk)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":slot": strAttr(w.LiveSlot), ":at": at},
		}})
	}
	return events, items, kinds, nil
}

// transact sends items as one transaction; a single item is sent as its
// plain write, which costs half the capacity of a transaction.
func (l *Ledger) transact(ctx context.Context, items []types.TransactWriteItem) error {
	if len(items) == 1 && items[0].Put != nil && items[0].Put.ConditionExpression == nil {
		p := items[0].Put
		_, err := l.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: p.TableName, Item: p.Item})
		return err
	}
	_, err := l.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	return err
}

// cancellation is the per-item reasons of a transaction of n items that
// DynamoDB cancelled, nil for any other outcome.
func cancellation(err error, n int) []types.CancellationReason {
	var tce *types.TransactionCanceledException
	if errors.As(err, &tce) && len(tce.CancellationReasons) == n {
		return tce.CancellationReasons
	}
	return nil
}

func failedCondition(r types.CancellationReason) bool {
	return aws.ToString(r.Code) == "ConditionalCheckFailed"
}

// conflicted says whether the transaction was cancelled only because
// another one was writing the same items: trying again resolves it.
func conflicted(reasons []types.CancellationReason) bool {
	retry := false
	for _, r := range reasons {
		switch aws.ToString(r.Code) {
		case "", "None":
		case "TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded":
			retry = true
		default:
			return false
		}
	}
	return retry
}

// pause waits a little longer after each failed attempt.
func pause(ctx context.Context, attempt int) {
	t := time.NewTimer(time.Duration(attempt*attempt) * 20 * time.Millisecond)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

func lockExpired(item map[string]types.AttributeValue, now time.Time) bool {
	var it lockItem
	if attributevalue.UnmarshalMap(item, &it) != nil {
		return false
	}
	return it.Expires < now.UnixMilli()
}
