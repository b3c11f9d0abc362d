package deploy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// CheckLambdaVersion adopts a published version: it must exist, be a
// number (not $LATEST, which changes under you) and be Active.
func CheckLambdaVersion(ctx context.Context, client *lambda.Client, function, version string) error {
	if version == "$LATEST" {
		return fmt.Errorf("lambda version of %s is $LATEST: deploy a published version (aws_lambda_function with publish = true, its .version)", function)
	}
	out, err := client.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(function), Qualifier: aws.String(version)})
	if err != nil {
		return fmt.Errorf("reading %s version %s: %w", function, version, err)
	}
	if got := aws.ToString(out.Version); got != version {
		return fmt.Errorf("%s has no published version %s (found %s)", function, version, got)
	}
	if out.State != "" && out.State != lambdatypes.StateActive {
		return fmt.Errorf("%s version %s is %s, not Active: %s", function, version, out.State, aws.ToString(out.StateReason))
	}
	return nil
}
