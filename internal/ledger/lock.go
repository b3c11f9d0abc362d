package ledger

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DefaultLease is how long a lock lives without renewal. A holder renews it
// every third of the lease, so a crashed holder blocks others for at most one
// lease.
const DefaultLease = 60 * time.Second

// LockRequest names what is locked and by whom.
type LockRequest struct {
	Environment string // "<app>/<env>"
	Service     string
	Holder      string // the STS caller ARN
	Operation   string // e.g. "traffic shift to green"
	Lease       time.Duration
}

func (r LockRequest) target() string { return r.Environment + "/" + r.Service }

// Lock is a held lock. Release it when done.
type Lock struct {
	l       *Ledger
	req     LockRequest
	token   string
	since   time.Time
	mu      sync.Mutex
	expires time.Time
	// TakenOver describes the lock this one replaced because its lease had
	// expired (its holder crashed or was killed without releasing it); nil
	// when the lock was free.
	TakenOver *LockHeldError
}

// LockHeldError says who holds the lock, doing what, since when.
type LockHeldError struct {
	Target    string
	Holder    string
	Operation string
	Since     time.Time
	Expires   time.Time
}

func (e *LockHeldError) Error() string {
	return fmt.Sprintf("%s is locked by %s (%s) since %s; the lease expires at %s unless the holder renews it. "+
		"Wait for that run to finish; if it crashed, the lock frees itself when the lease expires",
		e.Target, e.Holder, e.Operation, e.Since.UTC().Format(time.RFC3339), e.Expires.UTC().Format(time.RFC3339))
}

// ErrLockLost is returned by Renew and Release when another holder has taken
// the lock over after the lease expired.
var ErrLockLost = errors.New("lock lost: its lease expired and another run took it over")

type lockItem struct {
	PK        string `dynamodbav:"pk"`
	SK        string `dynamodbav:"sk"`
	Kind      string `dynamodbav:"kind"`
	Holder    string `dynamodbav:"holder"`
	Operation string `dynamodbav:"operation"`
	Token     string `dynamodbav:"token"`
	Acquired  int64  `dynamodbav:"acquired_at"` // Unix milliseconds
	Expires   int64  `dynamodbav:"expires_at"`
}

func lockPK(target string) string { return "LOCK#" + target }

// AcquireLock takes the lock of an environment+service, or fails at once with
// a LockHeldError. A lock whose lease has expired is taken over.
func (l *Ledger) AcquireLock(ctx context.Context, req LockRequest) (*Lock, error) {
	if req.Lease <= 0 {
		req.Lease = DefaultLease
	}
	now := l.now()
	lk := &Lock{l: l, req: req, token: newToken(), since: now, expires: now.Add(req.Lease)}
	item, err := attributevalue.MarshalMap(lockItem{
		PK: lockPK(req.target()), SK: "LOCK", Kind: "lock", Holder: req.Holder, Operation: req.Operation,
		Token: lk.token, Acquired: now.UnixMilli(), Expires: lk.expires.UnixMilli(),
	})
	if err != nil {
		return nil, err
	}
	out, err := l.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                           aws.String(l.table),
		Item:                                item,
		ConditionExpression:                 aws.String("attribute_not_exists(pk) OR expires_at < :now"),
		ExpressionAttributeValues:           map[string]types.AttributeValue{":now": numAttr(now.UnixMilli())},
		ReturnValues:                        types.ReturnValueAllOld,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	if err == nil && len(out.Attributes) > 0 {
		lk.TakenOver = heldError(req.target(), out.Attributes)
	}
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		// The SDK retries a put whose answer was lost (a connection reset
		// after DynamoDB applied it): the retry then finds our own lock.
		if ccf.Item != nil && itemToken(ccf.Item) == lk.token {
			return lk, nil
		}
		return nil, heldError(req.target(), ccf.Item)
	}
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", req.target(), l.wrap(err))
	}
	return lk, nil
}

// newToken is a random token that tells one lock holder (or one record
// revision) from every other.
func newToken() string {
	tok := make([]byte, 16)
	_, _ = rand.Read(tok)
	return hex.EncodeToString(tok)
}

func itemToken(item map[string]types.AttributeValue) string {
	if s, ok := item["token"].(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}

// heldError describes the lock item (a holder's), for a refusal or a
// takeover.
func heldError(target string, item map[string]types.AttributeValue) *LockHeldError {
	var it lockItem
	if item == nil || attributevalue.UnmarshalMap(item, &it) != nil {
		return &LockHeldError{Target: target, Holder: "another run", Operation: "unknown operation"}
	}
	return &LockHeldError{
		Target: target, Holder: it.Holder, Operation: it.Operation,
		Since: time.UnixMilli(it.Acquired), Expires: time.UnixMilli(it.Expires),
	}
}

func numAttr(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

// Target is "<app>/<env>/<service>".
func (lk *Lock) Target() string { return lk.req.target() }

// Renew extends the lease from now; ErrLockLost if the lock was taken over.
func (lk *Lock) Renew(ctx context.Context) error {
	exp := lk.l.now().Add(lk.req.Lease)
	_, err := lk.l.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(lk.l.table),
		Key:                       key(lockPK(lk.Target()), "LOCK"),
		UpdateExpression:          aws.String("SET expires_at = :exp"),
		ConditionExpression:       aws.String("#token = :token"),
		ExpressionAttributeNames:  map[string]string{"#token": "token"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":exp": numAttr(exp.UnixMilli()), ":token": strAttr(lk.token)},
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return fmt.Errorf("renewing the lock of %s: %w", lk.Target(), ErrLockLost)
	}
	if err != nil {
		return fmt.Errorf("renewing the lock of %s: %w", lk.Target(), lk.l.wrap(err))
	}
	lk.mu.Lock()
	lk.expires = exp
	lk.mu.Unlock()
	return nil
}

// Release deletes the lock if this holder still has it. Releasing a lock
// that was taken over is ErrLockLost and deletes nothing. A lock already
// gone is released: the SDK retries a delete whose answer was lost, and the
// retry finds nothing to delete.
func (lk *Lock) Release(ctx context.Context) error {
	_, err := lk.l.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                           aws.String(lk.l.table),
		Key:                                 key(lockPK(lk.Target()), "LOCK"),
		ConditionExpression:                 aws.String("#token = :token"),
		ExpressionAttributeNames:            map[string]string{"#token": "token"},
		ExpressionAttributeValues:           map[string]types.AttributeValue{":token": strAttr(lk.token)},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		if ccf.Item == nil {
			return nil
		}
		return fmt.Errorf("releasing the lock of %s: %w", lk.Target(), ErrLockLost)
	}
	if err != nil {
		return fmt.Errorf("releasing the lock of %s: %w", lk.Target(), lk.l.wrap(err))
	}
	return nil
}

// KeepAlive renews the lease every third of it until stop is called or ctx
// ends. Renewal errors go to onError (which may be nil); the lease then runs
// out by itself.
func (lk *Lock) KeepAlive(ctx context.Context, onError func(error)) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(lk.req.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := lk.Renew(ctx); err != nil && ctx.Err() == nil && onError != nil {
					onError(err)
				}
			}
		}
	}()
	return func() { cancel(); <-done }
}
