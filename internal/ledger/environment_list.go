package ledger

import (
	"context"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Environments lists the environment records of application, sorted by
// name. Environments are keyed by id alone, so this scans the table (every
// page, filtered to environment records): its cost grows with the table,
// which suits a report or an operator's command, not a refresh.
func (l *Ledger) Environments(ctx context.Context, application string) ([]Environment, error) {
	pages := dynamodb.NewScanPaginator(l.db, &dynamodb.ScanInput{
		TableName:                aws.String(l.table),
		FilterExpression:         aws.String("sk = :env AND #app = :app"),
		ExpressionAttributeNames: map[string]string{"#app": "application"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":env": strAttr("ENV"), ":app": strAttr(application),
		},
		ConsistentRead: aws.Bool(true),
	})
	var envs []Environment
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing the environments of %s in the ledger: %w", application, l.wrap(err))
		}
		for _, item := range out.Items {
			var it envItem
			if err := attributevalue.UnmarshalMap(item, &it); err != nil {
				return nil, fmt.Errorf("decoding an environment of %s: %w", application, err)
			}
			envs = append(envs, it.Environment)
		}
	}
	sort.Slice(envs, func(i, j int) bool { return envs[i].Name < envs[j].Name })
	return envs, nil
}
