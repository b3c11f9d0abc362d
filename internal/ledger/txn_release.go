package ledger

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Recorded is what a write of Writes recorded, and what it could not.
type Recorded struct {
	// Events are the events as recorded, with their IDs; none when Err is
	// set.
	Events []Event
	// Err says nothing was recorded (and, for ReleaseWith, the lock not
	// released).
	Err error
	// LiveSlot says the live slot could not be marked (the service has no
	// release record); the rest was recorded.
	LiveSlot error
	// Lock says the lock was not released (ErrLockLost: another run took
	// it over after its lease expired); the rest was recorded without it.
	Lock error
}

// Write records w in one transaction (a plain write when w is one item).
func (l *Ledger) Write(ctx context.Context, w Writes) Recorded {
	return l.commit(ctx, w, nil, nil)
}

// ReleaseWith deletes the lock, if this holder still has it, and records w,
// in one transaction: a change's outcome and the lock's release are in the
// ledger together. A lock taken over by another run is not deleted; w is
// recorded without it and Lock says so. A lock already gone counts as
// released: either the SDK repeated this very transaction after its answer
// was lost (then w is in the ledger) or someone broke the lock by hand
// (then w is recorded now).
func (lk *Lock) ReleaseWith(ctx context.Context, w Writes) Recorded {
	if w.empty() {
		return Recorded{Lock: lk.Release(ctx)}
	}
	del := types.TransactWriteItem{Delete: &types.Delete{
		TableName:                           aws.String(lk.l.table),
		Key:                                 key(lockPK(lk.Target()), "LOCK"),
		ConditionExpression:                 aws.String("#token = :token"),
		ExpressionAttributeNames:            map[string]string{"#token": "token"},
		ExpressionAttributeValues:           map[string]types.AttributeValue{":token": strAttr(lk.token)},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}}
	return lk.l.commit(ctx, w, &del, func(ctx context.Context, held map[string]types.AttributeValue, events []Event, w Writes) Recorded {
		if held != nil {
			rec := lk.l.Write(ctx, w)
			rec.Lock = fmt.Errorf("releasing the lock of %s: %w", lk.Target(), ErrLockLost)
			return rec
		}
		if len(events) > 0 && lk.l.hasEvent(ctx, events[0]) {
			return Recorded{Events: events}
		}
		return lk.l.Write(ctx, w)
	})
}

// leadFailed handles a transaction cancelled by the condition of its lead
// item (the lock), given the item that failed it (nil: none) and the
// events the transaction carried.
type leadFailed func(ctx context.Context, item map[string]types.AttributeValue, events []Event, w Writes) Recorded

// commit sends w, after lead when set, as one transaction. A live slot
// without a release record is left out and reported; conflicts with other
// transactions are tried again; a failed lead condition goes to onLead.
func (l *Ledger) commit(ctx context.Context, w Writes, lead *types.TransactWriteItem, onLead leadFailed) Recorded {
	var liveSlot error
	for attempt := 1; ; attempt++ {
		events, items, kinds, err := l.writeItems(w)
		if err != nil {
			return Recorded{Err: err, LiveSlot: liveSlot}
		}
		if lead != nil {
			items = append([]types.TransactWriteItem{*lead}, items...)
			if kinds.liveSlot >= 0 {
				kinds.liveSlot++
			}
		}
		if len(items) == 0 {
			return Recorded{LiveSlot: liveSlot}
		}
		err = l.transact(ctx, items)
		reasons := cancellation(err, len(items))
		switch {
		case err == nil:
			return Recorded{Events: events, LiveSlot: liveSlot}
		case reasons == nil:
			return Recorded{Err: fmt.Errorf("recording in the ledger: %w", l.wrap(err)), LiveSlot: liveSlot}
		case kinds.liveSlot >= 0 && failedCondition(reasons[kinds.liveSlot]):
			liveSlot = fmt.Errorf("release of %s/%s: %w", w.Environment, w.Service, ErrNotFound)
			w.LiveSlot = ""
			continue
		case lead != nil && failedCondition(reasons[0]):
			rec := onLead(ctx, reasons[0].Item, events, w)
			rec.LiveSlot = liveSlot
			return rec
		case !conflicted(reasons) || attempt == txnAttempts:
			return Recorded{Err: fmt.Errorf("recording in the ledger: %w", err), LiveSlot: liveSlot}
		}
		pause(ctx, attempt)
	}
}

// hasEvent says whether e is in the ledger.
func (l *Ledger) hasEvent(ctx context.Context, e Event) bool {
	out, err := l.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(l.table), Key: key(eventPK(e.Environment), e.ID), ConsistentRead: aws.Bool(true),
		ProjectionExpression: aws.String("pk"),
	})
	return err == nil && out.Item != nil
}
