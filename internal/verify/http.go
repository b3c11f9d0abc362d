package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

var _ rollout.Gate = (*HTTPCheck)(nil)

// HTTPCheck requests a URL and compares the status and, optionally, the body.
// The zero values of Method, ExpectStatus, Timeout and Client are defaults.
type HTTPCheck struct {
	URL          string
	Method       string // default GET
	ExpectStatus int    // default 200
	// BodyRegex, when set, must match the first MiB of the body.
	BodyRegex *regexp.Regexp
	Timeout   time.Duration // per request, default 5s
	// Client defaults to http.DefaultClient, which follows redirects.
	Client *http.Client
}

// maxBody bounds how much of a response is read.
const maxBody = 1 << 20

const defaultHTTPTimeout = 5 * time.Second

func (h *HTTPCheck) method() string {
	if h.Method == "" {
		return http.MethodGet
	}
	return h.Method
}

// Name is `http GET <url>`.
func (h *HTTPCheck) Name() string { return fmt.Sprintf("http %s %s", h.method(), h.URL) }

// Check makes one request. Its error names the check and says what differed:
// `http GET <url>: got HTTP 503, want 200`.
func (h *HTTPCheck) Check(ctx context.Context) error {
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = defaultHTTPTimeout
	}
	want := h.ExpectStatus
	if want == 0 {
		want = http.StatusOK
	}
	client := h.Client
	if client == nil {
		client = http.DefaultClient
	}
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// timedOut tells our own per-request limit from the caller's context.
	timedOut := func(err error) error {
		if ctx.Err() == nil && errors.Is(rctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("%s: no response within %s: %w", h.Name(), rollout.ShortDuration(timeout), err)
		}
		return fmt.Errorf("%s: %w", h.Name(), err)
	}
	req, err := http.NewRequestWithContext(rctx, h.method(), h.URL, http.NoBody)
	if err != nil {
		return fmt.Errorf("%s: %w", h.Name(), err)
	}
	req.Header.Set("User-Agent", "golive-verify")
	resp, err := client.Do(req)
	if err != nil {
		return timedOut(err)
	}
	defer resp.Body.Close()
	body := io.LimitReader(resp.Body, maxBody)
	if resp.StatusCode != want {
		return fmt.Errorf("%s: got HTTP %d, want %d", h.Name(), resp.StatusCode, want)
	}
	if h.BodyRegex == nil {
		// Reading the (bounded) rest lets the connection be reused.
		_, _ = io.Copy(io.Discard, body)
		return nil
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return timedOut(fmt.Errorf("reading the body: %w", err))
	}
	if !h.BodyRegex.Match(b) {
		return fmt.Errorf("%s: body does not match /%s/", h.Name(), h.BodyRegex)
	}
	return nil
}

// Until polls g every interval until it passes `successes` times in a row
// (nil), or until timeout has passed, returning an error that wraps the last
// failure: `http GET <url>: not healthy after 2m: got HTTP 503, want 200`.
// No check runs past the timeout. When ctx ends, Until returns at once with
// an error wrapping ctx's cause. progress, if not nil, gets one line per
// attempt. successes below 1 count as 1; an interval of 0 or less as 1s.
func Until(ctx context.Context, g rollout.Gate, interval time.Duration, successes int, timeout time.Duration, progress func(string)) error {
	if successes < 1 {
		successes = 1
	}
	if interval <= 0 {
		interval = time.Second
	}
	report := func(format string, args ...any) {
		if progress != nil {
			progress(g.Name() + ": " + fmt.Sprintf(format, args...))
		}
	}
	deadline := time.Now().Add(timeout)
	dctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	streak := 0
	var last error
	interrupted := func(attempt int) error {
		return fmt.Errorf("%s: interrupted at attempt %d: %w", g.Name(), attempt, context.Cause(ctx))
	}
	for attempt := 1; ; attempt++ {
		if ctx.Err() != nil {
			return interrupted(attempt)
		}
		err := g.Check(dctx)
		if ctx.Err() != nil {
			return interrupted(attempt)
		}
		switch {
		case err == nil:
			streak++
			report("attempt %d: healthy (%d of %d in a row)", attempt, streak, successes)
			if streak >= successes {
				return nil
			}
		case dctx.Err() != nil && last != nil:
			// The deadline cut this check short; the previous failure says more.
		default:
			streak, last = 0, err
			report("attempt %d: %s", attempt, trimName(g, err))
		}
		// Waiting would only end in the deadline: report now.
		if dctx.Err() != nil || time.Until(deadline) < interval {
			return &notHealthyError{gate: g, timeout: timeout, last: last, streak: streak, successes: successes}
		}
		t := time.NewTimer(interval)
		select {
		case <-dctx.Done():
			t.Stop()
			if ctx.Err() != nil {
				return interrupted(attempt + 1)
			}
			return &notHealthyError{gate: g, timeout: timeout, last: last, streak: streak, successes: successes}
		case <-t.C:
		}
	}
}

// notHealthyError is Until's timeout; it unwraps to the last failure.
type notHealthyError struct {
	gate              rollout.Gate
	timeout           time.Duration
	last              error
	streak, successes int
}

func (e *notHealthyError) Error() string {
	why := fmt.Sprintf("only %d of %d consecutive passes", e.streak, e.successes)
	if e.last != nil {
		why = trimName(e.gate, e.last)
	}
	return fmt.Sprintf("%s: not healthy after %s: %s", e.gate.Name(), rollout.ShortDuration(e.timeout), why)
}

func (e *notHealthyError) Unwrap() error { return e.last }

// trimName drops the gate's name from the front of its error, where Until
// already puts it.
func trimName(g rollout.Gate, err error) string {
	return strings.TrimPrefix(err.Error(), g.Name()+": ")
}
