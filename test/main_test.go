// Package test holds the terratest tests of modules/ and examples/: real
// `terraform` (and terragrunt) runs with hashicorp/aws and golive against
// one moto server per test binary, outcomes read back through the AWS SDK.
//
// `make terratest` runs them after `make install`, which builds the
// provider into a local mirror and writes the CLI configuration they use.
package test

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
)

func TestMain(m *testing.M) {
	flag.Parse()
	// Under -short only the unit tests run (emulator.Main starts nothing and
	// the terraform runs skip), so no CLI configuration is needed.
	if _, err := os.Stat(os.Getenv("TF_CLI_CONFIG_FILE")); err != nil && !testing.Short() {
		fmt.Fprintf(os.Stderr, "TF_CLI_CONFIG_FILE (%q) names no file: run these tests with `make terratest`, which builds the provider into a local mirror and writes that file\n", os.Getenv("TF_CLI_CONFIG_FILE"))
		os.Exit(1)
	}
	// Every module gives its ECS services one task; moto reports that many
	// running, so steady-state waits end.
	emulator.Main(m, emulator.Options{ECSServiceRunning: 1})
}
