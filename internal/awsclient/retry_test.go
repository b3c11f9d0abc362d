package awsclient

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fakeSTS answers GetCallerIdentity with the given failures first (HTTP
// status; 400 is a Throttling error), then successfully.
func fakeSTS(t *testing.T, failures ...int) (*httptest.Server, *atomic.Int32) {
	var calls atomic.Int32
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(calls.Add(1))
		w.Header().Set("Content-Type", "text/xml")
		if n <= len(failures) {
			code := "InternalFailure"
			if failures[n-1] == http.StatusBadRequest {
				code = "Throttling"
			}
			w.WriteHeader(failures[n-1])
			fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>x</Message></Error><RequestId>r</RequestId></ErrorResponse>`, code)
			return
		}
		fmt.Fprint(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>`+
			`<Arn>arn:aws:sts::123456789012:assumed-role/deployer/golive</Arn><UserId>AROA:golive</UserId><Account>123456789012</Account>`+
			`</GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
	}))
	t.Cleanup(s.Close)
	return s, &calls
}

func staticEnv(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// The default retryer rides out a run of 5xx answers and throttling that
// the SDK's own default of three attempts would not.
func TestDefaultRetriesRideOutFaults(t *testing.T) {
	staticEnv(t)
	srv, calls := fakeSTS(t, 503, 500, 400, 503, 400)
	c, err := New(context.Background(), Config{Region: "us-east-1", Endpoints: map[string]string{"sts": srv.URL}, MaxBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	id, err := c.CallerIdentity(context.Background())
	if err != nil {
		t.Fatalf("after five retryable failures: %v", err)
	}
	if id.Account != "123456789012" || calls.Load() != 6 {
		t.Fatalf("identity %+v after %d calls", id, calls.Load())
	}
}

// A caller identity that could not be read is asked for again; one that
// was read is not.
func TestCallerIdentityDoesNotKeepAFailure(t *testing.T) {
	staticEnv(t)
	srv, calls := fakeSTS(t, 503, 503)
	c, err := New(context.Background(), Config{Region: "us-east-1", Endpoints: map[string]string{"sts": srv.URL}, MaxAttempts: 2, MaxBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CallerIdentity(context.Background()); err == nil || !strings.Contains(err.Error(), "reading caller identity from STS") {
		t.Fatalf("with two attempts against two failures: got %v", err)
	}
	id, err := c.CallerIdentity(context.Background())
	if err != nil || id.ARN != "arn:aws:sts::123456789012:assumed-role/deployer/golive" {
		t.Fatalf("second ask: %+v, %v", id, err)
	}
	if _, err := c.CallerIdentity(context.Background()); err != nil || calls.Load() != 3 {
		t.Fatalf("third ask: %v after %d calls, want the kept identity after 3", err, calls.Load())
	}
}
