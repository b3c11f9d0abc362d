package ledger

import (
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Benchmarks of ledger item encoding and decoding: every read and write of
// the ledger goes through them, once per resource per refresh. They are pure
// (no DynamoDB call); the package's TestMain still starts the emulator for
// the tests beside them. Each checks once that the item round-trips, so a
// broken encoder fails the benchmark rather than getting faster. Run them with
//
//	go test -run '^$' -bench . -benchmem ./internal/ledger
//
// (test/bench's "gobench" measurement does, and keeps benchstat-ready output).

var benchAt = time.Date(2026, 11, 23, 18, 30, 0, 123456789, time.UTC)

func benchSplit() splitItem {
	s := Split{
		Environment: "shop/prod", Service: "api", Router: "alb",
		ListenerARN: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2",
		RuleARN:     "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee",
		RuleCreated: true,
		Rule:        &SplitRule{Priority: 100, PathPatterns: []string{"/api/*"}, HostHeaders: []string{"shop.example.com"}},
		Destinations: []SplitDestination{
			{Name: "blue", Deployment: "shop/prod/api/blue", Target: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-api-blue/73e2d6bc24d8a067", Weight: 0},
			{Name: "green", Deployment: "shop/prod/api/green", Target: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-api-green/2453ed029918f21f", Weight: 100},
		},
		UpdatedAt: benchAt, UpdatedBy: "arn:aws:sts::123456789012:assumed-role/deployer/golive",
	}
	return splitItem{PK: envPK(s.Environment), SK: splitSK(s.Service), Kind: "traffic_split", Split: s}
}

func benchEvent() eventItem {
	e := Event{
		ID: "EVT#" + benchAt.Format(eventTimeLayout) + "#0a1b2c3d", Environment: "shop/prod", Service: "api",
		Kind: KindRolledBack, Version: "1.4.2", Outcome: "rolled_back", Actor: "arn:aws:sts::123456789012:assumed-role/deployer/golive",
		At: benchAt, Reason: "hotfix INC-1234", Detail: `at step 1 of 3: alarm "shop-prod-api-5xx" is ALARM: 5xx above threshold`,
	}
	return eventItem{PK: eventPK(e.Environment), SPK: eventSPK(e.Environment, e.Service), Event: e}
}

func benchEnvironment() envItem {
	v := int64(3)
	e := Environment{
		Application: "shop", Name: "prod", Tier: "production", PromotesFrom: "staging", Parity: "strict",
		AWSAccountID: "123456789012", DeletionProtection: true,
		VariableKeys: []string{"LOG_LEVEL", "STATIC_PATH", "FEATURE_FLAGS", "REGION"}, SecretKeys: []string{"DB_PASSWORD", "API_TOKEN"},
		SecretsVersion: &v,
		Freezes:        []FreezeRecord{{Start: "2026-12-24T00:00:00Z", End: "2026-12-27T00:00:00Z", Reason: "holiday freeze"}},
		DeployWindow:   &WindowRecord{Days: []string{"Mon", "Tue", "Wed", "Thu"}, Start: "09:00", End: "16:00", Timezone: "Europe/Berlin"},
		Notify:         &NotifyRecord{SNSTopicARN: "arn:aws:sns:us-east-1:123456789012:deploys", WebhookURL: "https://hooks.example.com/deploys"},
		UpdatedAt:      benchAt, UpdatedBy: "arn:aws:sts::123456789012:assumed-role/deployer/golive",
	}
	return envItem{PK: envPK(e.ID()), SK: "ENV", Kind: "environment", Environment: e}
}

func benchRelease() releaseItem {
	r := Release{
		Environment: "shop/prod", Service: "api", LiveSlot: "green", UpdatedAt: benchAt,
		Slots: map[string]Slot{
			"blue":  {Version: "1.4.1", Status: "verified", DeployedAt: benchAt.Add(-24 * time.Hour), Destination: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-api-blue/73e2d6bc24d8a067", Cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/shop", ECSService: "api-blue"},
			"green": {Version: "1.4.2", Status: "verified", DeployedAt: benchAt, Destination: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-api-green/2453ed029918f21f", Previous: "1.4.1", Cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/shop", ECSService: "api-green"},
		},
	}
	return releaseItem{PK: envPK(r.Environment), SK: releaseSK(r.Service), Kind: "release", Release: r}
}

// benchItem benchmarks encoding item and decoding it back into a T.
func benchItem[T any](b *testing.B, item T) {
	b.Helper()
	enc, err := attributevalue.MarshalMap(item)
	if err != nil {
		b.Fatal(err)
	}
	var back T
	if err := attributevalue.UnmarshalMap(enc, &back); err != nil {
		b.Fatal(err)
	}
	if !reflect.DeepEqual(back, item) {
		b.Fatalf("item does not round-trip:\n got %+v\nwant %+v", back, item)
	}
	b.Run("encode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := attributevalue.MarshalMap(item); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v T
			if err := attributevalue.UnmarshalMap(enc, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSplitItem(b *testing.B)       { benchItem(b, benchSplit()) }
func BenchmarkEventItem(b *testing.B)       { benchItem(b, benchEvent()) }
func BenchmarkEnvironmentItem(b *testing.B) { benchItem(b, benchEnvironment()) }
func BenchmarkReleaseItem(b *testing.B)     { benchItem(b, benchRelease()) }

// BenchmarkDecodeEventPage decodes a full page of history (50 events), what
// data "golive_history" and golive_delivery_metrics read per call.
func BenchmarkDecodeEventPage(b *testing.B) {
	const n = 50
	page := make([]map[string]types.AttributeValue, n)
	for i := range page {
		ev := benchEvent()
		ev.At = benchAt.Add(time.Duration(i) * time.Minute)
		enc, err := attributevalue.MarshalMap(ev)
		if err != nil {
			b.Fatal(err)
		}
		page[i] = enc
	}
	b.ReportAllocs()
	for b.Loop() {
		events := make([]Event, 0, n)
		for _, it := range page {
			var ei eventItem
			if err := attributevalue.UnmarshalMap(it, &ei); err != nil {
				b.Fatal(err)
			}
			events = append(events, ei.Event)
		}
		if len(events) != n {
			b.Fatalf("decoded %d events, want %d", len(events), n)
		}
	}
}
