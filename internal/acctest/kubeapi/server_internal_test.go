package kubeapi

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// A directory whose test binary is gone is removed; one whose binary runs,
// or that has no owner yet, stays.
func TestRemoveAbandoned(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dirs := map[string]string{
		"golive-kubeapi-gone":    "2147483646", // no such process
		"golive-kubeapi-running": strconv.Itoa(os.Getpid()),
		"golive-kubeapi-new":     "",
	}
	for name, owner := range dirs {
		if err := os.MkdirAll(filepath.Join(tmp, name, "etcd"), 0o700); err != nil {
			t.Fatal(err)
		}
		if owner != "" {
			if err := os.WriteFile(filepath.Join(tmp, name, ownerFile), []byte(owner), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	removeAbandoned()
	for name, wantKept := range map[string]bool{"golive-kubeapi-gone": false, "golive-kubeapi-running": true, "golive-kubeapi-new": true} {
		_, err := os.Stat(filepath.Join(tmp, name))
		if kept := err == nil; kept != wantKept {
			t.Errorf("%s kept: %v, want %v", name, kept, wantKept)
		}
	}
}
