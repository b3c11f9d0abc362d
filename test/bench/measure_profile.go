package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// The profile measurement: where the provider spends CPU and memory at the
// largest scale size, from the CPU and allocation profiles the provider
// writes when GOLIVE_PPROF_DIR is set (internal/server/profile.go), read
// with `go tool pprof -top`.

// profileTop is how many functions each list shows.
const profileTop = 8

func init() {
	register(Measurement{
		Name: "profile",
		About: "CPU and allocation profiles of the golive provider during one more no-change plan and one more shift of the largest scale " +
			"size (not among the scale figures' runs), written by the provider itself when GOLIVE_PPROF_DIR names a directory (one pair of " +
			"profiles per provider process; Terraform starts the provider for each of its walks) and read, all processes of a command " +
			"together, with `go tool pprof -top`. Per command: the CPU seconds and the bytes allocated in all; the functions with the most " +
			"CPU in themselves (flat) and, among golive's, the framework's and the AWS SDK's, the most CPU below them (cumulative); and " +
			"the functions that allocate most. Percentages are of the command's total. Needs the scale measurement in the same run.",
		Order: 45,
		Run:   measureProfile,
	})
}

// profileRun is where one size's profiles are: Dir/plan and Dir/shift.
type profileRun struct{ Case, Dir string }

func measureProfile(e *Env) ([]Result, error) {
	if len(e.profiles) == 0 {
		return nil, errors.New("no profiles to read: the scale measurement makes them (BENCH_ARGS='-only scale|profile')")
	}
	var rs []Result
	for _, p := range e.profiles {
		for _, phase := range []string{"plan", "shift"} {
			r, err := profileResults(e, p, phase)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", phase, p.Case, err)
			}
			rs = append(rs, r...)
		}
	}
	for i := range rs {
		rs[i].Command = "make bench BENCH_ARGS='-only scale|profile'   # then go tool pprof .build/pprof/{plan,shift}/*.pprof"
	}
	return rs, keepProfiles(e)
}

// keepProfiles copies the profiles of the largest size to .build/pprof,
// which outlives the bench's scratch space, for go tool pprof.
func keepProfiles(e *Env) error {
	p := e.profiles[len(e.profiles)-1]
	dst := filepath.Join(e.Root, ".build", "pprof")
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	for _, phase := range []string{"plan", "shift"} {
		if err := copyDir(filepath.Join(p.Dir, phase), filepath.Join(dst, phase)); err != nil {
			return err
		}
	}
	e.Log("profile: the profiles of %s are in %s", p.Case, dst)
	return nil
}

func profileResults(e *Env, p profileRun, phase string) ([]Result, error) {
	dir := filepath.Join(p.Dir, phase)
	cpu, _ := filepath.Glob(filepath.Join(dir, "*.cpu.pprof"))
	allocs, _ := filepath.Glob(filepath.Join(dir, "*.allocs.pprof"))
	if len(cpu) == 0 || len(allocs) == 0 {
		return nil, fmt.Errorf("no profiles in %s", dir)
	}
	cs := fmt.Sprintf("%s, %s", phase, p.Case)
	cpuTotal, flat, err := pprofTop(e, cpu)
	if err != nil {
		return nil, err
	}
	_, cum, err := pprofTop(e, cpu, "-cum")
	if err != nil {
		return nil, err
	}
	allocTotal, alloc, err := pprofTop(e, allocs, "-sample_index=alloc_space")
	if err != nil {
		return nil, err
	}
	rs := []Result{
		NewResult(cs, "provider_cpu", "s", []float64{cpuTotal}),
		NewResult(cs, "provider_allocated", "MB", []float64{allocTotal / (1 << 20)}),
	}
	add := func(kind string, rows []pprofRow, pick func(pprofRow) bool, pct func(pprofRow) float64) {
		n := 0
		for _, r := range rows {
			if n == profileTop {
				break
			}
			if pick(r) {
				rs = append(rs, NewResult(cs+": "+kind, shortName(r.Name), "%", []float64{pct(r)}))
				n++
			}
		}
	}
	all := func(pprofRow) bool { return true }
	add("CPU, in the function", flat, all, func(r pprofRow) float64 { return r.FlatPct })
	add("CPU, below the function", cum, ownCode, func(r pprofRow) float64 { return r.CumPct })
	add("allocated, in the function", alloc, all, func(r pprofRow) float64 { return r.FlatPct })
	return rs, nil
}

