package awsclient

import (
	"context"
	"os"
	"strings"
	"testing"
)

func TestNewRejectsUnknownEndpointService(t *testing.T) {
	_, err := New(context.Background(), Config{Region: "us-east-1", Endpoints: map[string]string{"s3": "http://x"}})
	if err == nil || !strings.Contains(err.Error(), `unknown endpoint service "s3"`) || !strings.Contains(err.Error(), "dynamodb") {
		t.Fatalf("got %v", err)
	}
}

func TestNewNeedsARegion(t *testing.T) {
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	_, err := New(context.Background(), Config{})
	if err == nil || !strings.Contains(err.Error(), "no AWS region") {
		t.Fatalf("got %v", err)
	}
}

func TestEndpointsApplyPerService(t *testing.T) {
	c, err := New(context.Background(), Config{Region: "eu-west-1", Endpoints: map[string]string{"ssm": "http://127.0.0.1:9"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.configFor("ssm").BaseEndpoint; got == nil || *got != "http://127.0.0.1:9" {
		t.Fatalf("ssm endpoint %v", got)
	}
	if got := c.configFor("sts").BaseEndpoint; got != nil {
		t.Fatalf("sts endpoint should be unset, got %v", *got)
	}
	if c.Region() != "eu-west-1" {
		t.Fatalf("region %s", c.Region())
	}
	// Clients are built once and shared.
	ssmA, ssmB := c.SSM(), c.SSM()
	cwA, cwB := c.CloudWatch(), c.CloudWatch()
	if ssmA != ssmB || cwA != cwB {
		t.Fatal("clients rebuilt on each call")
	}
}

func TestServicesSorted(t *testing.T) {
	for i := 1; i < len(Services); i++ {
		if Services[i-1] >= Services[i] {
			t.Fatalf("Services must stay sorted for isService: %v", Services)
		}
	}
}

// CloudWatch keeps the SDK's protocol against AWS and speaks the query
// protocol wherever an endpoint override points it elsewhere.
func TestCloudWatchProtocolFollowsEndpointOverride(t *testing.T) {
	for _, tc := range []struct {
		name      string
		endpoints map[string]string
		env       map[string]string
		want      string
	}{
		{name: "AWS", want: "rpcv2Cbor"},
		{name: "endpoints block", endpoints: map[string]string{"cloudwatch": "http://127.0.0.1:9"}, want: "awsQuery"},
		{name: "another service's endpoint", endpoints: map[string]string{"ssm": "http://127.0.0.1:9"}, want: "rpcv2Cbor"},
		{name: "AWS_ENDPOINT_URL", env: map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:9"}, want: "awsQuery"},
		{name: "AWS_ENDPOINT_URL_CLOUDWATCH", env: map[string]string{"AWS_ENDPOINT_URL_CLOUDWATCH": "http://127.0.0.1:9"}, want: "awsQuery"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("AWS_CONFIG_FILE", os.DevNull)
			t.Setenv("AWS_ENDPOINT_URL", "")
			t.Setenv("AWS_ENDPOINT_URL_CLOUDWATCH", "")
			for _, k := range []string{"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CLOUDWATCH"} {
				if err := os.Unsetenv(k); err != nil {
					t.Fatal(err)
				}
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			c, err := New(context.Background(), Config{Region: "us-east-1", Endpoints: tc.endpoints})
			if err != nil {
				t.Fatal(err)
			}
			if got := c.CloudWatch().Options().Protocol.ID().Name; got != tc.want {
				t.Fatalf("protocol %s, want %s", got, tc.want)
			}
		})
	}
}
