package provider_test

import (
	"os"
	"path/filepath"
	"testing"
)

// testConfig reads testdata/<name of the test>/<file>. Long configurations
// live there, beside the test, as in terraform-provider-time, so the Go
// reads as steps and checks; the test adds its provider block and passes
// values through the step's ConfigVariables.
func testConfig(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", t.Name(), file))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
