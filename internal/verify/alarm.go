// Package verify holds golive's health gates: CloudWatch alarms, HTTP checks
// and ALB target health. Each implements rollout.Gate.
package verify

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// Alarms fails while any named alarm is in ALARM, or does not exist: a typo
// in an alarm name must not pass silently. INSUFFICIENT_DATA passes, as new
// alarms start there.
type Alarms struct {
	client *cloudwatch.Client
	names  []string
}

// NewAlarms returns the gate over names (metric or composite alarms).
func NewAlarms(client *cloudwatch.Client, names []string) *Alarms {
	return &Alarms{client: client, names: names}
}

func (a *Alarms) Name() string {
	q := make([]string, len(a.names))
	for i, n := range a.names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return "alarms " + strings.Join(q, ", ")
}

// Check reads every alarm in as few DescribeAlarms calls as the API allows
// (100 names each).
func (a *Alarms) Check(ctx context.Context) error {
	state := map[string]cwtypes.StateValue{}
	reason := map[string]string{}
	for start := 0; start < len(a.names); start += 100 {
		batch := a.names[start:min(start+100, len(a.names))]
		p := cloudwatch.NewDescribeAlarmsPaginator(a.client, &cloudwatch.DescribeAlarmsInput{
			AlarmNames: batch,
			AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm, cwtypes.AlarmTypeCompositeAlarm},
		})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("reading alarms %s: %w", strings.Join(batch, ", "), err)
			}
			for _, m := range out.MetricAlarms {
				state[aws.ToString(m.AlarmName)], reason[aws.ToString(m.AlarmName)] = m.StateValue, aws.ToString(m.StateReason)
			}
			for _, c := range out.CompositeAlarms {
				state[aws.ToString(c.AlarmName)], reason[aws.ToString(c.AlarmName)] = c.StateValue, aws.ToString(c.StateReason)
			}
		}
	}
	var problems []string
	for _, n := range a.names {
		s, ok := state[n]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("alarm %q does not exist", n))
		case s == cwtypes.StateValueAlarm:
			msg := fmt.Sprintf("alarm %q is ALARM", n)
			if reason[n] != "" {
				msg += ": " + reason[n]
			}
			problems = append(problems, msg)
		}
	}
	sort.Strings(problems)
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return nil
}
