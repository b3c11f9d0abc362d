package verify_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/verify"
)

// app is a test server; failFirst makes /warming answer 502 to that many
// requests before it answers 200.
func app(t *testing.T, failFirst int32) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var warming atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			fmt.Fprint(w, `{"status":"ok"}`)
		case "/down":
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `{"status":"ok"}`) // the status alone must fail it
		case "/degraded":
			fmt.Fprint(w, `{"status":"degraded"}`)
		case "/post-only":
			if r.Method != http.MethodPost {
				w.WriteHeader(http.StatusMethodNotAllowed)
			}
		case "/huge":
			// The match lies beyond the first MiB.
			fmt.Fprint(w, strings.Repeat("x", 1<<20), "ok")
		case "/big":
			fmt.Fprint(w, strings.Repeat("x", 1<<20-2), "ok", strings.Repeat("x", 1<<20))
		case "/slow":
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		case "/warming":
			if warming.Add(1) <= failFirst {
				w.WriteHeader(http.StatusBadGateway)
			}
		case "/never":
			w.WriteHeader(http.StatusInternalServerError)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &warming
}

func TestHTTPCheck(t *testing.T) {
	t.Parallel()
	srv, _ := app(t, 0)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	ok := regexp.MustCompile(`"status":"ok"`)
	tests := []struct {
		name  string
		check verify.HTTPCheck
		want  string // the whole error after "http <method> <url>: "; "" passes
	}{
		{"healthy", verify.HTTPCheck{URL: srv.URL + "/ok"}, ""},
		{"healthy body", verify.HTTPCheck{URL: srv.URL + "/ok", BodyRegex: ok}, ""},
		{"wrong status", verify.HTTPCheck{URL: srv.URL + "/down", BodyRegex: ok}, "got HTTP 503, want 200"},
		{"expected status", verify.HTTPCheck{URL: srv.URL + "/down", ExpectStatus: 503}, ""},
		{"unexpected 200", verify.HTTPCheck{URL: srv.URL + "/ok", ExpectStatus: 204}, "got HTTP 200, want 204"},
		{"body mismatch", verify.HTTPCheck{URL: srv.URL + "/degraded", BodyRegex: ok}, `body does not match /"status":"ok"/`},
		{"method", verify.HTTPCheck{URL: srv.URL + "/post-only", Method: http.MethodPost}, ""},
		{"default method GET", verify.HTTPCheck{URL: srv.URL + "/post-only"}, "got HTTP 405, want 200"},
		{"match within 1 MiB", verify.HTTPCheck{URL: srv.URL + "/big", BodyRegex: regexp.MustCompile(`ok`)}, ""},
		{"match beyond 1 MiB", verify.HTTPCheck{URL: srv.URL + "/huge", BodyRegex: regexp.MustCompile(`ok`)}, "body does not match /ok/"},
		{"timeout", verify.HTTPCheck{URL: srv.URL + "/slow", Timeout: 200 * time.Millisecond},
			fmt.Sprintf(`no response within 200ms: Get "%s/slow": context deadline exceeded`, srv.URL)},
		{"connection refused", verify.HTTPCheck{URL: closed.URL + "/x"}, "connect: connection refused"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			err := tc.check.Check(context.Background())
			if took := time.Since(start); took > 2*time.Second {
				t.Fatalf("Check took %s", took)
			}
			prefix := tc.check.Name() + ": "
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("want a pass, got %v", err)
			case tc.want == "":
			case err == nil:
				t.Fatalf("passed, want %q", tc.want)
			case tc.name == "connection refused" && strings.HasPrefix(err.Error(), prefix) && strings.HasSuffix(err.Error(), tc.want):
			case err.Error() != prefix+tc.want:
				t.Fatalf("got  %v\nwant %s", err, prefix+tc.want)
			}
		})
	}
}

func TestHTTPCheck_name(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		check verify.HTTPCheck
		want  string
	}{
		{verify.HTTPCheck{URL: "https://shop.example.com/healthz"}, "http GET https://shop.example.com/healthz"},
		{verify.HTTPCheck{URL: "https://shop.example.com/", Method: "HEAD"}, "http HEAD https://shop.example.com/"},
	} {
		if got := tc.check.Name(); got != tc.want {
			t.Errorf("Name() = %q, want %q", got, tc.want)
		}
	}
}

// roundTripFunc lets a test see the requests an http.Client makes.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestHTTPCheck_usesClient(t *testing.T) {
	t.Parallel()
	srv, _ := app(t, 0)
	var seen []string
	client := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		seen = append(seen, r.Method+" "+r.URL.Path+" "+r.Header.Get("User-Agent"))
		return http.DefaultTransport.RoundTrip(r)
	})}
	if err := (&verify.HTTPCheck{URL: srv.URL + "/ok", Client: client}).Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if strings.Join(seen, ",") != "GET /ok golive-verify" {
		t.Fatalf("requests through the client: %q", seen)
	}
}

func TestHTTPCheck_callerContext(t *testing.T) {
	t.Parallel()
	srv, _ := app(t, 0)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	err := (&verify.HTTPCheck{URL: srv.URL + "/slow"}).Check(ctx)
	if !errors.Is(err, context.Canceled) || strings.Contains(err.Error(), "no response within") {
		t.Fatalf("cancelled check: %v", err)
	}
}

// lines collects progress lines.
type lines struct {
	mu sync.Mutex
	l  []string
}

func (l *lines) add(s string) { l.mu.Lock(); l.l = append(l.l, s); l.mu.Unlock() }
func (l *lines) get() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.l...)
}

