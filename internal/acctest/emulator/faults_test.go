package emulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// oneAttempt is an SDK configuration at url that never retries, so a test
// sees the error of the first answer.
func oneAttempt(url string) aws.Config {
	return aws.Config{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(url),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
}

// sdkCalls makes one call of every service golive uses, through each
// service's own protocol.
var sdkCalls = map[string]func(context.Context, aws.Config) error{
	"dynamodb": func(ctx context.Context, c aws.Config) error {
		_, err := dynamodb.NewFromConfig(c).ListTables(ctx, &dynamodb.ListTablesInput{})
		return err
	},
	"ssm": func(ctx context.Context, c aws.Config) error {
		_, err := ssm.NewFromConfig(c).GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/x")})
		return err
	},
	"ecs": func(ctx context.Context, c aws.Config) error {
		_, err := ecs.NewFromConfig(c).ListClusters(ctx, &ecs.ListClustersInput{})
		return err
	},
	"lambda": func(ctx context.Context, c aws.Config) error {
		_, err := lambda.NewFromConfig(c).GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String("f"), Name: aws.String("live")})
		return err
	},
	"cloudwatch": func(ctx context.Context, c aws.Config) error {
		_, err := CloudWatch(c).DescribeAlarms(ctx, nil)
		return err
	},
	"elbv2": func(ctx context.Context, c aws.Config) error {
		_, err := elbv2.NewFromConfig(c).DescribeListeners(ctx, &elbv2.DescribeListenersInput{ListenerArns: []string{"arn:x"}})
		return err
	},
	"sts": func(ctx context.Context, c aws.Config) error {
		_, err := sts.NewFromConfig(c).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		return err
	},
	"sns": func(ctx context.Context, c aws.Config) error {
		_, err := sns.NewFromConfig(c).ListTopics(ctx, &sns.ListTopicsInput{})
		return err
	},
	"route53": func(ctx context.Context, c aws.Config) error {
		_, err := route53.NewFromConfig(c).ListHostedZones(ctx, &route53.ListHostedZonesInput{})
		return err
	},
}

// unreachable is a backend that fails the test if a request reaches it.
func unreachable(t *testing.T, hits *atomic.Int32) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusTeapot)
	}))
	t.Cleanup(s.Close)
	return s
}

