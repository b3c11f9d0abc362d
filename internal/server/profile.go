package server

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"
)

// ProfileDirEnv names the environment variable that turns profiling on:
// the provider process then writes a CPU profile and an allocation profile
// of its whole life into that directory, as
// <dir>/golive-<start>-<pid>.{cpu,allocs}.pprof, for `go tool pprof`.
// Terraform starts the provider afresh for each of its walks (validate,
// plan, apply), so one terraform command leaves a pair per walk.
const ProfileDirEnv = "GOLIVE_PPROF_DIR"

// StartProfiles starts profiling into dir and returns the function that
// writes the profiles; call it when the provider stops serving.
func StartProfiles(dir string) (stop func() error, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("%s: %w", ProfileDirEnv, err)
	}
	base := filepath.Join(dir, fmt.Sprintf("golive-%d-%d", time.Now().UnixNano(), os.Getpid()))
	cpu, err := os.Create(base + ".cpu.pprof")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ProfileDirEnv, err)
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		_ = cpu.Close()
		return nil, fmt.Errorf("%s: %w", ProfileDirEnv, err)
	}
	return func() error {
		pprof.StopCPUProfile()
		cerr := cpu.Close()
		allocs, err := os.Create(base + ".allocs.pprof")
		if err != nil {
			return err
		}
		runtime.GC() // the heap figures as of the end, beside every allocation made
		werr := pprof.Lookup("allocs").WriteTo(allocs, 0)
		if err := allocs.Close(); werr == nil {
			werr = err
		}
		if werr != nil {
			return werr
		}
		return cerr
	}, nil
}
