package soak

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunsDefaultsToShortAndHonoursEnv(t *testing.T) {
	t.Setenv("GOLIVE_SOAK_RUNS", "")
	if got := Runs(2); got != 2 {
		t.Fatalf("Runs(2) without env = %d", got)
	}
	t.Setenv("GOLIVE_SOAK_RUNS", "40")
	if got := Runs(2); got != 40 {
		t.Fatalf("Runs(2) with GOLIVE_SOAK_RUNS=40 = %d", got)
	}
	t.Setenv("GOLIVE_SOAK_RUNS", "x")
	if got := Runs(3); got != 3 {
		t.Fatalf("Runs(3) with a bad GOLIVE_SOAK_RUNS = %d", got)
	}
}

func TestReportSummarizesAndWrites(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("GOLIVE_SOAK_OUT", dir)
	r := NewReport("faults", "three environments")
	r.Add(Run{Seed: 2, Outcome: "succeeded", Faults: map[string]int{"5xx": 3, "reset": 1}})
	r.Add(Run{Seed: 1, Outcome: "failed-cleanly", Faults: map[string]int{"5xx": 2}, Lost: []string{"x"}})
	if err := r.Write("faults-10"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "faults-10.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s Summary
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if s.Runs != 2 || s.FaultsInjected["5xx"] != 5 || s.FaultsInjected["reset"] != 1 || s.Lost != 1 ||
		s.Outcomes["succeeded"] != 1 || s.Outcomes["failed-cleanly"] != 1 || s.Details[0].Seed != 1 {
		t.Fatalf("summary %+v", s)
	}
}

func TestWriteWithoutOutDirDoesNothing(t *testing.T) {
	t.Setenv("GOLIVE_SOAK_OUT", "")
	if err := NewReport("a", "b").Write("c"); err != nil {
		t.Fatal(err)
	}
}

func TestTableAndUpdateDocs(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("GOLIVE_SOAK_OUT", dir)
	a := NewReport("faults", "30% faulted calls")
	a.Add(Run{Seed: 1, Outcome: "succeeded", Faults: map[string]int{"5xx": 2, "reset": 1}})
	if err := a.Write("faults-30"); err != nil {
		t.Fatal(err)
	}
	b := NewReport("concurrency", "same service")
	b.Add(Run{Seed: 1, Outcome: "one-refused"})
	if err := b.Write("concurrency"); err != nil {
		t.Fatal(err)
	}
	sums, err := ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	table := Table(sums)
	for _, want := range []string{
		"| concurrency | same service | 1 | none | one-refused 1 | 0 |",
		"| faults | 30% faulted calls | 1 | 3 (5xx 2, reset 1) | succeeded 1 | 0 |",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	doc := filepath.Join(t.TempDir(), "reliability.md")
	os.WriteFile(doc, []byte("# R\n\nprose\n\n"+DocsBegin+"\nold\n"+DocsEnd+"\n\nmore prose\n"), 0o644)
	if err := UpdateDocs(doc, sums, "header"); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(doc)
	if s := string(got); strings.Contains(s, "old") || !strings.Contains(s, "more prose") || !strings.Contains(s, "| faults |") {
		t.Fatalf("updated docs:\n%s", s)
	}
	if err := UpdateDocs(filepath.Join(t.TempDir(), "none.md"), sums, "h"); err == nil {
		t.Fatal("UpdateDocs of a missing file succeeded")
	}
}
