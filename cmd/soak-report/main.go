// Command soak-report writes the figures of a `make soak` run into
// docs/reliability.md, and the reports they come from beside it:
//
//	go run ./cmd/soak-report -in .build/soak -docs docs/reliability.md -json docs/reliability-soak.json
//
// It fails when any run lost anything, so a soak with losses cannot be
// quoted as a clean one.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/soak"
)

func main() {
	in := flag.String("in", ".build/soak", "directory of soak reports (GOLIVE_SOAK_OUT)")
	docs := flag.String("docs", "docs/reliability.md", "markdown file with soak markers to update")
	runs := flag.String("runs", os.Getenv("GOLIVE_SOAK_RUNS"), "GOLIVE_SOAK_RUNS the soak used (for the header)")
	raw := flag.String("json", "docs/reliability-soak.json", "where to keep the reports, runs and all, that the page quotes")
	flag.Parse()
	sums, err := soak.ReadDir(*in)
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak report:", err)
		os.Exit(1)
	}
	if err := soak.WriteJSON(*raw, sums); err != nil {
		fmt.Fprintln(os.Stderr, "soak report:", err)
		os.Exit(1)
	}
	if err := soak.UpdateDocs(*docs, sums, soak.Header(*runs, filepath.Base(*raw), sums)); err != nil {
		fmt.Fprintln(os.Stderr, "soak report:", err)
		os.Exit(1)
	}
	fmt.Print(soak.Table(sums))
	for _, s := range sums {
		if s.Lost > 0 {
			fmt.Fprintf(os.Stderr, "soak report: %s/%s lost %d thing(s): see %s\n", s.Suite, s.Scenario, s.Lost, *in)
			os.Exit(1)
		}
	}
}
