package verify

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

// HTTPCheck requests a URL and compares status and body.
type HTTPCheck struct {
	URL          string
	Method       string // default GET
	ExpectStatus int    // default 200
	BodyRegex    *regexp.Regexp
	Timeout      time.Duration // per request, default 5s
	Client       *http.Client
}

// maxBody bounds how much of a response is read for BodyRegex.
const maxBody = 1 << 20

func (h *HTTPCheck) method() string {
	if h.Method == "" {
		return http.MethodGet
	}
	return h.Method
}

func (h *HTTPCheck) Name() string { return fmt.Sprintf("http %s %s", h.method(), h.URL) }

func (h *HTTPCheck) Check(ctx context.Context) error {
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	want := h.ExpectStatus
	if want == 0 {
		want = http.StatusOK
	}
	client := h.Client
	if client == nil {
		client = http.DefaultClient
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, h.method(), h.URL, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", h.Name(), err)
	}
	req.Header.Set("User-Agent", "golive-verify")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", h.Name(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return fmt.Errorf("%s: reading the body: %w", h.Name(), err)
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s: got HTTP %d, want %d", h.Name(), resp.StatusCode, want)
	}
	if h.BodyRegex != nil && !h.BodyRegex.Match(body) {
		return fmt.Errorf("%s: body does not match /%s/", h.Name(), h.BodyRegex)
	}
	return nil
}

// Until polls g every interval until it passes `successes` times in a row,
// or fails with the last problem once timeout has passed.
func Until(ctx context.Context, g rollout.Gate, interval time.Duration, successes int, timeout time.Duration, progress func(string)) error {
	if successes < 1 {
		successes = 1
	}
	deadline := time.Now().Add(timeout)
	streak := 0
	var last error
	for attempt := 1; ; attempt++ {
		err := g.Check(ctx)
		if err == nil {
			streak++
			report(progress, fmt.Sprintf("%s: healthy (%d of %d in a row)", g.Name(), streak, successes))
			if streak >= successes {
				return nil
			}
		} else {
			streak, last = 0, err
			report(progress, fmt.Sprintf("%s: attempt %d: %v", g.Name(), attempt, err))
		}
		if time.Now().Add(interval).After(deadline) {
			if last == nil {
				last = fmt.Errorf("only %d of %d consecutive successes", streak, successes)
			}
			return fmt.Errorf("%s: not healthy after %s: %w", g.Name(), timeout, last)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", g.Name(), context.Cause(ctx))
		case <-time.After(interval):
		}
	}
}

func report(progress func(string), msg string) {
	if progress != nil {
		progress(msg)
	}
}
