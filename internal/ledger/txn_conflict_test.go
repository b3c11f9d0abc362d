package ledger_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// conflicts stands between the ledger and the emulator and cancels
// transactions as DynamoDB does when another transaction is writing one of
// their items: TransactionCanceledException, TransactionConflict for the
// first item and None for the others. moto runs one request at a time and
// never answers so. Test set-up only.
type conflicts struct {
	mu      sync.Mutex
	left    int // transactions still to cancel; -1: every one
	seen    int // transactions that reached the proxy
	applied int // transactions passed on to the emulator
}

func (c *conflicts) ServeHTTP(w http.ResponseWriter, r *http.Request, next http.Handler) {
	if !strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".TransactWriteItems") {
		next.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	c.mu.Lock()
	c.seen++
	cancel := c.left != 0
	if c.left > 0 {
		c.left--
	}
	if !cancel {
		c.applied++
	}
	c.mu.Unlock()
	if !cancel {
		next.ServeHTTP(w, r)
		return
	}
	var in struct{ TransactItems []json.RawMessage }
	_ = json.Unmarshal(body, &in)
	reasons := make([]map[string]string, len(in.TransactItems))
	codes := make([]string, len(in.TransactItems))
	for i := range reasons {
		reasons[i], codes[i] = map[string]string{"Code": "None"}, "None"
	}
	reasons[0] = map[string]string{"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}
	codes[0] = "TransactionConflict"
	out, _ := json.Marshal(map[string]any{
		"__type":              "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
		"Message":             fmt.Sprintf("Transaction cancelled, please refer cancellation reasons for specific reasons [%s]", strings.Join(codes, ", ")),
		"CancellationReasons": reasons,
	})
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE(out)), 10))
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write(out)
}

func (c *conflicts) counts() (seen, applied int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seen, c.applied
}

func (c *conflicts) cancelNext(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.left, c.seen, c.applied = n, 0, 0
}

// newConflictingLedger is a ledger whose transactions go through a
// conflicts proxy, and one that reaches the same table directly.
func newConflictingLedger(t *testing.T) (*ledger.Ledger, *ledger.Ledger, *conflicts) {
	t.Helper()
	ctx := context.Background()
	s := emulator.Shared(t)
	cfg, err := s.AccountConfig(ctx, emulator.NewAccountID())
	if err != nil {
		t.Fatal(err)
	}
	db := dynamodb.NewFromConfig(cfg)
	if err := ledger.CreateTable(ctx, db, ledger.DefaultTable); err != nil {
		t.Fatal(err)
	}
	target, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	c := &conflicts{}
	next := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { c.ServeHTTP(w, r, next) }))
	t.Cleanup(srv.Close)
	viaProxy := cfg.Copy()
	viaProxy.BaseEndpoint = aws.String(srv.URL)
	return ledger.New(dynamodb.NewFromConfig(viaProxy), ledger.DefaultTable, emulator.Region), ledger.New(db, ledger.DefaultTable, emulator.Region), c
}

// A transaction that DynamoDB cancels because another one was writing the
// same item is sent again (the SDK does not retry a cancellation), for the
// opening and for the ending alike; one that keeps conflicting fails after
// a bounded number of attempts and records nothing.
func TestTransactionsTryAConflictAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, direct, c := newConflictingLedger(t)

	c.cancelNext(2)
	lk, _, err := l.OpenChange(ctx, opening("arn:alice", nil, ledger.KindCutoverStarted))
	if err != nil {
		t.Fatalf("opening after two conflicts: %v", err)
	}
	if seen, applied := c.counts(); seen != 3 || applied != 1 {
		t.Fatalf("opening: %d transactions sent, %d applied; want 3 and 1", seen, applied)
	}
	wantKinds(t, direct, ledger.KindCutoverStarted)
	if _, err := direct.AcquireLock(ctx, lockReq("arn:bob")); err == nil {
		t.Fatal("the opening did not take the lock")
	}

	c.cancelNext(1)
	rec := lk.ReleaseWith(ctx, ledger.Writes{Events: []ledger.Event{{Environment: "shop/prod", Service: "api", Kind: ledger.KindCutoverCompleted, Actor: "arn:alice"}}})
	if rec.Err != nil || rec.Lock != nil || len(rec.Events) != 1 {
		t.Fatalf("ending after a conflict: %+v", rec)
	}
	if seen, applied := c.counts(); seen != 2 || applied != 1 {
		t.Fatalf("ending: %d transactions sent, %d applied; want 2 and 1", seen, applied)
	}
	wantKinds(t, direct, ledger.KindCutoverStarted, ledger.KindCutoverCompleted)
	bob, err := direct.AcquireLock(ctx, lockReq("arn:bob"))
	if err != nil {
		t.Fatalf("the ending did not release the lock: %v", err)
	}
	if err := bob.Release(ctx); err != nil {
		t.Fatal(err)
	}

	c.cancelNext(-1)
	_, _, err = l.OpenChange(ctx, opening("arn:carol", nil, ledger.KindCutoverStarted))
	if err == nil || !strings.Contains(err.Error(), "gave up after 5 attempts") {
		t.Fatalf("opening that always conflicts: %v, want it to give up after 5 attempts", err)
	}
	var held *ledger.LockHeldError
	if errors.As(err, &held) {
		t.Fatalf("a conflict reported as a held lock: %v", err)
	}
	wantKinds(t, direct, ledger.KindCutoverStarted, ledger.KindCutoverCompleted)
}