func startProxy(t *testing.T, target string, opts FaultOptions) *FaultProxy {
	t.Helper()
	p, err := StartFaultProxy(target, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// Each service's SDK client reads the injected answers as the error the
// service itself sends, and the SDK's standard retryer classifies them:
// throttles as throttles, 5xx and resets as retryable.
func TestFaultAnswersAreWhatTheSDKRetries(t *testing.T) {
	throttles := retry.IsErrorThrottles(retry.DefaultThrottles)
	retryables := retry.IsErrorRetryables(retry.DefaultRetryables)
	for _, tc := range []struct {
		kind     FaultKind
		throttle bool
		codes    []string // acceptable error codes; nil: no API error (a connection error)
	}{
		{FaultThrottle, true, []string{"ThrottlingException", "Throttling", "TooManyRequestsException"}},
		{FaultServerError, false, []string{"InternalFailure", "ServiceUnavailable", "ServiceException"}},
		{FaultResetBefore, false, nil},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			var hits atomic.Int32
			p := startProxy(t, unreachable(t, &hits).URL, FaultOptions{Rate: 1, Seed: 1, Kinds: []FaultKind{tc.kind}})
			for svc, call := range sdkCalls {
				err := call(context.Background(), oneAttempt(p.URL))
				if err == nil {
					t.Fatalf("%s: no error", svc)
				}
				var api smithy.APIError
				if tc.codes == nil {
					if errors.As(err, &api) {
						t.Errorf("%s: got API error %s, want a connection error", svc, api.ErrorCode())
					}
				} else if !errors.As(err, &api) || !contains(tc.codes, api.ErrorCode()) {
					t.Errorf("%s: error %v (%T) is not one of %v", svc, err, err, tc.codes)
				}
				if got := throttles.IsErrorThrottle(err) == aws.TrueTernary; got != tc.throttle {
					t.Errorf("%s: SDK throttle = %v, want %v: %v", svc, got, tc.throttle, err)
				}
				if retryables.IsErrorRetryable(err) != aws.TrueTernary {
					t.Errorf("%s: the SDK would not retry %v", svc, err)
				}
			}
			if hits.Load() != 0 {
				t.Fatalf("%d faulted requests reached the backend", hits.Load())
			}
			if got := p.Counts()[string(tc.kind)]; got != len(sdkCalls) {
				t.Fatalf("counted %d %s faults, want %d", got, tc.kind, len(sdkCalls))
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// A reset after forwarding loses the answer of a request the backend has
// applied; the caller sees a retryable connection error.
func TestFaultResetAfterAppliesTheRequest(t *testing.T) {
	var applied atomic.Int32
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		applied.Add(1)
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		fmt.Fprint(w, `{"TableNames":[]}`)
	}))
	defer backend.Close()
	p := startProxy(t, backend.URL, FaultOptions{Rate: 1, Seed: 1, Kinds: []FaultKind{FaultResetAfter}})
	err := sdkCalls["dynamodb"](context.Background(), oneAttempt(p.URL))
	if err == nil || errors.As(err, new(smithy.APIError)) {
		t.Fatalf("got %v, want a connection error", err)
	}
	if retry.IsErrorRetryables(retry.DefaultRetryables).IsErrorRetryable(err) != aws.TrueTernary {
		t.Fatalf("the SDK would not retry %v", err)
	}
	if applied.Load() != 1 {
		t.Fatalf("backend applied %d requests, want 1", applied.Load())
	}

	// With the rate at 0 the same call goes through, and latency only delays.
	p.SetRate(0)
	if err := sdkCalls["dynamodb"](context.Background(), oneAttempt(p.URL)); err != nil {
		t.Fatal(err)
	}
	// Injected faults come first, one per request, whatever the rate.
	p.Inject(FaultThrottle)
	var api smithy.APIError
	if err := sdkCalls["dynamodb"](context.Background(), oneAttempt(p.URL)); !errors.As(err, &api) || api.ErrorCode() != "ThrottlingException" {
		t.Fatalf("injected throttle: got %v", err)
	}
	if err := sdkCalls["dynamodb"](context.Background(), oneAttempt(p.URL)); err != nil {
		t.Fatalf("after the injected fault: %v", err)
	}
	lat := startProxy(t, backend.URL, FaultOptions{Rate: 1, Seed: 1, Kinds: []FaultKind{FaultLatency}, MaxLatency: 20e6})
	if err := sdkCalls["dynamodb"](context.Background(), oneAttempt(lat.URL)); err != nil {
		t.Fatal(err)
	}
	if applied.Load() != 4 || lat.Counts()["latency"] != 1 || p.Requests() != 4 || p.Counts()["throttle"] != 1 {
		t.Fatalf("applied %d, latency faults %v, requests %d", applied.Load(), lat.Counts(), p.Requests())
	}
}

// The same seed draws the same faults for the same requests; excluded
// requests are neither faulted nor counted.
func TestFaultSeedReplaysAndExcludeSkips(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		fmt.Fprint(w, `{"TableNames":[]}`)
	}))
	defer backend.Close()
	run := func(seed int64) []string {
		p := startProxy(t, backend.URL, FaultOptions{Rate: 0.5, Seed: seed, Kinds: []FaultKind{FaultServerError, FaultThrottle, FaultResetBefore}})
		var outcomes []string
		for i := 0; i < 40; i++ {
			err := sdkCalls["dynamodb"](context.Background(), oneAttempt(p.URL))
			var api smithy.APIError
			switch {
			case err == nil:
				outcomes = append(outcomes, "ok")
			case errors.As(err, &api):
				outcomes = append(outcomes, api.ErrorCode())
			default:
				outcomes = append(outcomes, "reset")
			}
		}
		total := 0
		for _, n := range p.Counts() {
			total += n
		}
		if total == 0 || total == 40 || p.Requests() != 40 {
			t.Fatalf("seed %d: %d faults in %d requests at rate 0.5", seed, total, p.Requests())
		}
		return outcomes
	}
	a, b, c := run(7), run(7), run(8)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("same seed, different faults:\n%v\n%v", a, b)
	}
	if reflect.DeepEqual(a, c) {
		t.Fatalf("different seeds drew the same 40 faults: %v", a)
	}

	p := startProxy(t, backend.URL, FaultOptions{Rate: 1, Seed: 1, Exclude: ExcludeAppID("golive/checker")})
	checker := oneAttempt(p.URL)
	checker.AppID = "golive/checker"
	for i := 0; i < 10; i++ {
		if err := sdkCalls["dynamodb"](context.Background(), checker); err != nil {
			t.Fatalf("excluded call faulted: %v", err)
		}
	}
	if p.Requests() != 0 || len(p.Counts()) != 0 {
		t.Fatalf("excluded calls counted: %s", p)
	}
	if err := sdkCalls["dynamodb"](context.Background(), oneAttempt(p.URL)); err == nil {
		t.Fatal("a call without the app ID was not faulted at rate 1")
	}
}
