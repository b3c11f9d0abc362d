package emulator

import (
	"flag"
	"fmt"
	"os"
	"testing"
)

var shared *Server

// Main starts one emulator for a test binary, runs its tests and stops it.
// Call it from TestMain. Tests that need AWS then call Shared.
//
// Under `go test -short` it starts nothing, so the pure unit tests of the
// package run where moto_server is not installed; Shared then skips the
// tests that need it. Without -short a missing moto_server fails the run.
func Main(m *testing.M, opts Options) { os.Exit(Run(m, opts)) }

// Run is Main without the exit: it returns the tests' exit code, so a
// TestMain can combine it with other test servers (kubeapi.Run).
func Run(m *testing.M, opts Options) int {
	if !flag.Parsed() {
		flag.Parse()
	}
	if testing.Short() {
		return m.Run()
	}
	s, err := Start(opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "golive tests need the AWS emulator (`go test -short` runs only the unit tests):", err)
		return 1
	}
	shared = s
	code := m.Run()
	s.Stop()
	return code
}

// Shared is the emulator started by Main. Under -short it skips the test.
func Shared(t testing.TB) *Server {
	t.Helper()
	SkipShort(t)
	if shared == nil {
		t.Fatal("emulator not started: call emulator.Main from TestMain")
	}
	return shared
}

// SkipShort skips a test that needs the emulator or the terraform CLI when
// `go test -short` asks for the unit tests alone. It is the only place such
// tests skip: a run without -short runs them all or fails.
func SkipShort(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("needs the AWS emulator or terraform: skipped under -short")
	}
}
