package router_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
	"github.com/golive-dev/terraform-provider-golive/internal/router"
)

var cnameDests = []rollout.Destination{{Name: "blue", Target: "blue.example.com"}, {Name: "green", Target: "green.example.com"}}

// newZone creates example.com holding records. Quirks of moto shape them:
//   - every set identifier is unique in the zone: moto's DELETE of a
//     weighted record removes every record with that identifier, whatever
//     its name or type;
//   - moto applies a batch in order, and a DELETE without set identifier
//     removes every record of the name and type, so the router sending its
//     deletes before its upserts is what keeps the new weighted records.
func newZone(t *testing.T, cfg aws.Config, records ...r53types.ResourceRecordSet) (*route53.Client, string) {
	t.Helper()
	ctx := context.Background()
	r := route53.NewFromConfig(cfg)
	out, err := r.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String("example.com"), CallerReference: aws.String(t.Name())})
	if err != nil {
		t.Fatal(err)
	}
	zone := aws.ToString(out.HostedZone.Id)
	var changes []r53types.Change
	for i := range records {
		changes = append(changes, r53types.Change{Action: r53types.ChangeActionCreate, ResourceRecordSet: &records[i]})
	}
	if _, err := r.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{HostedZoneId: aws.String(zone),
		ChangeBatch: &r53types.ChangeBatch{Changes: changes}}); err != nil {
		t.Fatal(err)
	}
	return r, zone
}

func simpleRecord(name string, rtype r53types.RRType, value string) r53types.ResourceRecordSet {
	return r53types.ResourceRecordSet{Name: aws.String(name), Type: rtype, TTL: aws.Int64(300),
		ResourceRecords: []r53types.ResourceRecord{{Value: aws.String(value)}}}
}

func weightedRecord(name, id string, weight int64, value string) r53types.ResourceRecordSet {
	rec := simpleRecord(name, r53types.RRTypeCname, value)
	rec.SetIdentifier, rec.Weight = aws.String(id), aws.Int64(weight)
	return rec
}

// liveRecord is a record set as the API lists it.
type liveRecord struct {
	Weight int64 // -1: not weighted
	TTL    int64
	Value  string
}

// liveRecords lists the zone's records of name and type straight from the
// API, by set identifier ("" for a simple record).
func liveRecords(t *testing.T, r *route53.Client, zone, name string, rtype r53types.RRType) map[string]liveRecord {
	t.Helper()
	out, err := r.ListResourceRecordSets(context.Background(), &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(zone)})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]liveRecord{}
	for _, s := range out.ResourceRecordSets {
		if strings.TrimSuffix(aws.ToString(s.Name), ".") != name || s.Type != rtype {
			continue
		}
		rec := liveRecord{Weight: -1, TTL: aws.ToInt64(s.TTL)}
		if s.Weight != nil {
			rec.Weight = *s.Weight
		}
		for _, v := range s.ResourceRecords {
			rec.Value += aws.ToString(v.Value)
		}
		got[aws.ToString(s.SetIdentifier)] = rec
	}
	return got
}

func TestRoute53_String(t *testing.T) {
	t.Parallel()
	mustEqual(t, "String", router.NewRoute53(nil, "Z1", "api.example.com", "CNAME", 60, nil).String(),
		"Route 53 record api.example.com CNAME in zone Z1")
}

func TestRoute53_SimpleToWeightedInOneBatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, _ := account(t)
	client, zone := newZone(t, cfg,
		simpleRecord("api.example.com", r53types.RRTypeCname, "blue.example.com"),
		simpleRecord("api.example.com", r53types.RRTypeTxt, `"owner=shop"`),
		simpleRecord("www.example.com", r53types.RRTypeCname, "blue.example.com"),
	)
	counting, calls := counted(cfg)
	// Mixed case and a trailing dot name the same record.
	r := router.NewRoute53(route53.NewFromConfig(counting), zone, "API.example.com.", "CNAME", 60, cnameDests)

	got, err := r.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "simple record counts as its destination", got, rollout.Weights{"blue": 100, "green": 0})

	calls.reset()
	if err := r.Set(ctx, rollout.Weights{"blue": 90, "green": 10}); err != nil {
		t.Fatal(err)
	}
	if n := calls.matching("POST", "/rrset"); n != 1 {
		t.Fatalf("Set sent %d change batches, want 1", n)
	}
	mustEqual(t, "after 90/10", liveRecords(t, client, zone, "api.example.com", r53types.RRTypeCname), map[string]liveRecord{
		"blue":  {Weight: 90, TTL: 60, Value: "blue.example.com"},
		"green": {Weight: 10, TTL: 60, Value: "green.example.com"},
	})

	if err := r.Set(ctx, rollout.Weights{"blue": 0, "green": 100}); err != nil {
		t.Fatal(err)
	}
	// A router that read once sends one change batch per step and reads
	// nothing more: the simple record it replaced is not deleted twice.
	if n, lists := calls.matching("POST", "/rrset"), calls.matching("GET", "/rrset"); n != 2 || lists != 0 {
		t.Fatalf("two steps sent %d change batches and %d lists, want 2 and none", n, lists)
	}
	mustEqual(t, "after 0/100, blue kept at 0", liveRecords(t, client, zone, "api.example.com", r53types.RRTypeCname), map[string]liveRecord{
		"blue":  {Weight: 0, TTL: 60, Value: "blue.example.com"},
		"green": {Weight: 100, TTL: 60, Value: "green.example.com"},
	})
	got, err = r.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "Read after 0/100", got, rollout.Weights{"blue": 0, "green": 100})

	// Other types of the name and other names are left alone.
	mustEqual(t, "TXT of the name", liveRecords(t, client, zone, "api.example.com", r53types.RRTypeTxt),
		map[string]liveRecord{"": {Weight: -1, TTL: 300, Value: `"owner=shop"`}})
	mustEqual(t, "other name", liveRecords(t, client, zone, "www.example.com", r53types.RRTypeCname),
		map[string]liveRecord{"": {Weight: -1, TTL: 300, Value: "blue.example.com"}})
}

func TestRoute53_UnknownRecordsUnderRawKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, _ := account(t)
	client, zone := newZone(t, cfg,
		weightedRecord("api.example.com", "blue", 1, "blue.example.com"),
		weightedRecord("api.example.com", "old", 3, "old.example.com"),
		simpleRecord("legacy.example.com", r53types.RRTypeCname, "mainframe.example.net"),
		weightedRecord("idle.example.com", "idle-blue", 0, "blue.example.com"),
		weightedRecord("idle.example.com", "idle-green", 0, "green.example.com"),
	)
	routerClient := route53.NewFromConfig(cfg)
	r := router.NewRoute53(routerClient, zone, "api.example.com", "CNAME", 60, cnameDests)

	got, err := r.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "relative weights as percent, unknown identifier raw", got, rollout.Weights{"blue": 25, "green": 0, "old": 75})

	// A record no destination declares is left alone unless set to 0.
	if err := r.Set(ctx, rollout.Weights{"blue": 100, "green": 0}); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "old left alone", liveRecords(t, client, zone, "api.example.com", r53types.RRTypeCname), map[string]liveRecord{
		"blue":  {Weight: 100, TTL: 60, Value: "blue.example.com"},
		"green": {Weight: 0, TTL: 60, Value: "green.example.com"},
		"old":   {Weight: 3, TTL: 300, Value: "old.example.com"},
	})
	if err := r.Set(ctx, rollout.Weights{"blue": 100, "green": 0, "old": 0}); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "old deleted", liveRecords(t, client, zone, "api.example.com", r53types.RRTypeCname), map[string]liveRecord{
		"blue":  {Weight: 100, TTL: 60, Value: "blue.example.com"},
		"green": {Weight: 0, TTL: 60, Value: "green.example.com"},
	})

	// A simple record whose value no destination routes to.
	legacy := router.NewRoute53(routerClient, zone, "legacy.example.com", "CNAME", 60, cnameDests)
	got, err = legacy.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "unknown simple record", got, rollout.Weights{"blue": 0, "green": 0, "simple:mainframe.example.net": 100})

	// All weights zero: Route 53 spreads evenly, golive reports zeros.
	idle := router.NewRoute53(routerClient, zone, "idle.example.com", "CNAME", 60,
		[]rollout.Destination{{Name: "idle-blue", Target: "blue.example.com"}, {Name: "idle-green", Target: "green.example.com"}})
	got, err = idle.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "all zero", got, rollout.Weights{"idle-blue": 0, "idle-green": 0})
}

func TestRoute53_ErrorsNameTheRecord(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, _ := account(t)
	r := router.NewRoute53(route53.NewFromConfig(cfg), "ZNOSUCHZONE", "api.example.com", "CNAME", 60, cnameDests)
	want := "Route 53 record api.example.com CNAME in zone ZNOSUCHZONE"
	if _, err := r.Read(ctx); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Read in a missing zone: %v", err)
	}
	if err := r.Set(ctx, rollout.Weights{"blue": 100}); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Set in a missing zone: %v", err)
	}
}
