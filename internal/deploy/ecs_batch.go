package deploy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// describeBatch is how many services one DescribeServices call accepts.
const describeBatch = 10

// DescribeAll reads the named services (names or ARNs) of cluster, ten to a
// DescribeServices call, keyed as asked. A service missing or INACTIVE is
// absent from the answer: Describe would say ErrServiceNotFound for it.
func (e *ECS) DescribeAll(ctx context.Context, cluster string, names []string) (map[string]*Live, error) {
	out := make(map[string]*Live, len(names))
	for start := 0; start < len(names); start += describeBatch {
		batch := names[start:min(start+describeBatch, len(names))]
		res, err := e.Client.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: batch,
			Include: []ecstypes.ServiceField{ecstypes.ServiceFieldTags}})
		if err != nil {
			return nil, fmt.Errorf("reading ECS services %v in %s: %w", batch, cluster, err)
		}
		for _, s := range res.Services {
			if aws.ToString(s.Status) == "INACTIVE" {
				continue
			}
			live := liveOf(s)
			for _, n := range batch {
				if n == aws.ToString(s.ServiceName) || n == aws.ToString(s.ServiceArn) {
					out[n] = live
				}
			}
		}
	}
	return out, nil
}
