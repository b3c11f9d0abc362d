package emulator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProviderHCL(t *testing.T) {
	aws := AWSProviderHCL("http://127.0.0.1:5000", "123456789012")
	for _, want := range []string{`provider "aws" {`, `role_arn = "` + RoleARN("123456789012") + `"`, `ec2        = "http://127.0.0.1:5000"`, `skip_requesting_account_id  = true`} {
		if !strings.Contains(aws, want) {
			t.Errorf("aws block lacks %q:\n%s", want, aws)
		}
	}
	g := GoliveProviderHCL("http://127.0.0.1:5000", "123456789012", "pipeline-a")
	for _, want := range []string{`provider "golive" {`, `session_name = "pipeline-a"`, `sts        = "http://127.0.0.1:5000"`} {
		if !strings.Contains(g, want) {
			t.Errorf("golive block lacks %q:\n%s", want, g)
		}
	}
	if strings.Contains(GoliveProviderHCL("u", "1", ""), "session_name") || strings.Contains(g, "ec2") {
		t.Errorf("golive block: session without one, or an endpoint golive has no key for:\n%s", g)
	}
}

func TestSnapshotMirror(t *testing.T) {
	src := t.TempDir()
	bin := filepath.Join(src, "registry.terraform.io", "golive-dev", "golive", "0.1.0", "linux_amd64", "terraform-provider-golive_v0.1.0")
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, bin, "build 1", 0o755)
	tfrc := filepath.Join(t.TempDir(), "terraformrc")
	writeFile(t, tfrc, `provider_installation {
  filesystem_mirror {
    path    = "`+src+`"
    include = ["registry.terraform.io/golive-dev/golive"]
  }
  filesystem_mirror {
    path    = "/opt/tf-plugins"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
}
`, 0o644)
	dir := t.TempDir()
	rc, err := SnapshotMirror(tfrc, dir)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, bin, "build 2", 0o755) // a make install after the snapshot
	text, _ := os.ReadFile(rc)
	if strings.Contains(string(text), src) || !strings.Contains(string(text), filepath.Join(dir, "golive-mirror")) || !strings.Contains(string(text), "/opt/tf-plugins") {
		t.Fatalf("snapshot configuration:\n%s", text)
	}
	got, err := os.ReadFile(filepath.Join(dir, "golive-mirror", strings.TrimPrefix(bin, src)))
	if err != nil || string(got) != "build 1" {
		t.Fatalf("snapshot binary: %q, %v; want the build at snapshot time", got, err)
	}
	if _, err := SnapshotMirror(filepath.Join(t.TempDir(), "none"), t.TempDir()); err == nil {
		t.Fatal("snapshot of a missing configuration succeeded")
	}
}

func writeFile(t *testing.T, name, text string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(name, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
}
