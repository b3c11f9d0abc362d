package oncall

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// UnlockRequest is a break-glass release of one service's lock.
type UnlockRequest struct {
	Environment string // "<app>/<env>"
	Service     string
	Reason      string
	// Force releases a lock whose holder's lease still runs.
	Force bool
}

// Unlocked is what `golive unlock` released and recorded.
type Unlocked struct {
	Target       string    `json:"target"`
	Holder       string    `json:"holder"`
	Operation    string    `json:"operation"`
	Since        time.Time `json:"since"`
	Expires      time.Time `json:"expires"`
	LeaseExpired bool      `json:"lease_expired"`
	Forced       bool      `json:"forced"`
	Actor        string    `json:"actor"`
	Reason       string    `json:"reason"`
	EventID      string    `json:"event_id"`
}

// HolderLiveError refuses to release a lock whose lease still runs.
type HolderLiveError struct {
	Lock ledger.LockInfo
	Left time.Duration
}

func (e *HolderLiveError) Error() string {
	return fmt.Sprintf("not releasing the lock of %s: %s holds it (%s) since %s and its lease runs until %s (%s left), so that run may still be at work. "+
		"Wait for the lease to expire (a crashed holder stops renewing it), or, if you know the holder is gone (its CI job cancelled, its runner lost), run again with --force",
		e.Lock.Target(), e.Lock.Holder, e.Lock.Operation, stamp(e.Lock.Since), stamp(e.Lock.Expires), e.Left.Round(time.Second))
}

// ErrNoReason is returned when an unlock gives no reason.
var ErrNoReason = errors.New("--reason is required: say why the lock is released (an incident, the cancelled job), it is recorded in the ledger")

// Unlock releases the lock of req's service and records who did it and
// why, in one ledger transaction. It refuses a live holder unless forced.
func Unlock(ctx context.Context, s *Session, req UnlockRequest) (*Unlocked, error) {
	if strings.TrimSpace(req.Reason) == "" {
		return nil, ErrNoReason
	}
	target := req.Environment + "/" + req.Service
	info, err := s.Ledger.ReadLock(ctx, req.Environment, req.Service)
	if errors.Is(err, ledger.ErrNotFound) {
		return nil, fmt.Errorf("no lock is held on %s: nothing to release", target)
	}
	if err != nil {
		return nil, err
	}
	now := s.Now()
	live := info.Live(now)
	if live && !req.Force {
		return nil, &HolderLiveError{Lock: *info, Left: info.Expires.Sub(now)}
	}
	who, err := s.AWS.CallerIdentity(ctx)
	if err != nil {
		return nil, fmt.Errorf("releasing the lock of %s: the ledger records who releases it: %w", target, err)
	}
	ev := unlockEvent(info, live, who.ARN, req.Reason)
	recorded, err := s.Ledger.BreakLock(ctx, info, live, ev)
	if errors.Is(err, ledger.ErrLockChanged) {
		return nil, fmt.Errorf("%w; run `golive status %s` to see who holds it now", err, req.Environment)
	}
	if err != nil {
		return nil, err
	}
	return &Unlocked{
		Target: target, Holder: info.Holder, Operation: info.Operation, Since: info.Since, Expires: info.Expires,
		LeaseExpired: !live, Forced: live, Actor: who.ARN, Reason: req.Reason, EventID: recorded.ID,
	}, nil
}

// unlockEvent is the ledger's record of a break-glass release.
func unlockEvent(info *ledger.LockInfo, live bool, actor, reason string) ledger.Event {
	outcome, lease := ledger.OutcomeReleased, "had expired at "+stamp(info.Expires)
	if live {
		outcome, lease = ledger.OutcomeForced, "still ran until "+stamp(info.Expires)+" (--force)"
	}
	return ledger.Event{
		Environment: info.Environment, Service: info.Service, Kind: ledger.KindLockBroken, Outcome: outcome,
		Actor: actor, Reason: reason,
		Detail: fmt.Sprintf("released the lock held by %s (%s) since %s; its lease %s", info.Holder, info.Operation, stamp(info.Since), lease),
	}
}

// WriteUnlocked renders u for a terminal.
func WriteUnlocked(w io.Writer, u *Unlocked) error {
	ew := &errWriter{w: w}
	how := "its lease had expired"
	if u.Forced {
		how = "forced: its lease still ran until " + stamp(u.Expires)
	}
	ew.printf("Released the lock of %s held by %s (%s) since %s; %s.\nRecorded as %s by %s, reason: %s\n",
		u.Target, u.Holder, u.Operation, stamp(u.Since), how, u.EventID, u.Actor, u.Reason)
	return ew.err
}
