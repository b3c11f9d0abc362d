// Command golive is the on-call's view of golive: what is live in an
// environment, what changed, the DORA figures, a break-glass unlock, and a
// release report. `golive --help` lists the commands; the work is in
// internal/oncall.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/golive-dev/terraform-provider-golive/internal/oncall"
)

// version is set by the release build (-X main.version=...).
var version = "dev"

func main() {
	oncall.Version = version
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := oncall.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
