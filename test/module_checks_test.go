package test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"maps"
	"math/big"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
)

// Checks, through the AWS SDK, of what modules/ecs-service builds; shared by
// the module's test and the complete example's.

// importCertificate imports a self-signed certificate for domain into ACM in
// the stack's account and returns its ARN: what a load balancer's HTTPS
// listener needs (the emulator, like AWS, refuses a certificate it does not
// hold).
func importCertificate(t *testing.T, s *stack, domain string) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: domain},
		DNSNames:     []string{domain},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(30 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	out, err := acm.NewFromConfig(s.AWS).ImportCertificate(context.Background(), &acm.ImportCertificateInput{
		Certificate: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		PrivateKey:  pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}),
	})
	if err != nil {
		t.Fatalf("importing a certificate for %s into ACM: %v", domain, err)
	}
	return aws.ToString(out.CertificateArn)
}

// wantTaskConfiguration checks that the container of the task definition
// gets exactly keys (variables under vars/, secrets under secrets/ of the
// environment envID) through secrets[].valueFrom, the parameters' ARNs in
// the stack's account, and logs into logGroup. It returns those ARNs.
func wantTaskConfiguration(t *testing.T, s *stack, taskDefinitionARN, envID string, vars, secrets []string, logGroup string) []string {
	t.Helper()
	out, err := ecs.NewFromConfig(s.AWS).DescribeTaskDefinition(context.Background(), &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(taskDefinitionARN)})
	if err != nil {
		t.Fatalf("reading task definition %s: %v", taskDefinitionARN, err)
	}
	prefix := "arn:aws:ssm:" + emulator.Region + ":" + s.Account + ":parameter/golive/" + envID + "/"
	want := map[string]string{}
	for _, k := range vars {
		want[k] = prefix + "vars/" + k
	}
	for _, k := range secrets {
		want[k] = prefix + "secrets/" + k
	}
	c := out.TaskDefinition.ContainerDefinitions[0]
	got := map[string]string{}
	for _, sec := range c.Secrets {
		got[aws.ToString(sec.Name)] = aws.ToString(sec.ValueFrom)
	}
	if !maps.Equal(got, want) {
		t.Errorf("task definition %s secrets = %v, want %v", taskDefinitionARN, got, want)
	}
	for _, e := range c.Environment {
		if _, ok := want[aws.ToString(e.Name)]; ok {
			t.Errorf("task definition %s has configuration key %s as a plain value", taskDefinitionARN, aws.ToString(e.Name))
		}
	}
	if lc := c.LogConfiguration; lc == nil || lc.LogDriver != "awslogs" || lc.Options["awslogs-group"] != logGroup {
		t.Errorf("task definition %s log configuration = %+v, want awslogs into %s", taskDefinitionARN, lc, logGroup)
	}
	if aws.ToString(out.TaskDefinition.ExecutionRoleArn) == "" {
		t.Errorf("task definition %s has no execution role", taskDefinitionARN)
	}
	arns := make([]string, 0, len(want))
	for _, arn := range want {
		arns = append(arns, arn)
	}
	slices.Sort(arns)
	return arns
}

// wantExecutionPolicy checks that the execution role's policy allows
// ssm:GetParameters on exactly parameters, and reading no other parameter.
func wantExecutionPolicy(t *testing.T, s *stack, roleARN string, parameters []string) {
	t.Helper()
	role := roleARN[strings.LastIndex(roleARN, "/")+1:]
	out, err := iam.NewFromConfig(s.AWS).GetRolePolicy(context.Background(), &iam.GetRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("golive-task-execution")})
	if err != nil {
		t.Fatalf("reading the policy of execution role %s: %v", role, err)
	}
	var doc struct {
		Statement []struct {
			Sid      string
			Action   any
			Resource any
		}
	}
	if err := json.Unmarshal([]byte(policyJSON(aws.ToString(out.PolicyDocument))), &doc); err != nil {
		t.Fatalf("execution role policy: %v", err)
	}
	var got []string
	for _, st := range doc.Statement {
		if !slices.ContainsFunc(strs(st.Action), func(a string) bool { return strings.HasPrefix(a, "ssm:") }) {
			continue
		}
		if a := strs(st.Action); !slices.Equal(a, []string{"ssm:GetParameters"}) {
			t.Errorf("execution role %s: SSM actions %v, want only ssm:GetParameters", role, a)
		}
		got = append(got, strs(st.Resource)...)
	}
	slices.Sort(got)
	if !slices.Equal(got, parameters) {
		t.Errorf("execution role %s may read parameters %v, want exactly %v", role, got, parameters)
	}
}

// wantLogGroup checks that the log group exists with its retention.
func wantLogGroup(t *testing.T, s *stack, name string, retention int32) {
	t.Helper()
	out, err := cloudwatchlogs.NewFromConfig(s.AWS).DescribeLogGroups(context.Background(), &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(name)})
	if err != nil {
		t.Fatalf("reading log group %s: %v", name, err)
	}
	for _, g := range out.LogGroups {
		if aws.ToString(g.LogGroupName) == name {
			if aws.ToInt32(g.RetentionInDays) != retention {
				t.Errorf("log group %s keeps logs %d days, want %d", name, aws.ToInt32(g.RetentionInDays), retention)
			}
			return
		}
	}
	t.Errorf("log group %s does not exist", name)
}

// wantSlotAlarms checks that every metric of each slot's alarms carries that
// slot's own TargetGroup dimension (and the load balancer's).
func wantSlotAlarms(t *testing.T, s *stack, alarmsBySlot map[string][]string, targetGroups map[string]string) {
	t.Helper()
	for slot, names := range alarmsBySlot {
		tg := targetGroups[slot][strings.LastIndex(targetGroups[slot], ":")+1:]
		out, err := emulator.CloudWatch(s.AWS).DescribeAlarms(context.Background(), &cloudwatch.DescribeAlarmsInput{AlarmNames: names})
		if err != nil || len(names) != 2 || len(out.MetricAlarms) != len(names) {
			t.Fatalf("alarms of %s: %v in AWS %d (%v)", slot, names, len(out.MetricAlarms), err)
		}
		for _, a := range out.MetricAlarms {
			var dims []map[string]string
			if len(a.Dimensions) > 0 {
				dims = append(dims, dimensions(a.Dimensions))
			}
			for _, q := range a.Metrics {
				if q.MetricStat != nil {
					dims = append(dims, dimensions(q.MetricStat.Metric.Dimensions))
				}
			}
			if len(dims) == 0 {
				t.Errorf("alarm %s watches no metric", aws.ToString(a.AlarmName))
			}
			for _, d := range dims {
				if d["TargetGroup"] != tg || !strings.HasPrefix(d["LoadBalancer"], "app/") {
					t.Errorf("alarm %s of %s: dimensions %v, want TargetGroup %s and the load balancer", aws.ToString(a.AlarmName), slot, d, tg)
				}
			}
		}
	}
}

// policyJSON decodes a policy document as IAM returns it (URL-encoded).
func policyJSON(doc string) string {
	if strings.HasPrefix(doc, "{") {
		return doc
	}
	if d, err := url.PathUnescape(doc); err == nil {
		return d
	}
	return doc
}

// strs reads a policy element that is a string or a list of strings.
func strs(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
