// Command bench measures golive against the emulator and writes the results
// as JSON and as the tables of docs/performance.md. `make bench` runs it:
//
//	cd test && go run ./bench -out ../docs/performance.json -docs ../docs/performance.md
//
// Every measurement runs in this one process, against one moto server, so
// ratios between golive and the hashicorp/aws way are comparable. Each figure
// is the median of -runs runs. -quick shrinks every measurement to a smoke
// run (the bench smoke test in `make test` uses it); -only picks
// measurements by a regular expression on their names.
package main

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
)

func main() {
	var o Options
	flag.StringVar(&o.Out, "out", "", "write the results as JSON to this file")
	flag.StringVar(&o.Docs, "docs", "", "write the performance tables (markdown) to this file")
	flag.IntVar(&o.Runs, "runs", 5, "runs per figure (the figure is their median)")
	flag.BoolVar(&o.Quick, "quick", false, "smallest sizes, one run: a smoke run of the harness")
	only := flag.String("only", "", "run only measurements whose name matches this regular expression")
	flag.Parse()
	if *only != "" {
		re, err := regexp.Compile(*only)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench: -only:", err)
			os.Exit(2)
		}
		o.Only = re
	}
	res, err := Run(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	for _, r := range res.Results {
		fmt.Println(r.Line())
	}
}

// Options select and size the measurements.
type Options struct {
	Out, Docs string
	Runs      int
	Quick     bool
	Only      *regexp.Regexp
	// Log receives progress lines; stderr when nil.
	Log func(format string, args ...any)
}

// Run starts the emulator, runs the selected measurements in order and
// writes the outputs the options ask for.
func Run(o Options) (*Results, error) {
	if o.Quick {
		o.Runs = 1
	}
	if o.Runs < 1 {
		o.Runs = 1
	}
	if o.Log == nil {
		o.Log = func(format string, args ...any) { fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...) }
	}
	env, err := newEnv(o)
	if err != nil {
		return nil, err
	}
	defer env.Close()
	res := &Results{Started: time.Now().UTC(), Runs: o.Runs, Quick: o.Quick, Machine: machine()}
	for _, m := range measurements {
		if o.Only != nil && !o.Only.MatchString(m.Name) {
			continue
		}
		o.Log("%s: %s", m.Name, m.About)
		start := time.Now()
		rs, err := m.Run(env)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.Name, err)
		}
		for i := range rs {
			rs[i].Measurement = m.Name
			if rs[i].Command == "" {
				rs[i].Command = "make bench BENCH_ARGS='-only " + m.Name + "'"
			}
		}
		res.Results = append(res.Results, rs...)
		o.Log("%s: done in %s", m.Name, time.Since(start).Round(time.Second))
	}
	res.Finished = time.Now().UTC()
	if o.Out != "" {
		if err := res.WriteJSON(o.Out); err != nil {
			return nil, err
		}
	}
	if o.Docs != "" {
		if err := res.WriteDocs(o.Docs); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// Measurement is one family of figures. Measurements register themselves
// from their own files (measure_*.go) with register, in the order the
// tables show them.
type Measurement struct {
	Name  string // short, stable: used by -only and as the JSON key
	About string // one line for the docs
	Order int    // position in the report; lower first
	Run   func(*Env) ([]Result, error)
}

var measurements []Measurement

func register(m Measurement) {
	measurements = append(measurements, m)
	for i := len(measurements) - 1; i > 0 && measurements[i].Order < measurements[i-1].Order; i-- {
		measurements[i], measurements[i-1] = measurements[i-1], measurements[i]
	}
}

// ensure the emulator package is linked for measurements that need it.
var _ = emulator.Region
