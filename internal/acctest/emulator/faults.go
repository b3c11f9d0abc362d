package emulator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// FaultKind names what a FaultProxy did to a request.
type FaultKind string

// The faults a FaultProxy injects.
const (
	// FaultServerError answers HTTP 500 or 503 with an InternalFailure or
	// ServiceUnavailable error in the service's protocol, without
	// forwarding.
	FaultServerError FaultKind = "5xx"
	// FaultThrottle answers the service's throttling error (HTTP 400
	// ThrottlingException / Throttling, HTTP 429 TooManyRequestsException
	// for Lambda), without forwarding.
	FaultThrottle FaultKind = "throttle"
	// FaultResetBefore closes the connection before the request reaches
	// the emulator: nothing happened.
	FaultResetBefore FaultKind = "reset-before"
	// FaultResetAfter forwards the request, lets the emulator apply it,
	// then closes the connection instead of answering: the change happened
	// but the caller does not know. A retry must be safe against that.
	FaultResetAfter FaultKind = "reset-after"
	// FaultLatency delays the request by up to MaxLatency, then forwards it.
	FaultLatency FaultKind = "latency"
)

// AllFaults lists every kind, in the order a FaultProxy draws from by default.
var AllFaults = []FaultKind{FaultServerError, FaultThrottle, FaultResetBefore, FaultResetAfter, FaultLatency}

// FaultOptions configure a FaultProxy.
type FaultOptions struct {
	// Rate is the share of requests (0..1) that get a fault.
	Rate float64
	// Seed makes the proxy's choices deterministic: the same seed gives
	// the same sequence of decisions for the same sequence of requests.
	Seed int64
	// Kinds are the faults drawn from, evenly. Default AllFaults.
	Kinds []FaultKind
	// MaxLatency bounds a FaultLatency delay. Default 500ms.
	MaxLatency time.Duration
	// Exclude, when it returns true, lets a request through untouched and
	// uncounted, e.g. a test's own checker client (see ExcludeAppID).
	Exclude func(*http.Request) bool
	// Rewrite, when set, gets every successful answer of the emulator with
	// the API action it answers ("DescribeServices") and returns the body
	// the client reads instead: how a test simulates an AWS behaviour moto
	// lacks (see rewrite.go). It applies to excluded requests too.
	Rewrite func(action string, body []byte) []byte
	// Refuse, when set, gets every request (excluded ones too) and, where
	// it returns a message, answers AccessDenied with it instead of
	// forwarding: how a test simulates an IAM refusal, which moto never
	// makes (see refuse.go).
	Refuse func(r *http.Request) string
}

// ExcludeAppID excludes requests of SDK clients configured with app ID id
// (aws.Config.AppID), which the SDK writes into the User-Agent as "app/<id>",
// with characters a user agent may not carry replaced by '-'.
func ExcludeAppID(id string) func(*http.Request) bool {
	return func(r *http.Request) bool {
		return (Call{UserAgent: r.Header.Get("User-Agent")}).AppID() == sanitizeAppID(id)
	}
}

func sanitizeAppID(id string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", r) {
			return r
		}
		return '-'
	}, id)
}

// FaultProxy is a reverse proxy in front of the emulator that injects
// faults into a share of the requests it forwards. Point the client under
// test at URL; clients that must see the truth use the emulator directly.
type FaultProxy struct {
	URL string

	opts  FaultOptions
	rate  atomic.Uint64 // math.Float64bits of the rate; changed by SetRate
	srv   *http.Server
	ln    net.Listener
	proxy *httputil.ReverseProxy

	mu       sync.Mutex
	rng      *rand.Rand
	counts   map[FaultKind]int
	requests int
	queued   []FaultKind
}

type faultKey struct{}

// errLoseAnswer makes the reverse proxy drop an answer it already has.
var errLoseAnswer = errors.New("fault proxy: answer dropped")

