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

var _ rollout.Router = (*Route53)(nil)

// Route53 routes with weighted record sets of one name and type, one per
// destination: the destination name is the set identifier, its target the
// record value.
//
// Like ALB, it remembers the record sets as it last read or wrote them, so
// that each step of a canary is one change batch (Route 53 allows an
// account few requests a second); a write that fails forgets.
type Route53 struct {
	client *route53.Client
	zone   string
	name   string
	rtype  r53types.RRType
	ttl    int64
	dests  []rollout.Destination
	seen   []r53types.ResourceRecordSet
	known  bool
}

// NewRoute53 routes on the record sets of name and recordType in zoneID;
// the weighted records it writes get ttl.
func NewRoute53(client *route53.Client, zoneID, name, recordType string, ttl int64, dests []rollout.Destination) *Route53 {
	return &Route53{client: client, zone: zoneID, name: name, rtype: r53types.RRType(recordType), ttl: ttl, dests: dests}
}

func (r *Route53) String() string {
	return fmt.Sprintf("Route 53 record %s %s in zone %s", r.name, r.rtype, r.zone)
}

// Read returns the weights of the weighted record sets, by set identifier,
// as percentages of their total. A simple record is all the traffic, under
// the destination routing to its value or else "simple:<value>".
func (r *Route53) Read(ctx context.Context) (rollout.Weights, error) {
	sets, err := r.records(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading weights of %s: %w", r, err)
	}
	w := rollout.Weights{}
	for _, d := range r.dests {
		w[d.Name] = 0
	}
	for _, s := range sets {
		id := aws.ToString(s.SetIdentifier)
		switch {
		case id == "":
			w[r.simpleKey(s)] += 100
		case s.Weight == nil:
			return nil, fmt.Errorf("reading weights of %s: record set %q has a routing policy other than weighted", r, id)
		default:
			w[id] += int(*s.Weight)
		}
	}
	return normalise(w), nil
}

// Set writes, in one change batch, one weighted record per destination
// (weight 0 included), deletes a simple record of the name so it turns
// into weighted ones with no gap, and deletes weighted records no
// destination declares only when w sets them to 0 explicitly.
func (r *Route53) Set(ctx context.Context, w rollout.Weights) error {
	if err := checkPercents(w); err != nil {
		return fmt.Errorf("setting %s on %s: %w", w, r, err)
	}
	sets, err := r.records(ctx)
	if err != nil {
		return fmt.Errorf("setting %s on %s: %w", w, r, err)
	}
	declared := map[string]bool{}
	for _, d := range r.dests {
		declared[d.Name] = true
	}
	var changes []r53types.Change
	// Route 53 applies a batch as a whole, so deleting the simple record
	// beside the weighted upserts leaves no moment without an answer.
	// Deletes go first, as a reader of the batch would apply it.
	for _, s := range sets {
		id := aws.ToString(s.SetIdentifier)
		weight, listed := w[id]
		if id == "" || (!declared[id] && listed && weight == 0) {
			changes = append(changes, r53types.Change{Action: r53types.ChangeActionDelete, ResourceRecordSet: &s})
		}
	}
	for _, d := range r.dests {
		changes = append(changes, r53types.Change{Action: r53types.ChangeActionUpsert, ResourceRecordSet: &r53types.ResourceRecordSet{
			Name: aws.String(canonicalName(r.name)), Type: r.rtype, SetIdentifier: aws.String(d.Name),
			Weight: aws.Int64(int64(w[d.Name])), TTL: aws.Int64(r.ttl),
			ResourceRecords: []r53types.ResourceRecord{{Value: aws.String(d.Target)}},
		}})
	}
	if len(changes) == 0 {
		return nil
	}
	_, err = r.client.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{
		HostedZoneId: aws.String(r.zone),
		ChangeBatch:  &r53types.ChangeBatch{Comment: aws.String("golive traffic split"), Changes: changes},
	})
	if err != nil {
		r.seen, r.known = nil, false
		return fmt.Errorf("setting %s on %s: %w", w, r, err)
	}
	r.seen = applied(sets, changes)
	return nil
}

// applied is sets after changes: deleted sets gone, upserted ones in place
// of any of the same identifier.
func applied(sets []r53types.ResourceRecordSet, changes []r53types.Change) []r53types.ResourceRecordSet {
	gone := map[string]bool{}
	var upserts []r53types.ResourceRecordSet
	for _, c := range changes {
		gone[aws.ToString(c.ResourceRecordSet.SetIdentifier)] = true
		if c.Action == r53types.ChangeActionUpsert {
			upserts = append(upserts, *c.ResourceRecordSet)
		}
	}
	var out []r53types.ResourceRecordSet
	for _, s := range sets {
		if !gone[aws.ToString(s.SetIdentifier)] {
			out = append(out, s)
		}
	}
	return append(out, upserts...)
}

// records lists the record sets of exactly this name and type, once: then
// as the router last wrote them.
func (r *Route53) records(ctx context.Context) ([]r53types.ResourceRecordSet, error) {
	if r.known {
		return r.seen, nil
	}
	sets, err := r.list(ctx)
	if err == nil {
		r.seen, r.known = sets, true
	}
	return sets, err
}

// list reads the record sets of exactly this name and type. Route 53 lists
// in order from the start name and type, so the first other record ends the
// search.
func (r *Route53) list(ctx context.Context) ([]r53types.ResourceRecordSet, error) {
	want := canonicalName(r.name)
	var sets []r53types.ResourceRecordSet
	in := &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(r.zone), StartRecordName: aws.String(want), StartRecordType: r.rtype}
	for {
		out, err := r.client.ListResourceRecordSets(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, s := range out.ResourceRecordSets {
			if canonicalName(aws.ToString(s.Name)) != want || s.Type != r.rtype {
				return sets, nil
			}
			sets = append(sets, s)
		}
		if !out.IsTruncated {
			return sets, nil
		}
		in.StartRecordName, in.StartRecordType, in.StartRecordIdentifier = out.NextRecordName, out.NextRecordType, out.NextRecordIdentifier
	}
}

// simpleKey is the key a simple record's traffic is reported under.
func (r *Route53) simpleKey(s r53types.ResourceRecordSet) string {
	v := recordValue(s)
	for _, d := range r.dests {
		if sameValue(d.Target, v) {
			return d.Name
		}
	}
	return "simple:" + v
}

// canonicalName is a DNS name as Route 53 compares it: lower case, no
// trailing dot, with the wildcard label Route 53 lists as \052 unescaped.
func canonicalName(name string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSuffix(name, ".")), `\052`, "*")
}

// recordValue is a record set's value: its records joined by commas, or an
// alias record's DNS name.
func recordValue(s r53types.ResourceRecordSet) string {
	if s.AliasTarget != nil {
		return aws.ToString(s.AliasTarget.DNSName)
	}
	values := make([]string, len(s.ResourceRecords))
	for i, rr := range s.ResourceRecords {
		values[i] = aws.ToString(rr.Value)
	}
	return strings.Join(values, ",")
}

// sameValue compares record values, ignoring a domain name's trailing dot
// and case.
func sameValue(a, b string) bool {
	return strings.EqualFold(strings.TrimSuffix(a, "."), strings.TrimSuffix(b, "."))
}
