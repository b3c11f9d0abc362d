package emulator

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwschemas "github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"
)

// CloudWatch is a CloudWatch client that speaks the query protocol, the one
// moto understands (see TOOLCHAIN.md).
func CloudWatch(cfg aws.Config) *cloudwatch.Client {
	return cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) {
		o.Protocol = awsquery.New(cwschemas.GraniteServiceVersion20100801)
	})
}

// FireAlarm sets alarm to ALARM, as breaching data would (moto never
// evaluates alarms).
func FireAlarm(ctx context.Context, cfg aws.Config, alarm, reason string) error {
	_, err := CloudWatch(cfg).SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{
		AlarmName: aws.String(alarm), StateValue: cwtypes.StateValueAlarm, StateReason: aws.String(reason),
	})
	if err != nil {
		return fmt.Errorf("setting alarm %s to ALARM: %w", alarm, err)
	}
	return nil
}

// FireAlarmWhen polls ready until it says true (a canary step is live, say)
// and then fires alarm. The channel yields the outcome: an error if ready
// never became true within timeout or the alarm could not be set.
func FireAlarmWhen(cfg aws.Config, alarm, reason string, timeout time.Duration, ready func(context.Context) bool) <-chan error {
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		for !ready(ctx) {
			select {
			case <-ctx.Done():
				done <- fmt.Errorf("alarm %s not fired: the condition did not hold within %s", alarm, timeout)
				return
			case <-time.After(200 * time.Millisecond):
			}
		}
		done <- FireAlarm(ctx, cfg, alarm, reason)
	}()
	return done
}

// CanaryUnderway says whether some, but not all, traffic goes to one target.
func CanaryUnderway(weights map[string]int32) bool {
	for _, v := range weights {
		if v > 0 && v < 100 {
			return true
		}
	}
	return false
}