func TestUntil_becomesHealthy(t *testing.T) {
	t.Parallel()
	srv, calls := app(t, 2)
	var progress lines
	check := &verify.HTTPCheck{URL: srv.URL + "/warming"}
	if err := verify.Until(context.Background(), check, 10*time.Millisecond, 3, 5*time.Second, progress.add); err != nil {
		t.Fatalf("Until: %v", err)
	}
	if n := calls.Load(); n != 5 {
		t.Fatalf("%d requests, want 2 failures then 3 passes", n)
	}
	name := "http GET " + srv.URL + "/warming: "
	want := []string{
		name + "attempt 1: got HTTP 502, want 200",
		name + "attempt 2: got HTTP 502, want 200",
		name + "attempt 3: healthy (1 of 3 in a row)",
		name + "attempt 4: healthy (2 of 3 in a row)",
		name + "attempt 5: healthy (3 of 3 in a row)",
	}
	if got := progress.get(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("progress:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// flaky fails on the calls listed.
type flaky struct {
	calls int
	fail  map[int]bool
}

func (f *flaky) Name() string { return "flaky" }
func (f *flaky) Check(context.Context) error {
	f.calls++
	if f.fail[f.calls] {
		return fmt.Errorf("flaky: failure %d", f.calls)
	}
	return nil
}

func TestUntil_failureResetsStreak(t *testing.T) {
	t.Parallel()
	g := &flaky{fail: map[int]bool{2: true, 4: true}}
	if err := verify.Until(context.Background(), g, time.Millisecond, 2, 5*time.Second, nil); err != nil {
		t.Fatal(err)
	}
	// pass, FAIL, pass, FAIL, pass, pass
	if g.calls != 6 {
		t.Fatalf("%d checks, want 6", g.calls)
	}
}

func TestUntil_neverHealthy(t *testing.T) {
	t.Parallel()
	srv, _ := app(t, 0)
	start := time.Now()
	err := verify.Until(context.Background(), &verify.HTTPCheck{URL: srv.URL + "/never"}, 20*time.Millisecond, 1, 300*time.Millisecond, nil)
	took := time.Since(start)
	wantErr(t, err, "http GET "+srv.URL+"/never: not healthy after 300ms: got HTTP 500, want 200")
	if took > time.Second {
		t.Fatalf("gave up after %s, want about 300ms", took)
	}
	var notHealthy interface{ Unwrap() error }
	if !errors.As(err, &notHealthy) || !strings.HasSuffix(notHealthy.Unwrap().Error(), "/never: got HTTP 500, want 200") {
		t.Fatalf("does not wrap the last failure: %v", err)
	}
}

func TestUntil_notEnoughPasses(t *testing.T) {
	t.Parallel()
	g := &flaky{}
	err := verify.Until(context.Background(), g, 100*time.Millisecond, 100, 250*time.Millisecond, nil)
	// About 3 attempts fit in 250ms; the count depends on the scheduler.
	if g.calls < 2 || g.calls > 3 {
		t.Fatalf("%d checks in 250ms at a 100ms interval", g.calls)
	}
	wantErr(t, err, fmt.Sprintf("flaky: not healthy after 250ms: only %d of 100 consecutive passes", g.calls))
}

func TestUntil_timeoutBoundsASlowCheck(t *testing.T) {
	t.Parallel()
	srv, _ := app(t, 0)
	start := time.Now()
	// The request's own limit (10s) is longer than Until's.
	err := verify.Until(context.Background(), &verify.HTTPCheck{URL: srv.URL + "/slow", Timeout: 10 * time.Second}, time.Second, 1, 300*time.Millisecond, nil)
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("Until returned after %s, want about 300ms", took)
	}
	if err == nil || !strings.HasPrefix(err.Error(), "http GET "+srv.URL+"/slow: not healthy after 300ms: ") || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("slow check: %v", err)
	}
}

func TestUntil_cancelled(t *testing.T) {
	t.Parallel()
	srv, _ := app(t, 0)
	check := &verify.HTTPCheck{URL: srv.URL + "/never"}

	t.Run("before the first attempt", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := verify.Until(ctx, check, time.Second, 1, time.Minute, nil)
		wantErr(t, err, "http GET "+srv.URL+"/never: interrupted at attempt 1: context canceled")
		g := &flaky{}
		if err := verify.Until(ctx, g, time.Second, 1, time.Minute, nil); !errors.Is(err, context.Canceled) || g.calls != 0 {
			t.Fatalf("cancelled before the first attempt: %v after %d checks", err, g.calls)
		}
	})
	t.Run("while waiting", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancelCause(context.Background())
		stop := errors.New("apply interrupted")
		var progress lines
		time.AfterFunc(200*time.Millisecond, func() { cancel(stop) })
		start := time.Now()
		// An Until that slept through the cancellation would take 5s.
		err := verify.Until(ctx, check, 5*time.Second, 1, time.Minute, progress.add)
		if took := time.Since(start); took > 2*time.Second {
			t.Fatalf("returned %s after cancellation", took)
		}
		if !errors.Is(err, stop) || !strings.Contains(err.Error(), "interrupted at attempt 2: apply interrupted") || len(progress.get()) != 1 {
			t.Fatalf("cancelled while waiting: %v; progress %q", err, progress.get())
		}
	})
	t.Run("during a check", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(200*time.Millisecond, cancel)
		err := verify.Until(ctx, &verify.HTTPCheck{URL: srv.URL + "/slow", Timeout: time.Minute}, time.Second, 1, time.Hour, nil)
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "interrupted at attempt 1") {
			t.Fatalf("cancelled during a check: %v", err)
		}
	})
}
