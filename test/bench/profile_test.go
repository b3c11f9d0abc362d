package main

import "testing"

func TestScaled(t *testing.T) {
	for _, c := range []struct {
		v, unit string
		want    float64
	}{{"1.5", "s", 1.5}, {"850", "ms", 0.85}, {"2", "mins", 120}, {"12.5", "MB", 12.5 * (1 << 20)}, {"3", "kB", 3 << 10}, {"1", "GB", 1 << 30}} {
		if got := scaled(c.v, c.unit); got != c.want {
			t.Errorf("scaled(%s%s) = %v, want %v", c.v, c.unit, got, c.want)
		}
	}
}

func TestOwnCodeLeavesOutTheProtocolLayers(t *testing.T) {
	for name, want := range map[string]bool{
		"github.com/golive-dev/terraform-provider-golive/internal/ledger.(*Ledger).OpenChange":            true,
		"github.com/hashicorp/terraform-plugin-framework/internal/fwserver.(*Server).PlanResourceChange":  true,
		"github.com/golive-dev/terraform-provider-golive/internal/server.(*Releasing).PlanResourceChange": false,
		"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server.(*server).PlanResourceChange":       false,
		"runtime.mallocgc": false,
	} {
		if got := ownCode(pprofRow{Name: name}); got != want {
			t.Errorf("ownCode(%s) = %t, want %t", name, got, want)
		}
	}
}
