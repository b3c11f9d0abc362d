package verify_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwschemas "github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"

	"github.com/golive-dev/terraform-provider-golive/internal/verify"
)

// cloudWatch is a CloudWatch client built as awsclient builds it (query
// protocol, which moto understands), counting the DescribeAlarms calls made
// through it.
func cloudWatch(t *testing.T, cfg aws.Config) (*cloudwatch.Client, *atomic.Int32) {
	t.Helper()
	var describes atomic.Int32
	count := middleware.InitializeMiddlewareFunc("countDescribeAlarms", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		if _, ok := in.Parameters.(*cloudwatch.DescribeAlarmsInput); ok {
			describes.Add(1)
		}
		return next.HandleInitialize(ctx, in)
	})
	cw := cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) {
		o.Protocol = awsquery.New(cwschemas.GraniteServiceVersion20100801)
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error { return s.Initialize.Add(count, middleware.Before) })
	})
	return cw, &describes
}

func putAlarm(t *testing.T, cw *cloudwatch.Client, name string) {
	t.Helper()
	_, err := cw.PutMetricAlarm(context.Background(), &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String(name), MetricName: aws.String("HTTPCode_Target_5XX_Count"), Namespace: aws.String("AWS/ApplicationELB"),
		Statistic: cwtypes.StatisticSum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
	})
	if err != nil {
		t.Fatalf("creating alarm %s: %v", name, err)
	}
}

func setState(t *testing.T, cw *cloudwatch.Client, name string, state cwtypes.StateValue, reason string) {
	t.Helper()
	_, err := cw.SetAlarmState(context.Background(), &cloudwatch.SetAlarmStateInput{AlarmName: aws.String(name), StateValue: state, StateReason: aws.String(reason)})
	if err != nil {
		t.Fatalf("setting %s to %s: %v", name, state, err)
	}
}

func wantErr(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil || err.Error() != want {
		t.Fatalf("got error %v\nwant        %s", err, want)
	}
}

func TestAlarms_okAndInsufficientDataPass(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cw, describes := cloudWatch(t, account(t))
	putAlarm(t, cw, "api-5xx")
	putAlarm(t, cw, "api-latency")
	setState(t, cw, "api-latency", cwtypes.StateValueInsufficientData, "new alarm")
	gate := verify.NewAlarms(cw, []string{"api-5xx", "api-latency"})
	if got := gate.Name(); got != `alarms "api-5xx", "api-latency"` {
		t.Fatalf("Name() = %q", got)
	}
	describes.Store(0)
	if err := gate.Check(ctx); err != nil {
		t.Fatalf("OK and INSUFFICIENT_DATA alarms: %v", err)
	}
	if n := describes.Load(); n != 1 {
		t.Fatalf("Check made %d DescribeAlarms calls, want 1", n)
	}
	// The premise: the alarms really are in those states.
	out, err := cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"api-5xx", "api-latency"}})
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]cwtypes.StateValue{}
	for _, a := range out.MetricAlarms {
		states[aws.ToString(a.AlarmName)] = a.StateValue
	}
	if states["api-5xx"] != cwtypes.StateValueOk || states["api-latency"] != cwtypes.StateValueInsufficientData {
		t.Fatalf("alarm states %v", states)
	}
}

func TestAlarms_firingFails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cw, _ := cloudWatch(t, account(t))
	putAlarm(t, cw, "api-5xx")
	putAlarm(t, cw, "api-latency")
	gate := verify.NewAlarms(cw, []string{"api-5xx", "api-latency"})
	setState(t, cw, "api-5xx", cwtypes.StateValueAlarm, "Threshold Crossed: 1 datapoint [7.0] was greater than the threshold (1.0).")
	wantErr(t, gate.Check(ctx), `alarm "api-5xx" is ALARM: Threshold Crossed: 1 datapoint [7.0] was greater than the threshold (1.0).`)
	setState(t, cw, "api-latency", cwtypes.StateValueAlarm, "p99 > 2s")
	wantErr(t, gate.Check(ctx), `alarm "api-5xx" is ALARM: Threshold Crossed: 1 datapoint [7.0] was greater than the threshold (1.0).; alarm "api-latency" is ALARM: p99 > 2s`)
	setState(t, cw, "api-5xx", cwtypes.StateValueOk, "recovered")
	setState(t, cw, "api-latency", cwtypes.StateValueOk, "recovered")
	if err := gate.Check(ctx); err != nil {
		t.Fatalf("after recovery: %v", err)
	}
}

