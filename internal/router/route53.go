package router

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

// Route53 routes with weighted record sets of one name and type, one per
// destination, identified by the destination name.
type Route53 struct {
	client *route53.Client
	zone   string
	name   string
	rtype  r53types.RRType
	ttl    int64
	dests  []rollout.Destination
}

func NewRoute53(client *route53.Client, zoneID, name, recordType string, ttl int64, dests []rollout.Destination) *Route53 {
	return &Route53{client: client, zone: zoneID, name: name, rtype: r53types.RRType(recordType), ttl: ttl, dests: dests}
}

func (r *Route53) String() string {
	return fmt.Sprintf("Route 53 record %s %s in zone %s", r.name, r.rtype, r.zone)
}

func fqdn(name string) string { return strings.ToLower(strings.TrimSuffix(name, ".")) + "." }

// records lists the record sets of exactly this name and type.
func (r *Route53) records(ctx context.Context) ([]r53types.ResourceRecordSet, error) {
	var sets []r53types.ResourceRecordSet
	in := &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(r.zone), StartRecordName: aws.String(r.name), StartRecordType: r.rtype}
	for {
		out, err := r.client.ListResourceRecordSets(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", r, err)
		}
		for _, s := range out.ResourceRecordSets {
			if fqdn(aws.ToString(s.Name)) != fqdn(r.name) || s.Type != r.rtype {
				return sets, nil // sorted: past our name and type
			}
			sets = append(sets, s)
		}
		if !out.IsTruncated {
			return sets, nil
		}
		in.StartRecordName, in.StartRecordType, in.StartRecordIdentifier = out.NextRecordName, out.NextRecordType, out.NextRecordIdentifier
	}
}

func value(s r53types.ResourceRecordSet) string {
	if len(s.ResourceRecords) == 0 {
		return ""
	}
	return aws.ToString(s.ResourceRecords[0].Value)
}

func (r *Route53) Read(ctx context.Context) (rollout.Weights, error) {
	sets, err := r.records(ctx)
	if err != nil {
		return nil, err
	}
	w := rollout.Weights{}
	names := map[string]bool{}
	for _, d := range r.dests {
		names[d.Name] = true
		w[d.Name] = 0
	}
	for _, s := range sets {
		id := aws.ToString(s.SetIdentifier)
		if id == "" { // a simple record: all traffic to its value
			key := "simple:" + value(s)
			for _, d := range r.dests {
				if d.Target == value(s) {
					key = d.Name
				}
			}
			w[key] += 100
			continue
		}
		w[id] += int(aws.ToInt64(s.Weight))
	}
	return normalise(w), nil
}

func (r *Route53) Set(ctx context.Context, w rollout.Weights) error {
	sets, err := r.records(ctx)
	if err != nil {
		return err
	}
	var changes []r53types.Change
	declared := map[string]bool{}
	for _, d := range r.dests {
		declared[d.Name] = true
	}
	// Delete in the same batch as the upserts: Route 53 applies a batch
	// atomically, so a simple record turns into weighted ones with no gap.
	for _, s := range sets {
		id := aws.ToString(s.SetIdentifier)
		weight, listed := w[id]
		if id == "" || (!declared[id] && listed && weight == 0) {
			changes = append(changes, r53types.Change{Action: r53types.ChangeActionDelete, ResourceRecordSet: &s})
		}
	}
	for _, d := range r.dests {
		changes = append(changes, r53types.Change{Action: r53types.ChangeActionUpsert, ResourceRecordSet: &r53types.ResourceRecordSet{
			Name: aws.String(r.name), Type: r.rtype, SetIdentifier: aws.String(d.Name), Weight: aws.Int64(int64(w[d.Name])),
			TTL: aws.Int64(r.ttl), ResourceRecords: []r53types.ResourceRecord{{Value: aws.String(d.Target)}},
		}})
	}
	_, err = r.client.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{
		HostedZoneId: aws.String(r.zone),
		ChangeBatch:  &r53types.ChangeBatch{Comment: aws.String("golive traffic split"), Changes: changes},
	})
	if err != nil {
		return fmt.Errorf("setting %s on %s: %w", w, r, err)
	}
	return nil
}
