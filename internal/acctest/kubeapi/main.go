package kubeapi

import (
	"context"
	"flag"
	"os"
	"sync"
	"testing"
	"time"
)

var (
	active   bool // Run is running the tests
	once     sync.Once
	shared   *Server
	startErr error
)

// Run runs a test binary's tests with one API server for all of them and
// returns their exit code. tests is m.Run, or a TestMain body that runs
// them (for a package that needs the AWS emulator too, emulator.Run). The
// server starts on the first Shared call, so a run that selects no
// Kubernetes test never starts it, and it stops when tests return.
func Run(tests func() int) int {
	if !flag.Parsed() {
		flag.Parse()
	}
	active = true
	code := tests()
	shared.Stop()
	return code
}

// Main is TestMain for a package whose tests need only this server.
func Main(m *testing.M) { os.Exit(Run(m.Run)) }

// Shared is the test binary's API server, started on first use. Under
// `go test -short` it skips the test; otherwise a server that cannot start
// (for instance, binaries not built) fails the test, saying why.
func Shared(t testing.TB) *Server {
	t.Helper()
	if testing.Short() {
		t.Skip("needs the Kubernetes API server: skipped under -short")
	}
	if !active {
		t.Fatal("Kubernetes API server not available: call kubeapi.Run or kubeapi.Main from TestMain")
	}
	once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		shared, startErr = Start(ctx)
	})
	if startErr != nil {
		t.Fatalf("golive's Gateway API tests need a Kubernetes API server: %v", startErr)
	}
	return shared
}
