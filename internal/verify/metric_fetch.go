package verify

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// Prefixes of the GetMetricData query ids of the canary's and the
// baseline's queries: both sides are read in one request.
const (
	canaryPrefix   = "c_"
	baselinePrefix = "b_"
)

// metricDataQueries is the GetMetricData request of one check: every query
// as a MetricStat, then, with a baseline, every query again with the
// baseline's dimensions.
func (m *Metric) metricDataQueries() []cwtypes.MetricDataQuery {
	period := int32(m.spec.Period / time.Second)
	var out []cwtypes.MetricDataQuery
	add := func(prefix string, q MetricQuery, dims map[string]string) {
		out = append(out, cwtypes.MetricDataQuery{
			Id: aws.String(prefix + q.ID),
			MetricStat: &cwtypes.MetricStat{
				Metric: &cwtypes.Metric{Namespace: aws.String(q.Namespace), MetricName: aws.String(q.MetricName), Dimensions: dimensions(dims)},
				Period: aws.Int32(period),
				Stat:   aws.String(q.Stat),
			},
			ReturnData: aws.Bool(true),
		})
	}
	for _, q := range m.spec.Queries {
		add(canaryPrefix, q, q.Dimensions)
	}
	if b := m.spec.Baseline; b != nil {
		for _, q := range m.spec.Queries {
			add(baselinePrefix, q, withDimensions(q.Dimensions, b.Dimensions))
		}
	}
	return out
}

func dimensions(dims map[string]string) []cwtypes.Dimension {
	out := make([]cwtypes.Dimension, 0, len(dims))
	for _, k := range slices.Sorted(maps.Keys(dims)) {
		out = append(out, cwtypes.Dimension{Name: aws.String(k), Value: aws.String(dims[k])})
	}
	return out
}

// fetch reads the window's samples of every query with GetMetricData, all
// pages, and returns them by query id for the canary and the baseline.
func (m *Metric) fetch(ctx context.Context, w window) (canary, baseline map[string]series, err error) {
	p := cloudwatch.NewGetMetricDataPaginator(m.client, &cloudwatch.GetMetricDataInput{
		MetricDataQueries: m.metricDataQueries(),
		StartTime:         aws.Time(w.start),
		EndTime:           aws.Time(w.end),
		ScanBy:            cwtypes.ScanByTimestampAscending,
	})
	canary, baseline = map[string]series{}, map[string]series{}
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("reading metrics with GetMetricData: %w", err)
		}
		for _, r := range out.MetricDataResults {
			if err := resultError(r); err != nil {
				return nil, nil, err
			}
			side, id := canary, strings.TrimPrefix(aws.ToString(r.Id), canaryPrefix)
			if rest, ok := strings.CutPrefix(aws.ToString(r.Id), baselinePrefix); ok {
				side, id = baseline, rest
			}
			s := side[id]
			for i, t := range r.Timestamps {
				if i < len(r.Values) && !t.Before(w.start) && t.Before(w.end) {
					s.times = append(s.times, t)
					s.values = append(s.values, r.Values[i])
				}
			}
			side[id] = s
		}
	}
	for _, side := range []map[string]series{canary, baseline} {
		for id, s := range side {
			side[id] = sortedSeries(s)
		}
	}
	return canary, baseline, nil
}

// resultError reports a query CloudWatch could not answer. PartialData
// means more pages follow, which the paginator reads.
func resultError(r cwtypes.MetricDataResult) error {
	if r.StatusCode != cwtypes.StatusCodeInternalError && r.StatusCode != cwtypes.StatusCodeForbidden {
		return nil
	}
	var msgs []string
	for _, m := range r.Messages {
		msgs = append(msgs, aws.ToString(m.Code)+": "+aws.ToString(m.Value))
	}
	return fmt.Errorf("reading metric query %s with GetMetricData: %s %s", aws.ToString(r.Id), r.StatusCode, strings.Join(msgs, "; "))
}

func sortedSeries(s series) series {
	idx := make([]int, len(s.times))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return s.times[idx[a]].Before(s.times[idx[b]]) })
	out := series{times: make([]time.Time, len(idx)), values: make([]float64, len(idx))}
	for i, j := range idx {
		out.times[i], out.values[i] = s.times[j], s.values[j]
	}
	return out
}
