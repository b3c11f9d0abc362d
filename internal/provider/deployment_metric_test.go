package provider_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
)

func TestAccDeployment_metricGateVerifiesALambdaVersion(t *testing.T) {
	e := newTestEnv(t)
	fn, err := emulator.NewLambda(context.Background(), e.cfg, "worker")
	if err != nil {
		t.Fatal(err)
	}
	putLambda := func(version, name string, v float64) {
		_, err := e.cloudwatch().PutMetricData(context.Background(), &cloudwatch.PutMetricDataInput{
			Namespace: aws.String("AWS/Lambda"),
			MetricData: []cwtypes.MetricDatum{{MetricName: aws.String(name), Timestamp: aws.Time(time.Now().UTC()), Value: aws.Float64(v),
				Dimensions: []cwtypes.Dimension{
					{Name: aws.String("ExecutedVersion"), Value: aws.String(version)},
					{Name: aws.String("FunctionName"), Value: aws.String(fn.Function)},
					{Name: aws.String("Resource"), Value: aws.String(fn.Function + ":live")},
				}}},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	gate := func(version string) string {
		return fmt.Sprintf(`
  verify {
    metric {
      name = "worker-errors"
      query {
        id          = "errors"
        namespace   = "AWS/Lambda"
        metric_name = "Errors"
        dimensions  = { FunctionName = %[1]q, Resource = "%[1]s:live", ExecutedVersion = %[2]q }
        stat        = "Sum"
      }
      query {
        id          = "invocations"
        namespace   = "AWS/Lambda"
        metric_name = "Invocations"
        dimensions  = { FunctionName = %[1]q, Resource = "%[1]s:live", ExecutedVersion = %[2]q }
        stat        = "Sum"
      }
      value   = "100 * errors / invocations"
      max     = 2
      no_data = "fail"
    }
  }
`, fn.Function, version)
	}
	putLambda("1", "Invocations", 200)
	putLambda("1", "Errors", 1)
	putLambda("2", "Invocations", 200)
	putLambda("2", "Errors", 20)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{
				Config: e.providerBlock() + devEnv + lambdaDeployment("dev", fn.Function, "1.0.0", "1", gate("1")),
				Check:  e.checkVerification("shop/dev", "worker", "1.0.0", "verified"),
			},
			{
				Config: e.providerBlock() + devEnv + lambdaDeployment("dev", fn.Function, "2.0.0", "2", gate("2")),
				ExpectError: errorPattern(`verifying worker@2\.0\.0: metric "worker-errors": 100 \* errors / invocations = 10, above max 2; ` +
					`samples of 5m to .*: errors = 20 \(Sum of 1: 20\), invocations = 200 \(Sum of 1: 200\)`),
			},
		},
	})
	if err := e.checkVerification("shop/dev", "worker", "2.0.0", "failed")(nil); err != nil {
		t.Fatal(err)
	}
}
