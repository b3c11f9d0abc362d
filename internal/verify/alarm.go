// Package verify holds golive's health gates: CloudWatch alarms, HTTP checks,
// ALB target health and metric analysis. Each implements rollout.Gate;
// Until polls any gate until it passes a number of times in a row.
package verify

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

var _ rollout.Gate = (*Alarms)(nil)

// maxAlarmNames is how many names one DescribeAlarms request may carry.
const maxAlarmNames = 100

// Alarms fails while any named alarm is in ALARM, or does not exist: a typo
// in an alarm name must not pass silently. INSUFFICIENT_DATA passes, as new
// alarms start there.
type Alarms struct {
	client *cloudwatch.Client
	names  []string
}

// NewAlarms returns the gate over names, each a metric or a composite alarm.
// The client must be able to speak to the endpoint in use; golive's builds it
// with the query protocol (see awsclient.Clients.CloudWatch).
func NewAlarms(client *cloudwatch.Client, names []string) *Alarms {
	return &Alarms{client: client, names: names}
}

// Name is `alarms "a", "b"`.
func (a *Alarms) Name() string {
	q := make([]string, len(a.names))
	for i, n := range a.names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return "alarms " + strings.Join(q, ", ")
}

// Check reads every alarm in as few DescribeAlarms calls as the API allows:
// one for up to 100 names, plus any pages the service splits the answer into.
func (a *Alarms) Check(ctx context.Context) error {
	unique := uniqueNames(a.names)
	type alarmState struct {
		value  cwtypes.StateValue
		reason string
	}
	states := map[string]alarmState{}
	for start := 0; start < len(unique); start += maxAlarmNames {
		batch := unique[start:min(start+maxAlarmNames, len(unique))]
		p := cloudwatch.NewDescribeAlarmsPaginator(a.client, &cloudwatch.DescribeAlarmsInput{
			AlarmNames: batch,
			// Without AlarmTypes, DescribeAlarms leaves composite alarms out.
			AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm, cwtypes.AlarmTypeCompositeAlarm},
		})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("reading %s: %w", a.Name(), err)
			}
			for _, m := range out.MetricAlarms {
				states[aws.ToString(m.AlarmName)] = alarmState{m.StateValue, aws.ToString(m.StateReason)}
			}
			for _, c := range out.CompositeAlarms {
				states[aws.ToString(c.AlarmName)] = alarmState{c.StateValue, aws.ToString(c.StateReason)}
			}
		}
	}
	var problems []string
	for _, n := range unique {
		s, ok := states[n]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("alarm %q does not exist", n))
		case s.value == cwtypes.StateValueAlarm:
			msg := fmt.Sprintf("alarm %q is ALARM", n)
			if s.reason != "" {
				msg += ": " + s.reason
			}
			problems = append(problems, msg)
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// uniqueNames keeps the first occurrence of each name, in order.
func uniqueNames(names []string) []string {
	seen := make(map[string]bool, len(names))
	out := make([]string, 0, len(names))
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}
