package ledger

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Partition is every record the ledger keeps under one environment's key:
// the environment record and the release and traffic split records of its
// services. A refresh reads it once per environment (ReadPartition) instead
// of one GetItem per resource.
type Partition struct {
	Environment string // "<application>/<name>"
	env         *Environment
	releases    map[string]*Release // by service
	splits      map[string]*Split   // by service
	// Pages is how many Query pages (calls) reading it took.
	Pages int
}

// ReadPartition reads the environment record and every release and split
// record of env with one strongly consistent Query (more pages only past
// DynamoDB's 1 MB page).
func (l *Ledger) ReadPartition(ctx context.Context, env string) (*Partition, error) {
	p := &Partition{Environment: env, releases: map[string]*Release{}, splits: map[string]*Split{}}
	pages := dynamodb.NewQueryPaginator(l.db, &dynamodb.QueryInput{
		TableName:                 aws.String(l.table),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": strAttr(envPK(env))},
		ConsistentRead:            aws.Bool(true),
	})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading the records of environment %s from the ledger: %w", env, l.wrap(err))
		}
		p.Pages++
		for _, item := range out.Items {
			if err := p.add(item); err != nil {
				return nil, err
			}
		}
	}
	return p, nil
}

// add decodes one item of the partition by its sort key; kinds this version
// does not know are left alone.
func (p *Partition) add(item map[string]types.AttributeValue) error {
	sk, _ := item["sk"].(*types.AttributeValueMemberS)
	if sk == nil {
		return nil
	}
	switch {
	case sk.Value == "ENV":
		var it envItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return fmt.Errorf("decoding environment %s: %w", p.Environment, err)
		}
		p.env = &it.Environment
	case strings.HasPrefix(sk.Value, releaseSK("")):
		var it releaseItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return fmt.Errorf("decoding release of %s/%s: %w", p.Environment, strings.TrimPrefix(sk.Value, releaseSK("")), err)
		}
		p.releases[it.Service] = &it.Release
	case strings.HasPrefix(sk.Value, splitSK("")):
		var it splitItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return fmt.Errorf("decoding traffic split %s/%s: %w", p.Environment, strings.TrimPrefix(sk.Value, splitSK("")), err)
		}
		p.splits[it.Service] = &it.Split
	}
	return nil
}

// GetEnvironment is the environment record, as Ledger.GetEnvironment
// answers it: ErrNotFound if there is none.
func (p *Partition) GetEnvironment() (*Environment, error) {
	if p.env == nil {
		return nil, fmt.Errorf("environment %s: %w", p.Environment, ErrNotFound)
	}
	e := *p.env
	return &e, nil
}

// GetRelease is the release record of service, as Ledger.GetRelease
// answers it: ErrNotFound if there is none.
func (p *Partition) GetRelease(service string) (*Release, error) {
	r, ok := p.releases[service]
	if !ok {
		return nil, fmt.Errorf("release of %s/%s: %w", p.Environment, service, ErrNotFound)
	}
	c := *r
	return &c, nil
}

// Releases are the release records of every service, by service.
func (p *Partition) Releases() map[string]Release {
	out := make(map[string]Release, len(p.releases))
	for s, r := range p.releases {
		out[s] = *r
	}
	return out
}

// GetSplit is the traffic split record of service, as Ledger.GetSplit
// answers it: ErrNotFound if there is none.
func (p *Partition) GetSplit(service string) (*Split, error) {
	s, ok := p.splits[service]
	if !ok {
		return nil, fmt.Errorf("traffic split %s/%s: %w", p.Environment, service, ErrNotFound)
	}
	c := *s
	return &c, nil
}

// Splits are the traffic split records of every service, by service.
func (p *Partition) Splits() map[string]Split {
	out := make(map[string]Split, len(p.splits))
	for s, sp := range p.splits {
		out[s] = *sp
	}
	return out
}
