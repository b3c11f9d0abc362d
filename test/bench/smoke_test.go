package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
)

// TestBenchSmoke runs every measurement once at its smallest size: the
// harness works end to end and each measurement yields figures. The figures
// themselves are not judged here (timings belong to `make bench`).
func TestBenchSmoke(t *testing.T) {
	emulator.SkipShort(t)
	if len(measurements) == 0 {
		t.Fatal("no measurements registered")
	}
	dir := t.TempDir()
	docs := filepath.Join(dir, "performance.md")
	if err := os.WriteFile(docs, []byte("# Performance\n\nhand-written prose\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "bench.json")
	res, err := Run(Options{Quick: true, Out: out, Docs: docs, Log: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range res.Results {
		seen[r.Measurement] = true
		if len(r.Samples) == 0 || math.IsNaN(r.Median) || math.IsInf(r.Median, 0) || r.Median < 0 {
			t.Errorf("%s/%s/%s: samples %v median %v", r.Measurement, r.Case, r.Metric, r.Samples, r.Median)
		}
		if r.Unit == "" || r.Metric == "" || r.Case == "" || r.Command == "" {
			t.Errorf("result without case, metric, unit or command: %+v", r)
		}
	}
	for _, m := range measurements {
		if !seen[m.Name] {
			t.Errorf("measurement %s produced no result", m.Name)
		}
	}
	var back Results
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &back); err != nil || len(back.Results) != len(res.Results) {
		t.Fatalf("JSON output: %v, %d results (want %d)", err, len(back.Results), len(res.Results))
	}
	md, err := os.ReadFile(docs)
	if err != nil {
		t.Fatal(err)
	}
	text := string(md)
	if !strings.Contains(text, "hand-written prose") || strings.Count(text, docsBegin) != 1 || strings.Count(text, docsEnd) != 1 {
		t.Fatalf("docs lost their prose or markers:\n%s", text)
	}
	for _, m := range measurements {
		if !strings.Contains(text, "### "+m.Name) {
			t.Errorf("docs have no table for %s", m.Name)
		}
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := Median(c.in); got != c.want {
			t.Errorf("Median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}