// StartFaultProxy listens on a free loopback port and forwards to target
// (the emulator's URL). Close it when done.
func StartFaultProxy(target string, opts FaultOptions) (*FaultProxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("fault proxy target %q: %w", target, err)
	}
	if len(opts.Kinds) == 0 {
		opts.Kinds = AllFaults
	}
	if opts.MaxLatency <= 0 {
		opts.MaxLatency = 500 * time.Millisecond
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("fault proxy: %w", err)
	}
	p := &FaultProxy{
		URL: "http://" + ln.Addr().String(), opts: opts, ln: ln,
		rng: rand.New(rand.NewSource(opts.Seed)), counts: map[FaultKind]int{},
	}
	p.SetRate(opts.Rate)
	p.proxy = httputil.NewSingleHostReverseProxy(u)
	p.proxy.ModifyResponse = func(resp *http.Response) error {
		if resp.Request.Context().Value(faultKey{}) == FaultResetAfter {
			// The emulator has applied the request; throw its answer away.
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return errLoseAnswer
		}
		if err := fixLambdaConflict(resp); err != nil {
			return err
		}
		return p.rewrite(resp)
	}
	p.proxy.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
		if errors.Is(err, errLoseAnswer) {
			resetConnection(w)
			return
		}
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprintf(w, "fault proxy: forwarding to the emulator: %v", err)
	}
	p.srv = &http.Server{Handler: http.HandlerFunc(p.serve), ReadHeaderTimeout: 30 * time.Second}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// SetRate changes the share of requests that get a fault, e.g. 0 to let a
// follow-up apply run clean.
func (p *FaultProxy) SetRate(rate float64) {
	p.rate.Store(uint64(rate * 1e9))
}

func (p *FaultProxy) currentRate() float64 { return float64(p.rate.Load()) / 1e9 }

// Inject queues faults for the next requests, one each, in order, ahead of
// the random ones: a unit test's way to lose exactly the answer it means to.
func (p *FaultProxy) Inject(kinds ...FaultKind) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.queued = append(p.queued, kinds...)
}

// Close stops the proxy.
func (p *FaultProxy) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.srv.Shutdown(ctx); err != nil {
		return p.srv.Close()
	}
	return nil
}

// Counts is how many faults of each kind the proxy injected so far.
func (p *FaultProxy) Counts() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]int, len(p.counts))
	for k, n := range p.counts {
		out[string(k)] = n
	}
	return out
}

// Requests is how many requests (not excluded) the proxy has seen.
func (p *FaultProxy) Requests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests
}

// String summarises the counts, e.g. "120 requests, faults: 5xx=3 throttle=2".
func (p *FaultProxy) String() string {
	c := p.Counts()
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, c[k])
	}
	return fmt.Sprintf("%d requests, faults: %s", p.Requests(), strings.Join(parts, " "))
}

// decide draws the fault of one request ("" for none) and, for latency, its
// delay. Draws happen in request order under a lock, so a seed replays.
func (p *FaultProxy) decide() (FaultKind, time.Duration, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests++
	var kind FaultKind
	if len(p.queued) > 0 {
		kind, p.queued = p.queued[0], p.queued[1:]
	} else {
		if p.rng.Float64() >= p.currentRate() {
			return "", 0, 0
		}
		kind = p.opts.Kinds[p.rng.Intn(len(p.opts.Kinds))]
	}
	p.counts[kind]++
	var delay time.Duration
	status := 0
	switch kind {
	case FaultLatency:
		delay = time.Duration(p.rng.Int63n(int64(p.opts.MaxLatency))) + 1
	case FaultServerError:
		status = []int{http.StatusInternalServerError, http.StatusServiceUnavailable}[p.rng.Intn(2)]
	}
	return kind, delay, status
}

func (p *FaultProxy) serve(w http.ResponseWriter, r *http.Request) {
	r = withAction(r)
	if p.refused(w, r) {
		return
	}
	if p.opts.Exclude != nil && p.opts.Exclude(r) || strings.HasPrefix(r.URL.Path, "/moto-api/") {
		p.proxy.ServeHTTP(w, r)
		return
	}
	kind, delay, status := p.decide()
	switch kind {
	case FaultServerError:
		writeServiceError(w, r, status)
	case FaultThrottle:
		writeServiceError(w, r, http.StatusTooManyRequests)
	case FaultResetBefore:
		resetConnection(w)
	case FaultResetAfter:
		p.proxy.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), faultKey{}, FaultResetAfter)))
	case FaultLatency:
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		p.proxy.ServeHTTP(w, r)
	default:
		p.proxy.ServeHTTP(w, r)
	}
}

