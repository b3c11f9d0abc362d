package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
)

// The start-up measurement: what a provider costs before it makes a single
// AWS call, golive alone against hashicorp/aws alone.

func init() {
	register(Measurement{
		Name: "startup",
		About: "Provider start-up: `terraform providers schema -json` (starts the provider and reads every schema) and `terraform validate` " +
			"of a one-resource configuration that uses golive alone (test/bench/fixtures/startup-golive) or hashicorp/aws alone " +
			"(test/bench/fixtures/startup-aws), after one untimed `terraform init`; wall time and the provider's peak RSS while it serves its schema.",
		Order: 20,
		Run:   measureStartup,
	})
}

func measureStartup(e *Env) ([]Result, error) {
	var rs []Result
	for _, c := range []struct{ name, fixture, provider, key string }{
		{"golive", "startup-golive", "golive", "registry.terraform.io/golive-dev/golive"},
		{"hashicorp/aws", "startup-aws", "aws", "registry.terraform.io/hashicorp/aws"},
	} {
		s, err := newBenchStack(context.Background(), e, c.fixture)
		if err != nil {
			return nil, err
		}
		if err := copyDir(filepath.Join(e.Root, "test", "bench", "fixtures", c.fixture), s.Dir); err != nil {
			return nil, err
		}
		if _, err := s.TF("init", "-input=false", "-no-color"); err != nil {
			return nil, err
		}
		var schema, validate, rss []float64
		var types int
		for run := 1; run <= e.Opts.Runs; run++ {
			e.Log("startup: %s: run %d of %d", c.name, run, e.Opts.Runs)
			p, err := s.TF("providers", "schema", "-json")
			if err != nil {
				return nil, err
			}
			// The schema must be the provider's, complete: its resources listed.
			var out struct {
				Schemas map[string]struct {
					Resources map[string]json.RawMessage `json:"resource_schemas"`
				} `json:"provider_schemas"`
			}
			// Output carries stderr too: the JSON starts at its first brace.
			if err := json.Unmarshal([]byte(p.Output[max(0, strings.Index(p.Output, "{")):]), &out); err != nil {
				return nil, fmt.Errorf("%s: providers schema -json: %w", c.name, err)
			}
			if types = len(out.Schemas[c.key].Resources); types == 0 {
				return nil, fmt.Errorf("%s: providers schema -json lists no resources of %s", c.name, c.key)
			}
			schema = append(schema, p.Wall.Seconds())
			rss = append(rss, float64(p.PeakRSS[c.provider])/(1<<20))
			v, err := s.TF("validate", "-no-color")
			if err != nil {
				return nil, err
			}
			validate = append(validate, v.Wall.Seconds())
		}
		sr := NewResult(c.name, "schema_seconds", "s", schema)
		sr.Note = fmt.Sprintf("%d resource types", types)
		sr.Summary = true
		mem := NewResult(c.name, "schema_provider_peak_rss", "MB", rss)
		mem.Summary = true
		rs = append(rs, sr, NewResult(c.name, "validate_seconds", "s", validate), mem)
	}
	return rs, nil
}
