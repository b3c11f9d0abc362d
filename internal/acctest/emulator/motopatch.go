package emulator

import (
	_ "embed"
	"os"
	"path/filepath"
)

// motoPatch changes moto where it does not behave like AWS, loaded by the
// emulator's Python at start-up (motopatch/sitecustomize.py says what and
// why).
//
//go:embed motopatch/sitecustomize.py
var motoPatch []byte

// writeMotoPatch writes the patch into a fresh directory, for PYTHONPATH.
func writeMotoPatch() (string, error) {
	dir, err := os.MkdirTemp("", "golive-motopatch-*")
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "sitecustomize.py"), motoPatch, 0o644); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}