// resetConnection closes the client's connection without an answer, with a
// TCP reset where possible (what a load balancer or NAT dropping it does).
func resetConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	conn.Close()
}

// protocol is how a service encodes its errors.
type protocol int

const (
	protoQuery    protocol = iota // ELBv2, CloudWatch (query), STS, SNS, EC2, IAM: XML ErrorResponse
	protoJSON                     // DynamoDB, SSM, ECS (X-Amz-Target): {"__type": ...}
	protoRESTJSON                 // Lambda: X-Amzn-ErrorType header + JSON body
	protoRESTXML                  // Route 53: XML ErrorResponse
)

// signingService is the SigV4 signing name of a request ("monitoring" for
// CloudWatch, "elasticloadbalancing" for ELBv2), "" if unsigned.
func signingService(r *http.Request) string {
	if m := credentialPattern.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		return m[2]
	}
	return ""
}

func protocolOf(r *http.Request) protocol {
	if r.Header.Get("X-Amz-Target") != "" {
		return protoJSON
	}
	switch signingService(r) {
	case "lambda":
		return protoRESTJSON
	case "route53":
		return protoRESTXML
	}
	return protoQuery
}

// writeServiceError answers what the service itself answers when it is
// throttling (status 429 here stands for "throttle") or failing, in the
// shape the service's SDK client parses: aws-sdk-go-v2 retries these codes
// (retry.DefaultThrottleErrorCodes, DefaultRetryableHTTPStatusCodes).
func writeServiceError(w http.ResponseWriter, r *http.Request, status int) {
	proto := protocolOf(r)
	code, msg := "", ""
	switch status {
	case http.StatusTooManyRequests:
		msg = "Rate exceeded (injected by the golive fault proxy)"
		switch proto {
		case protoJSON:
			code, status = "ThrottlingException", http.StatusBadRequest
		case protoRESTJSON:
			code = "TooManyRequestsException" // Lambda answers 429
		default:
			code, status = "Throttling", http.StatusBadRequest
		}
	case http.StatusServiceUnavailable:
		code, msg = "ServiceUnavailable", "Service unavailable (injected by the golive fault proxy)"
	default:
		code, msg = "InternalFailure", "Internal failure (injected by the golive fault proxy)"
		if proto == protoRESTJSON {
			code = "ServiceException"
		}
	}
	_, _ = io.Copy(io.Discard, r.Body)
	h := w.Header()
	h.Set("X-Amzn-RequestId", "golive-fault-proxy")
	switch proto {
	case protoJSON:
		ct := r.Header.Get("Content-Type")
		if ct == "" {
			ct = "application/x-amz-json-1.1"
		}
		h.Set("Content-Type", ct)
		h.Set("X-Amzn-ErrorType", code)
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"__type":%q,"message":%q}`, code, msg)
	case protoRESTJSON:
		h.Set("Content-Type", "application/json")
		h.Set("X-Amzn-ErrorType", code)
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"Type":"Service","message":%q}`, msg)
	default:
		h.Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		typ := "Receiver"
		if status < 500 {
			typ = "Sender"
		}
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>golive-fault-proxy</RequestId></ErrorResponse>`,
			typ, code, msg)
	}
}

// fixLambdaConflict works around a moto bug: Lambda answers a conflict (an
// alias that exists) with ConflictException where AWS sends
// ResourceConflictException, the code golive's router looks for. The proxy
// gives the SDK what AWS would, so product code needs no moto case.
func fixLambdaConflict(resp *http.Response) error {
	if resp.StatusCode != http.StatusConflict || !strings.HasPrefix(resp.Request.URL.Path, "/2015-03-31/functions/") {
		return nil
	}
	if t := resp.Header.Get("X-Amzn-Errortype"); strings.HasPrefix(t, "ConflictException") {
		resp.Header.Set("X-Amzn-Errortype", "Resource"+t)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	body = bytes.ReplaceAll(body, []byte(`"ConflictException"`), []byte(`"ResourceConflictException"`))
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return nil
}
