package notify_test

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/notify"
)

// schemaFile is the published JSON Schema of notification payloads.
const schemaFile = "../../docs/events.schema.json"

var (
	schemaOnce     sync.Once
	compiledSchema *jsonschema.Schema
	schemaErr      error
)

// eventSchema compiles docs/events.schema.json, asserting formats
// (date-time).
func eventSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	schemaOnce.Do(func() {
		raw, err := os.ReadFile(schemaFile)
		if err != nil {
			schemaErr = err
			return
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			schemaErr = err
			return
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		if schemaErr = c.AddResource("events.schema.json", doc); schemaErr != nil {
			return
		}
		compiledSchema, schemaErr = c.Compile("events.schema.json")
	})
	if schemaErr != nil {
		t.Fatalf("%s: %v", schemaFile, schemaErr)
	}
	return compiledSchema
}

// validateEvent checks a JSON document against the schema.
func validateEvent(t *testing.T, body []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("not JSON: %v: %s", err, body)
	}
	if err := eventSchema(t).Validate(doc); err != nil {
		t.Fatalf("%s does not match %s: %v", body, schemaFile, err)
	}
}

// vocabulary reads the ledger's Kind* and Outcome* constants from its
// source, so a kind added there without a schema update fails this test.
func vocabulary(t *testing.T) (kinds, outcomes []string) {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../ledger/vocabulary.go", nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Values) != 1 {
			return true
		}
		lit, ok := vs.Values[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		v, _ := strconv.Unquote(lit.Value)
		switch name := vs.Names[0].Name; {
		case strings.HasPrefix(name, "Kind"):
			kinds = append(kinds, v)
		case strings.HasPrefix(name, "Outcome"):
			outcomes = append(outcomes, v)
		}
		return true
	})
	if len(kinds) < 15 || len(outcomes) < 10 {
		t.Fatalf("read only %d kinds and %d outcomes from the ledger's vocabulary", len(kinds), len(outcomes))
	}
	return kinds, outcomes
}

func TestSchema_enumsAreTheLedgerVocabulary(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Properties struct {
			Kind, Outcome struct{ Enum []string }
		}
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	kinds, outcomes := vocabulary(t)
	for _, c := range []struct {
		what         string
		schema, code []string
	}{{"kind", s.Properties.Kind.Enum, kinds}, {"outcome", s.Properties.Outcome.Enum, outcomes}} {
		slices.Sort(c.schema)
		slices.Sort(c.code)
		if !slices.Equal(c.schema, c.code) {
			t.Errorf("%s enum in %s:\n%v\ninternal/ledger/vocabulary.go:\n%v\nadd new ones to the schema and the events guide", c.what, schemaFile, c.schema, c.code)
		}
	}
}

// Every kind the ledger can record, as sent to a webhook, SNS or
// EventBridge, matches the schema: with every field, and with only the
// fields that are always there.
func TestSchema_everyEventKindMatches(t *testing.T) {
	t.Parallel()
	kinds, outcomes := vocabulary(t)
	for i, kind := range kinds {
		full := ledger.Event{ID: "EVT#2026-11-22T10:00:00.000000000Z#9f1c2a7b", Environment: "shop/prod", Service: "api", Kind: kind,
			Version: "1.4.2", Outcome: outcomes[i%len(outcomes)], Actor: "arn:aws:sts::123456789012:assumed-role/deployer/golive",
			At: time.Date(2026, 11, 22, 10, 0, 0, 0, time.FixedZone("CET", 3600)), Reason: "why", Detail: "what"}
		bare := ledger.Event{ID: full.ID, Environment: "shop/prod", Kind: kind, At: full.At}
		for _, e := range []ledger.Event{full, bare} {
			body, err := json.Marshal(notify.PayloadOf(e))
			if err != nil {
				t.Fatal(err)
			}
			validateEvent(t, body)
		}
	}
}

func TestSchema_refusesWhatGoliveNeverSends(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"schema":"golive.event/v2","id":"EVT#1","environment":"shop/prod","kind":"rolled_back","actor":"a","at":"2026-11-22T10:00:00Z"}`,
		`{"schema":"golive.event/v1","id":"EVT#1","environment":"shop/prod","kind":"exploded","actor":"a","at":"2026-11-22T10:00:00Z"}`,
		`{"schema":"golive.event/v1","id":"EVT#1","environment":"shop/prod","kind":"rolled_back","actor":"a","at":"yesterday"}`,
		`{"schema":"golive.event/v1","id":"EVT#1","environment":"shop/prod","kind":"rolled_back","actor":"a","at":"2026-11-22T10:00:00Z","secret":"x"}`,
		`{"schema":"golive.event/v1","id":"EVT#1","kind":"rolled_back","actor":"a","at":"2026-11-22T10:00:00Z"}`,
	} {
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if eventSchema(t).Validate(doc) == nil {
			t.Errorf("the schema accepts %s", body)
		}
	}
}