// ownCode says whether a function is golive's, the plugin framework's or
// the AWS SDK's (where a provider's own costs are decided), leaving out the
// protocol layers every request passes through.
func ownCode(r pprofRow) bool {
	for _, skip := range []string{"/server.", "tf6server.", "tfplugin6.", "proto6server.", "grpc."} {
		if strings.Contains(r.Name, skip) {
			return false
		}
	}
	for _, p := range []string{"terraform-provider-golive/", "terraform-plugin-", "aws-sdk-go-v2", "smithy-go"} {
		if strings.Contains(r.Name, p) {
			return true
		}
	}
	return false
}

// shortName drops the module paths everyone knows.
func shortName(name string) string {
	for _, p := range []struct{ long, short string }{
		{"github.com/golive-dev/terraform-provider-golive/internal/", "golive/"},
		{"github.com/hashicorp/terraform-plugin-framework/", "framework/"},
		{"github.com/hashicorp/terraform-plugin-go/", "plugin-go/"},
		{"github.com/aws/aws-sdk-go-v2/", "aws-sdk/"},
		{"github.com/aws/smithy-go/", "smithy/"},
	} {
		name = strings.Replace(name, p.long, p.short, 1)
	}
	return strings.ReplaceAll(name, "|", "\\|")
}

// pprofRow is one row of `go tool pprof -top`.
type pprofRow struct {
	FlatPct, CumPct float64
	Name            string
}

var pprofTotal = regexp.MustCompile(`of ([0-9.]+)([a-zA-Z]*) total`)

// pprofTop runs `go tool pprof -top` over files (merged) and returns the
// total (seconds, or bytes) and the rows.
func pprofTop(e *Env, files []string, args ...string) (float64, []pprofRow, error) {
	cmd := exec.Command("go", append(append([]string{"tool", "pprof", "-top", "-nodecount=300"}, args...), files...)...)
	cmd.Dir = e.Root
	out, err := cmd.Output()
	if err != nil {
		return 0, nil, fmt.Errorf("go tool pprof: %w", err)
	}
	var total float64
	var rows []pprofRow
	inRows := false
	for _, line := range strings.Split(string(out), "\n") {
		if m := pprofTotal.FindStringSubmatch(line); m != nil {
			total = scaled(m[1], m[2])
		}
		f := strings.Fields(line)
		if len(f) >= 5 && f[0] == "flat" && f[1] == "flat%" {
			inRows = true
			continue
		}
		if !inRows || len(f) < 6 {
			continue
		}
		flat, err1 := strconv.ParseFloat(strings.TrimSuffix(f[1], "%"), 64)
		cum, err2 := strconv.ParseFloat(strings.TrimSuffix(f[4], "%"), 64)
		if err1 == nil && err2 == nil {
			rows = append(rows, pprofRow{FlatPct: flat, CumPct: cum, Name: strings.Join(f[5:], " ")})
		}
	}
	if len(rows) == 0 {
		return 0, nil, fmt.Errorf("go tool pprof printed no rows:\n%s", tail(string(out), 2000))
	}
	return total, rows, nil
}

// scaled reads a pprof quantity: seconds ("1.2s", "850ms", "2mins") or
// bytes ("12.5MB").
func scaled(v, unit string) float64 {
	x, _ := strconv.ParseFloat(v, 64)
	switch unit {
	case "ms":
		return x / 1000
	case "us":
		return x / 1e6
	case "mins":
		return x * 60
	case "hrs":
		return x * 3600
	case "kB":
		return x * (1 << 10)
	case "MB":
		return x * (1 << 20)
	case "GB":
		return x * (1 << 30)
	}
	return x
}
