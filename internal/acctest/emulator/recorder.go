package emulator

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Call is one AWS request the emulator's recorder saw.
type Call struct {
	// Service is the IAM service prefix, e.g. "dynamodb", "elasticloadbalancing",
	// "cloudwatch" (the SigV4 signing name, with monitoring renamed).
	Service string
	// Action is the API operation, e.g. "PutItem"; for a REST call the
	// recorder cannot name it is "<METHOD> <path>".
	Action string
	// AccessKey is the access key ID the request was signed with.
	AccessKey string
	// UserAgent is the request's User-Agent; SDK clients configured with an
	// app ID carry "app/<id>" in it.
	UserAgent string
}

// String is the call as an IAM action, e.g. "dynamodb:PutItem".
func (c Call) String() string { return c.Service + ":" + c.Action }

// AppID is the app ID in the call's user agent, "" without one. The SDK
// writes "app/<id>" and replaces characters a user agent may not carry
// (such as '/') by '-'.
func (c Call) AppID() string {
	for _, f := range strings.Fields(c.UserAgent) {
		if id, ok := strings.CutPrefix(f, "app/"); ok {
			return id
		}
	}
	return ""
}

// recordingMu makes recording windows of one test binary take turns: moto
// has one recorder per server, and a second window would reset or stop it.
var recordingMu sync.Mutex

// Recording is an open window of the emulator's request recorder.
type Recording struct {
	s    *Server
	once sync.Once
}

// StartRecording empties the server's recording and starts recording every
// request, of every account. It waits while another recording of this test
// binary is open. Close it with Stop.
func (s *Server) StartRecording() (*Recording, error) {
	recordingMu.Lock()
	for _, p := range []string{"/moto-api/recorder/stop-recording", "/moto-api/recorder/reset-recording", "/moto-api/recorder/start-recording"} {
		if err := s.post(p, ""); err != nil {
			recordingMu.Unlock()
			return nil, err
		}
	}
	return &Recording{s: s}, nil
}

// Stop ends the window and returns the calls recorded in it, in order.
// Calls after the first return nothing.
func (r *Recording) Stop() ([]Call, error) {
	var calls []Call
	var err error
	r.once.Do(func() {
		defer recordingMu.Unlock()
		if err = r.s.post("/moto-api/recorder/stop-recording", ""); err != nil {
			return
		}
		err = r.s.download(func(body io.Reader) error {
			var perr error
			calls, perr = parseRecording(body)
			return perr
		})
	})
	return calls, err
}

// download hands the emulator's recording to read.
func (s *Server) download(read func(io.Reader) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/moto-api/recorder/download-recording", http.NoBody)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("downloading the emulator's recording: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("downloading the emulator's recording: HTTP %d", resp.StatusCode)
	}
	return read(resp.Body)
}

// recordedRequest is one JSON line of moto's recording.
type recordedRequest struct {
	Headers     map[string]string `json:"headers"`
	Method      string            `json:"method"`
	URL         string            `json:"url"`
	Body        *string           `json:"body"`
	BodyEncoded bool              `json:"body_encoded"`
}

func parseRecording(r io.Reader) ([]Call, error) {
	var calls []Call
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var rr recordedRequest
		if err := json.Unmarshal([]byte(line), &rr); err != nil {
			return nil, fmt.Errorf("recording line %d: %w", n, err)
		}
		c, ok := rr.call()
		if ok {
			calls = append(calls, c)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading the emulator's recording: %w", err)
	}
	return calls, nil
}

var credentialPattern = regexp.MustCompile(`Credential=([^/]+)/[^/]+/[^/]+/([^/]+)/aws4_request`)

// call turns a recorded request into a Call; requests that are not signed
// AWS calls (the emulator's own API) are left out.
func (rr recordedRequest) call() (Call, bool) {
	h := map[string]string{}
	for k, v := range rr.Headers {
		h[strings.ToLower(k)] = v
	}
	m := credentialPattern.FindStringSubmatch(h["authorization"])
	if m == nil {
		return Call{}, false
	}
	c := Call{AccessKey: m[1], Service: m[2], UserAgent: h["user-agent"]}
	if c.Service == "monitoring" {
		c.Service = "cloudwatch"
	}
	u, err := url.Parse(rr.URL)
	if err != nil {
		u = &url.URL{Path: rr.URL}
	}
	switch {
	case h["x-amz-target"] != "":
		t := h["x-amz-target"]
		c.Action = t[strings.LastIndex(t, ".")+1:]
	case u.Query().Get("Action") != "":
		c.Action = u.Query().Get("Action")
	default:
		if form, err := url.ParseQuery(rr.body()); err == nil && form.Get("Action") != "" {
			c.Action = form.Get("Action")
		} else {
			c.Action = restAction(c.Service, rr.Method, u.Path)
		}
	}
	return c, true
}