func TestAlarms_missingFails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cw, _ := cloudWatch(t, account(t))
	putAlarm(t, cw, "api-5xx")
	wantErr(t, verify.NewAlarms(cw, []string{"api-5xx", "api-5xxx"}).Check(ctx), `alarm "api-5xxx" does not exist`)
	setState(t, cw, "api-5xx", cwtypes.StateValueAlarm, "5xx")
	wantErr(t, verify.NewAlarms(cw, []string{"nope", "api-5xx", "nope"}).Check(ctx), `alarm "nope" does not exist; alarm "api-5xx" is ALARM: 5xx`)
}

func TestAlarms_moreThan100Names(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cw, describes := cloudWatch(t, account(t))
	var names []string
	for i := range 105 {
		n := fmt.Sprintf("alarm-%03d", i)
		putAlarm(t, cw, n)
		names = append(names, n)
	}
	gate := verify.NewAlarms(cw, names)
	describes.Store(0)
	if err := gate.Check(ctx); err != nil {
		t.Fatalf("105 OK alarms: %v", err)
	}
	if n := describes.Load(); n != 2 {
		t.Fatalf("Check made %d DescribeAlarms calls for 105 names, want 2", n)
	}
	// Problems in the second batch are seen too.
	setState(t, cw, "alarm-103", cwtypes.StateValueAlarm, "late")
	wantErr(t, verify.NewAlarms(cw, append(names, "alarm-999")).Check(ctx), `alarm "alarm-103" is ALARM: late; alarm "alarm-999" does not exist`)
}

// fakeCloudWatch answers DescribeAlarms in the query protocol from pages of
// <DescribeAlarmsResult> XML, for what moto cannot do: composite alarms (moto
// 5.2.1 has no PutCompositeAlarm and drops AlarmRule from PutMetricAlarm)
// and NextToken pages (moto answers in one). It records each request's form.
func fakeCloudWatch(t *testing.T, pages ...string) (*cloudwatch.Client, *[]url.Values) {
	t.Helper()
	var mu sync.Mutex
	var requests []url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.Form.Get("Action") != "DescribeAlarms" {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		mu.Lock()
		requests = append(requests, r.PostForm)
		page := 0
		if tok := r.PostForm.Get("NextToken"); tok != "" {
			page, _ = strconv.Atoi(tok)
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, `<DescribeAlarmsResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><DescribeAlarmsResult>%s</DescribeAlarmsResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeAlarmsResponse>`, pages[page])
	}))
	t.Cleanup(srv.Close)
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("a", "b", ""), BaseEndpoint: aws.String(srv.URL), RetryMaxAttempts: 1}
	cw, _ := cloudWatch(t, cfg)
	return cw, &requests
}

func TestAlarms_composite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cw, requests := fakeCloudWatch(t, `<MetricAlarms><member><AlarmName>api-5xx</AlarmName><StateValue>OK</StateValue></member></MetricAlarms>`+
		`<CompositeAlarms><member><AlarmName>api-health</AlarmName><StateValue>ALARM</StateValue><StateReason>api-5xx is in ALARM</StateReason></member></CompositeAlarms>`)
	wantErr(t, verify.NewAlarms(cw, []string{"api-5xx", "api-health"}).Check(ctx), `alarm "api-health" is ALARM: api-5xx is in ALARM`)
	if len(*requests) != 1 {
		t.Fatalf("%d requests, want 1", len(*requests))
	}
	f := (*requests)[0]
	// Without both AlarmTypes, AWS leaves composite alarms out.
	if got := []string{f.Get("AlarmTypes.member.1"), f.Get("AlarmTypes.member.2")}; got[0] != "MetricAlarm" || got[1] != "CompositeAlarm" {
		t.Fatalf("AlarmTypes sent: %v", got)
	}
	if got := []string{f.Get("AlarmNames.member.1"), f.Get("AlarmNames.member.2"), f.Get("AlarmNames.member.3")}; got[0] != "api-5xx" || got[1] != "api-health" || got[2] != "" {
		t.Fatalf("AlarmNames sent: %v", got)
	}
}

func TestAlarms_followsNextToken(t *testing.T) {
	t.Parallel()
	cw, requests := fakeCloudWatch(t,
		`<MetricAlarms><member><AlarmName>a</AlarmName><StateValue>OK</StateValue></member></MetricAlarms><NextToken>1</NextToken>`,
		`<CompositeAlarms><member><AlarmName>b</AlarmName><StateValue>INSUFFICIENT_DATA</StateValue></member></CompositeAlarms><NextToken>2</NextToken>`,
		`<MetricAlarms><member><AlarmName>c</AlarmName><StateValue>ALARM</StateValue></member></MetricAlarms>`)
	// c is on the last page: missing it would say "does not exist".
	wantErr(t, verify.NewAlarms(cw, []string{"a", "b", "c"}).Check(context.Background()), `alarm "c" is ALARM`)
	if len(*requests) != 3 {
		t.Fatalf("%d requests, want 3 pages", len(*requests))
	}
}
