package emulator

import (
	"fmt"
	"os"
	"testing"
)

var shared *Server

// Main starts one emulator for a test binary, runs its tests and stops it.
// Call it from TestMain. Tests that need AWS then call Shared.
func Main(m *testing.M, opts Options) {
	s, err := Start(opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "golive tests need the AWS emulator:", err)
		os.Exit(1)
	}
	shared = s
	code := m.Run()
	s.Stop()
	os.Exit(code)
}

// Shared is the emulator started by Main.
func Shared(t testing.TB) *Server {
	t.Helper()
	if shared == nil {
		t.Fatal("emulator not started: call emulator.Main from TestMain")
	}
	return shared
}