func (rr recordedRequest) body() string {
	if rr.Body == nil {
		return ""
	}
	if !rr.BodyEncoded {
		return *rr.Body
	}
	b, err := base64.StdEncoding.DecodeString(*rr.Body)
	if err != nil {
		return ""
	}
	return string(b)
}

// restRoutes names the REST operations of Lambda and Route 53 that golive
// and its tests call; the others carry their action in the request.
var restRoutes = []struct {
	service, method string
	path            *regexp.Regexp
	action          string
}{
	{"lambda", "GET", regexp.MustCompile(`^/2015-03-31/functions/[^/]+/aliases/[^/]+$`), "GetAlias"},
	{"lambda", "PUT", regexp.MustCompile(`^/2015-03-31/functions/[^/]+/aliases/[^/]+$`), "UpdateAlias"},
	{"lambda", "DELETE", regexp.MustCompile(`^/2015-03-31/functions/[^/]+/aliases/[^/]+$`), "DeleteAlias"},
	{"lambda", "GET", regexp.MustCompile(`^/2015-03-31/functions/[^/]+/aliases/?$`), "ListAliases"},
	{"lambda", "POST", regexp.MustCompile(`^/2015-03-31/functions/[^/]+/aliases/?$`), "CreateAlias"},
	{"lambda", "GET", regexp.MustCompile(`^/2015-03-31/functions/[^/]+/configuration/?$`), "GetFunctionConfiguration"},
	{"lambda", "PUT", regexp.MustCompile(`^/2015-03-31/functions/[^/]+/configuration/?$`), "UpdateFunctionConfiguration"},
	{"lambda", "PUT", regexp.MustCompile(`^/2015-03-31/functions/[^/]+/code/?$`), "UpdateFunctionCode"},
	{"lambda", "GET", regexp.MustCompile(`^/2015-03-31/functions/[^/]+/versions/?$`), "ListVersionsByFunction"},
	{"lambda", "POST", regexp.MustCompile(`^/2015-03-31/functions/[^/]+/versions/?$`), "PublishVersion"},
	{"lambda", "POST", regexp.MustCompile(`^/2015-03-31/functions/[^/]+/invocations/?$`), "Invoke"},
	{"lambda", "GET", regexp.MustCompile(`^/2015-03-31/functions/[^/]+/?$`), "GetFunction"},
	{"lambda", "DELETE", regexp.MustCompile(`^/2015-03-31/functions/[^/]+/?$`), "DeleteFunction"},
	{"lambda", "POST", regexp.MustCompile(`^/2015-03-31/functions/?$`), "CreateFunction"},
	{"lambda", "GET", regexp.MustCompile(`^/2015-03-31/functions/?$`), "ListFunctions"},
	{"route53", "GET", regexp.MustCompile(`^/2013-04-01/hostedzone/[^/]+/rrset/?$`), "ListResourceRecordSets"},
	{"route53", "POST", regexp.MustCompile(`^/2013-04-01/hostedzone/[^/]+/rrset/?$`), "ChangeResourceRecordSets"},
	{"route53", "GET", regexp.MustCompile(`^/2013-04-01/hostedzone/[^/]+/?$`), "GetHostedZone"},
	{"route53", "DELETE", regexp.MustCompile(`^/2013-04-01/hostedzone/[^/]+/?$`), "DeleteHostedZone"},
	{"route53", "GET", regexp.MustCompile(`^/2013-04-01/hostedzone/?$`), "ListHostedZones"},
	{"route53", "POST", regexp.MustCompile(`^/2013-04-01/hostedzone/?$`), "CreateHostedZone"},
	{"route53", "GET", regexp.MustCompile(`^/2013-04-01/change/[^/]+/?$`), "GetChange"},
}

func restAction(service, method, path string) string {
	for _, r := range restRoutes {
		if r.service == service && r.method == method && r.path.MatchString(path) {
			return r.action
		}
	}
	return method + " " + path
}

// readOnlyPrefixes are the action prefixes that change nothing in AWS: the
// Describe/Get/List reads and DynamoDB's Query, Scan and BatchGetItem.
// AssumeRole and GetCallerIdentity only hand out or describe credentials.
var readOnlyPrefixes = []string{"Describe", "Get", "List", "BatchGet"}

var readOnlyActions = map[string]bool{"Query": true, "Scan": true, "AssumeRole": true, "GetCallerIdentity": true}

// Mutating says whether the call may change something in AWS. An action the
// recorder could not name counts as mutating unless it is a GET.
func (c Call) Mutating() bool {
	if readOnlyActions[c.Action] {
		return false
	}
	if strings.HasPrefix(c.Action, "GET ") || strings.HasPrefix(c.Action, "HEAD ") {
		return false
	}
	for _, p := range readOnlyPrefixes {
		if strings.HasPrefix(c.Action, p) {
			return false
		}
	}
	return true
}
