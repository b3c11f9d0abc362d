package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/golive-dev/terraform-provider-golive/internal/emulator"
)

// Env is what every measurement shares: one emulator, the CLI configuration
// that installs golive from the local mirror, and scratch space.
type Env struct {
	Opts    Options
	Server  *emulator.Server
	Root    string // repository root
	TFRC    string // TF_CLI_CONFIG_FILE
	Scratch string
}

func newEnv(o Options) (*Env, error) {
	tfrc := os.Getenv("TF_CLI_CONFIG_FILE")
	if _, err := os.Stat(tfrc); err != nil {
		return nil, fmt.Errorf("TF_CLI_CONFIG_FILE (%q) names no file: run through `make bench`, which builds the provider into a local mirror and writes it", tfrc)
	}
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	scratch, err := os.MkdirTemp("", "golive-bench-*")
	if err != nil {
		return nil, err
	}
	srv, err := emulator.Start(emulator.Options{ECSServiceRunning: 1})
	if err != nil {
		os.RemoveAll(scratch)
		return nil, err
	}
	return &Env{Opts: o, Server: srv, Root: root, TFRC: tfrc, Scratch: scratch}, nil
}

// Close stops the emulator and removes scratch space.
func (e *Env) Close() {
	e.Server.Stop()
	os.RemoveAll(e.Scratch)
}

// Log prints a progress line.
func (e *Env) Log(format string, args ...any) { e.Opts.Log(format, args...) }

// Account creates a fresh emulator account and returns its ID and an SDK
// configuration acting in it.
func (e *Env) Account(ctx context.Context) (string, aws.Config, error) {
	id := emulator.NewAccountID()
	cfg, err := e.Server.AccountConfig(ctx, id)
	return id, cfg, err
}

// Dir makes a fresh scratch directory.
func (e *Env) Dir(name string) (string, error) { return os.MkdirTemp(e.Scratch, name+"-*") }

// Record runs fn inside a window of the emulator's request recorder and
// returns the calls made meanwhile (by every client: run nothing else).
func (e *Env) Record(fn func() error) ([]emulator.Call, error) {
	rec, err := e.Server.StartRecording()
	if err != nil {
		return nil, err
	}
	ferr := fn()
	calls, err := rec.Stop()
	if ferr != nil {
		return calls, ferr
	}
	return calls, err
}

// Proc is a finished terraform run.
type Proc struct {
	Wall   time.Duration
	Output string
	// PeakRSS is the highest resident set (VmHWM) seen per provider plugin
	// ("golive", "aws"), in bytes, sampled while the run lasted.
	PeakRSS map[string]int64
	// CPU is the user+system CPU time of terraform and of the children it
	// waited for (the provider plugins), from the process's rusage: with
	// the emulator's own CPU it tells which side a slow run spent its time on.
	CPU time.Duration
}

// Terraform runs `terraform <args>` in dir with the bench's CLI
// configuration and extra environment, and reports wall time and the peak
// memory of the provider plugins it started.
func (e *Env) Terraform(dir string, env []string, args ...string) (Proc, error) {
	cmd := exec.Command("terraform", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+e.TFRC, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	cmd.Env = append(cmd.Env, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return Proc{}, err
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	peak := map[string]int64{}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			samplePlugins(cmd.Process.Pid, peak)
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	err := cmd.Wait()
	p := Proc{Wall: time.Since(start), Output: out.String()}
	if st := cmd.ProcessState; st != nil {
		p.CPU = st.UserTime() + st.SystemTime()
	}
	close(stop)
	wg.Wait()
	p.PeakRSS = peak
	if err != nil {
		return p, fmt.Errorf("terraform %s in %s: %w\n%s", strings.Join(args, " "), dir, err, tail(out.String(), 4000))
	}
	return p, nil
}

// samplePlugins records the VmHWM of every provider plugin whose parent is
// pid.
func samplePlugins(pid int, peak map[string]int64) {
	ents, _ := os.ReadDir("/proc")
	for _, d := range ents {
		child, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		status, err := os.ReadFile(filepath.Join("/proc", d.Name(), "status"))
		if err != nil {
			continue
		}
		var ppid int
		var hwm int64
		sc := bufio.NewScanner(bytes.NewReader(status))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) < 2 {
				continue
			}
			switch f[0] {
			case "PPid:":
				ppid, _ = strconv.Atoi(f[1])
			case "VmHWM:":
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				hwm = kb * 1024
			}
		}
		if ppid != pid {
			continue
		}
		exe, _ := os.Readlink(filepath.Join("/proc", strconv.Itoa(child), "exe"))
		var name string
		switch base := filepath.Base(exe); {
		case strings.HasPrefix(base, "terraform-provider-golive"):
			name = "golive"
		case strings.HasPrefix(base, "terraform-provider-aws"):
			name = "aws"
		default:
			continue
		}
		if hwm > peak[name] {
			peak[name] = hwm
		}
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "terraform-registry-manifest.json")); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("no repository root above %s", dir)
}

// Seconds converts durations to float seconds.
func Seconds(ds ...time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = d.Seconds()
	}
	return out
}
