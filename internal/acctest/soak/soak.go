// Package soak sizes the reliability suites and records what they observed.
//
// `make test` runs each suite in its short form. `make soak` sets
// GOLIVE_SOAK_RUNS (how many seeded runs a suite makes) and GOLIVE_SOAK_OUT
// (a directory); each suite then writes one JSON report there, and
// docs/reliability.md quotes those reports.
package soak

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"time"
)

// Runs is how many runs a suite makes: GOLIVE_SOAK_RUNS when set, short
// otherwise.
func Runs(short int) int {
	if n, err := strconv.Atoi(os.Getenv("GOLIVE_SOAK_RUNS")); err == nil && n > 0 {
		return n
	}
	return short
}

// Seed is the base seed of a suite's random choices: GOLIVE_SOAK_SEED when
// set (to replay a run), the current time otherwise. Suites log it.
func Seed() int64 {
	if n, err := strconv.ParseInt(os.Getenv("GOLIVE_SOAK_SEED"), 10, 64); err == nil {
		return n
	}
	return time.Now().UnixNano()
}

// Run is one run of a scenario.
type Run struct {
	Seed    int64  `json:"seed"`
	Outcome string `json:"outcome"` // e.g. "succeeded", "failed-cleanly", "rolled-back"
	// Faults counts the faults injected into this run, by kind.
	Faults map[string]int `json:"faults,omitempty"`
	// Lost lists anything the run's invariants found missing or unrecorded
	// (weights no ledger event explains, a lock past its lease, ...). A
	// passing suite has none; the test fails on the first.
	Lost   []string `json:"lost,omitempty"`
	Detail string   `json:"detail,omitempty"`
	Millis int64    `json:"millis"`
}

// Report gathers the runs of one suite. Safe for concurrent use.
type Report struct {
	Suite    string `json:"suite"`
	Scenario string `json:"scenario"`
	// Unit names, in the plural, what each added Run stands for when it is
	// not a whole run, e.g. "places searched" for a suite that adds one
	// entry per place one run searched. Runs are then counted by seed.
	Unit    string `json:"unit,omitempty"`
	mu      sync.Mutex
	started time.Time
	Runs    []Run `json:"runs"`
}

// NewReport starts a report; its clock starts too.
func NewReport(suite, scenario string) *Report {
	return &Report{Suite: suite, Scenario: scenario, started: time.Now().UTC()}
}

// Add records a run.
func (r *Report) Add(run Run) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Runs = append(r.Runs, run)
}

// Summary is what docs/reliability.md quotes.
type Summary struct {
	Suite    string `json:"suite"`
	Scenario string `json:"scenario"`
	// Runs counts runs; with a Unit, Entries counts the entries they made.
	Runs    int    `json:"runs"`
	Unit    string `json:"unit,omitempty"`
	Entries int    `json:"entries,omitempty"`
	// Started and Finished are the wall-clock bounds of the scenario, from
	// NewReport to the summary; CPUs is how many the machine had.
	Started        time.Time      `json:"started"`
	Finished       time.Time      `json:"finished"`
	CPUs           int            `json:"cpus"`
	FaultsInjected map[string]int `json:"faults_injected,omitempty"`
	Outcomes       map[string]int `json:"outcomes"`
	Lost           int            `json:"lost"`
	Details        []Run          `json:"run_details"`
}

// Summarize totals the runs.
func (r *Report) Summarize() Summary {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := Summary{Suite: r.Suite, Scenario: r.Scenario, Runs: len(r.Runs), Unit: r.Unit, Outcomes: map[string]int{}, Details: append([]Run(nil), r.Runs...),
		Started: r.started, Finished: time.Now().UTC(), CPUs: runtime.NumCPU()}
	if r.Unit != "" {
		seeds := map[int64]bool{}
		for _, run := range r.Runs {
			seeds[run.Seed] = true
		}
		s.Runs, s.Entries = len(seeds), len(r.Runs)
	}
	sort.Slice(s.Details, func(i, j int) bool { return s.Details[i].Seed < s.Details[j].Seed })
	for _, run := range r.Runs {
		s.Outcomes[run.Outcome]++
		s.Lost += len(run.Lost)
		for k, n := range run.Faults {
			if s.FaultsInjected == nil {
				s.FaultsInjected = map[string]int{}
			}
			s.FaultsInjected[k] += n
		}
	}
	return s
}

// Write stores the summary as <GOLIVE_SOAK_OUT>/<name>.json; without
// GOLIVE_SOAK_OUT it does nothing.
func (r *Report) Write(name string) error {
	dir := os.Getenv("GOLIVE_SOAK_OUT")
	if dir == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(r.Summarize(), "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(dir, name+".json")
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing soak report: %w", err)
	}
	return nil
}
