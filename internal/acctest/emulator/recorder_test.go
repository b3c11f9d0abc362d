package emulator

import (
	"context"
	"encoding/base64"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

func TestParseRecording(t *testing.T) {
	auth := func(key, svc string) string {
		return fmt.Sprintf("AWS4-HMAC-SHA256 Credential=%s/20260101/us-east-1/%s/aws4_request, SignedHeaders=host, Signature=x", key, svc)
	}
	form := base64.StdEncoding.EncodeToString([]byte("Action=ModifyListener&Version=2015-12-01"))
	lines := []string{
		fmt.Sprintf(`{"headers":{"Authorization":%q,"X-Amz-Target":"DynamoDB_20120810.PutItem","User-Agent":"aws-sdk-go-v2/1.47 app/golive-x m/E"},"method":"POST","url":"http://h/","body":"e30=","body_encoded":true}`, auth("AKIA1", "dynamodb")),
		fmt.Sprintf(`{"headers":{"Authorization":%q},"method":"POST","url":"http://h/","body":%q,"body_encoded":true}`, auth("AKIA2", "elasticloadbalancing"), form),
		fmt.Sprintf(`{"headers":{"Authorization":%q},"method":"POST","url":"http://h/","body":"Action=DescribeAlarms&Version=2010-08-01","body_encoded":false}`, auth("AKIA2", "monitoring")),
		fmt.Sprintf(`{"headers":{"authorization":%q},"method":"PUT","url":"http://h/2015-03-31/functions/api/aliases/live","body":"","body_encoded":false}`, auth("AKIA3", "lambda")),
		fmt.Sprintf(`{"headers":{"Authorization":%q},"method":"POST","url":"http://h/2013-04-01/hostedzone/Z1/rrset/","body":null,"body_encoded":false}`, auth("AKIA3", "route53")),
		fmt.Sprintf(`{"headers":{"Authorization":%q},"method":"PATCH","url":"http://h/2015-03-31/functions/api/odd","body":"","body_encoded":false}`, auth("AKIA3", "lambda")),
		`{"headers":{},"method":"POST","url":"http://h/moto-api/reset","body":"","body_encoded":false}`,
		"",
	}
	calls, err := parseRecording(strings.NewReader(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range calls {
		got = append(got, fmt.Sprintf("%s %s %s %v", c, c.AccessKey, c.AppID(), c.Mutating()))
	}
	want := []string{
		"dynamodb:PutItem AKIA1 golive-x true",
		"elasticloadbalancing:ModifyListener AKIA2  true",
		"cloudwatch:DescribeAlarms AKIA2  false",
		"lambda:UpdateAlias AKIA3  true",
		"route53:ChangeResourceRecordSets AKIA3  true",
		"lambda:PATCH /2015-03-31/functions/api/odd AKIA3  true",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("calls\n got %q\nwant %q", got, want)
	}
	if _, err := parseRecording(strings.NewReader("{not json")); err == nil {
		t.Fatal("a broken line must be an error")
	}
}

func TestCallMutating(t *testing.T) {
	for action, want := range map[string]bool{
		"DescribeListeners": false, "GetItem": false, "GetParametersByPath": false, "ListResourceRecordSets": false,
		"Query": false, "Scan": false, "BatchGetItem": false, "AssumeRole": false, "GetCallerIdentity": false,
		"GET /2015-03-31/x": false,
		"PutItem":           true, "UpdateItem": true, "DeleteItem": true, "BatchWriteItem": true, "PutParameter": true,
		"ModifyListener": true, "ChangeResourceRecordSets": true, "Publish": true, "UpdateService": true,
		"POST /2015-03-31/x": true, "": true,
	} {
		if got := (Call{Action: action}).Mutating(); got != want {
			t.Errorf("%q: Mutating() = %v, want %v", action, got, want)
		}
	}
}

// TestRecording records real SDK calls of two accounts and tells them apart
// by app ID, and checks that calls outside the window are left out.
func TestRecording(t *testing.T) {
	SkipShort(t)
	s, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	ctx := context.Background()
	cfg, err := s.AccountConfig(ctx, NewAccountID())
	if err != nil {
		t.Fatal(err)
	}
	tagged := cfg.Copy()
	tagged.AppID = "golive/recorder-test"
	before := ssm.NewFromConfig(tagged)
	if _, err := before.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/before"), Value: aws.String("x"), Type: "String"}); err != nil {
		t.Fatal(err)
	}

	rec, err := s.StartRecording()
	if err != nil {
		t.Fatal(err)
	}
	_, err = ssm.NewFromConfig(tagged).PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/in"), Value: aws.String("x"), Type: "String"})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = dynamodb.NewFromConfig(tagged).ListTables(ctx, &dynamodb.ListTablesInput{})
	_, _ = lambda.NewFromConfig(tagged).GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String("none"), Name: aws.String("live")})
	_, _ = route53.NewFromConfig(tagged).ListHostedZones(ctx, &route53.ListHostedZonesInput{})
	_, _ = elbv2.NewFromConfig(tagged).DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{})
	_, _ = CloudWatch(tagged).DescribeAlarms(ctx, nil)
	_, _ = ssm.NewFromConfig(cfg).GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/in")}) // untagged
	calls, err := rec.Stop()
	if err != nil {
		t.Fatal(err)
	}
	again, err := rec.Stop()
	if err != nil || again != nil {
		t.Fatalf("a second Stop returned %v, %v", again, err)
	}
	_, _ = ssm.NewFromConfig(tagged).GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/after")})

	var tag, other []string
	for _, c := range calls {
		if c.AppID() == "golive-recorder-test" {
			tag = append(tag, c.String())
		} else {
			other = append(other, c.String())
		}
	}
	want := []string{"ssm:PutParameter", "dynamodb:ListTables", "lambda:GetAlias", "route53:ListHostedZones",
		"elasticloadbalancing:DescribeLoadBalancers", "cloudwatch:DescribeAlarms"}
	if !reflect.DeepEqual(tag, want) {
		t.Fatalf("tagged calls\n got %q\nwant %q", tag, want)
	}
	if !reflect.DeepEqual(other, []string{"ssm:GetParameter"}) {
		t.Fatalf("untagged calls: %q", other)
	}

	// A new window starts empty.
	rec, err = s.StartRecording()
	if err != nil {
		t.Fatal(err)
	}
	calls, err = rec.Stop()
	if err != nil || len(calls) != 0 {
		t.Fatalf("a fresh window recorded %v, %v", calls, err)
	}
}
