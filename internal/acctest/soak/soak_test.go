package soak

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
		// Around the time column, which says how long the test took.
		"| concurrency | same service | 1 | ", " | none | one-refused 1 | 0 |",
		"| faults | 30% faulted calls | 1 | ", " | 3 (5xx 2, reset 1) | succeeded 1 | 0 |",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	doc := filepath.Join(t.TempDir(), "reliability.md")
	if err := os.WriteFile(doc, []byte("# R\n\nprose\n\n"+DocsBegin+"\nold\n"+DocsEnd+"\n\nmore prose\n"), 0o644); err != nil {
		t.Fatal(err)
	}
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

// A suite whose entries are places one run searched says so: one run, the
// places counted apart.
func TestSummaryCountsRunsBySeedWhenEntriesAreNotRuns(t *testing.T) {
	r := NewReport("secrets", "write-only secret")
	r.Unit = "places searched"
	for _, place := range []string{"state", "plan", "logs"} {
		r.Add(Run{Seed: 7, Outcome: "absent", Detail: place})
	}
	s := r.Summarize()
	if s.Runs != 1 || s.Entries != 3 || s.Outcomes["absent"] != 3 {
		t.Fatalf("summary %+v: want 1 run, 3 entries", s)
	}
	if want := "| secrets | write-only secret | 1 (3 places searched) |"; !strings.Contains(Table([]Summary{s}), want) {
		t.Errorf("table lacks %q:\n%s", want, Table([]Summary{s}))
	}
}

// The header's duration and cores come from the reports: from the first
// scenario's start to the last one's end.
func TestHeaderTimesTheSoakFromTheReports(t *testing.T) {
	at := func(hm string) time.Time {
		ts, err := time.Parse(time.RFC3339, "2026-11-23T"+hm+":00Z")
		if err != nil {
			t.Fatal(err)
		}
		return ts
	}
	sums := []Summary{
		{Suite: "faults", Scenario: "a", Started: at("10:00"), Finished: at("10:09"), CPUs: 2},
		{Suite: "secrets", Scenario: "b", Started: at("10:10"), Finished: at("10:15"), CPUs: 2},
		{Suite: "old", Scenario: "written before reports were timed"},
	}
	h := Header("10", "reliability-soak.json", sums)
	for _, want := range []string{"`make soak SOAK_RUNS=10`, run 2026-11-23 on 2 cores: 15m0s from the first scenario's start", "[`reliability-soak.json`](reliability-soak.json)"} {
		if !strings.Contains(h, want) {
			t.Errorf("header %q lacks %q", h, want)
		}
	}
	table := Table(sums)
	for _, want := range []string{"| faults | a | 0 | 9m0s |", "| old | written before reports were timed | 0 | — |"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	if got := Header("10", "x.json", sums[2:]); got != "Figures of `make soak SOAK_RUNS=10`." {
		t.Errorf("header without times = %q", got)
	}
	path := filepath.Join(t.TempDir(), "soak.json")
	if err := WriteJSON(path, sums); err != nil {
		t.Fatal(err)
	}
	var back []Summary
	if b, err := os.ReadFile(path); err != nil || json.Unmarshal(b, &back) != nil || len(back) != 3 || !back[0].Finished.Equal(at("10:09")) {
		t.Fatalf("raw reports read back: %+v, %v", back, err)
	}
}
