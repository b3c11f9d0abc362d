package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// gobenchPackages are the packages whose Go benchmarks the measurement runs:
// the step planner and ledger item encoding.
var gobenchPackages = []string{"./internal/rollout", "./internal/ledger"}

func init() {
	register(Measurement{
		Name: "gobench",
		About: "Go benchmarks of the step planner (internal/rollout) and of ledger item encoding (internal/ledger): " +
			"`go test -run '^$' -bench . -benchmem -count N " + strings.Join(gobenchPackages, " ") + "` from the repository root; " +
			"the raw output, benchstat-ready, is kept in .build/gobench.txt. Each figure is the median ns/op of the N counts.",
		Order: 50,
		Run:   measureGobench,
	})
}

func measureGobench(e *Env) ([]Result, error) {
	args := []string{"test", "-run", "^$", "-bench", ".", "-benchmem"}
	if e.Opts.Quick {
		args = append(args, "-benchtime=100x", "-count", "1")
	} else {
		args = append(args, "-count", strconv.Itoa(e.Opts.Runs))
	}
	args = append(args, gobenchPackages...)
	cmd := exec.Command("go", args...)
	cmd.Dir = e.Root
	e.Log("gobench: go %s", strings.Join(args, " "))
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, tail(string(out), 4000))
	}
	raw := filepath.Join(e.Root, ".build", "gobench.txt")
	if err := os.MkdirAll(filepath.Dir(raw), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(raw, out, 0o644); err != nil {
		return nil, err
	}
	benches, err := parseGobench(string(out))
	if err != nil {
		return nil, err
	}
	var rs []Result
	for _, b := range benches {
		r := NewResult(b.Name, "ns_per_op", "ns", b.NsPerOp)
		r.Note = fmt.Sprintf("%s B/op, %s allocs/op (medians)", trim(Median(b.BytesPerOp)), trim(Median(b.AllocsPerOp)))
		r.Command = "go " + strings.Join(args, " ") + "   # from the repository root; raw output in .build/gobench.txt"
		rs = append(rs, r)
	}
	return rs, nil
}

// gobenchResult is one benchmark's samples, one per -count.
type gobenchResult struct {
	Name                             string // "<package base>/<Benchmark name without the -GOMAXPROCS suffix>"
	NsPerOp, BytesPerOp, AllocsPerOp []float64
}

var procsSuffix = regexp.MustCompile(`-\d+$`)

// parseGobench reads `go test -bench` output: "pkg:" lines name the package
// of the benchmark lines after them, each "BenchmarkX-N  iters  v unit ...".
func parseGobench(out string) ([]gobenchResult, error) {
	var order []string
	by := map[string]*gobenchResult{}
	pkg := ""
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = filepath.Base(strings.TrimSpace(p))
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := pkg + "/" + strings.TrimPrefix(procsSuffix.ReplaceAllString(f[0], ""), "Benchmark")
		b := by[name]
		if b == nil {
			b = &gobenchResult{Name: name}
			by[name] = b
			order = append(order, name)
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("benchmark line %q: %w", line, err)
			}
			switch f[i+1] {
			case "ns/op":
				b.NsPerOp = append(b.NsPerOp, v)
			case "B/op":
				b.BytesPerOp = append(b.BytesPerOp, v)
			case "allocs/op":
				b.AllocsPerOp = append(b.AllocsPerOp, v)
			}
		}
	}
	var rs []gobenchResult
	for _, n := range order {
		if len(by[n].NsPerOp) == 0 {
			return nil, fmt.Errorf("benchmark %s reported no ns/op", n)
		}
		rs = append(rs, *by[n])
	}
	if len(rs) == 0 {
		return nil, fmt.Errorf("no benchmark results in the output of go test:\n%s", tail(out, 2000))
	}
	return rs, sc.Err()
}
