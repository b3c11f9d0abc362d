package verify_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
)

func TestMain(m *testing.M) { emulator.Main(m, emulator.Options{}) }

// account is an SDK configuration in a fresh emulator account.
func account(t *testing.T) aws.Config {
	t.Helper()
	cfg, err := emulator.Shared(t).AccountConfig(context.Background(), emulator.NewAccountID())
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
