package emulator

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Services a provider block points at the emulator, by provider.
var providerServices = map[string][]string{
	"aws":    {"cloudwatch", "dynamodb", "ec2", "ecs", "elbv2", "iam", "lambda", "route53", "sns", "ssm", "sts"},
	"golive": {"cloudwatch", "dynamodb", "ecs", "elbv2", "eventbridge", "lambda", "route53", "sns", "ssm", "sts"},
}

func endpointsHCL(url, provider string) string {
	var b strings.Builder
	for _, svc := range providerServices[provider] {
		fmt.Fprintf(&b, "    %-10s = %q\n", svc, url)
	}
	return b.String()
}

// AWSProviderHCL is a hashicorp/aws provider block acting in account of the
// emulator at url: every endpoint at the emulator, its base credentials, and
// an assume_role into the account.
func AWSProviderHCL(url, account string) string {
	return fmt.Sprintf(`provider "aws" {
  region                      = %q
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  assume_role {
    role_arn = %q
  }
  endpoints {
%s  }
}
`, Region, RoleARN(account), endpointsHCL(url, "aws"))
}

// GoliveProviderHCL is a golive provider block acting in account of the
// emulator at url. A session name, when given, becomes the last part of the
// STS caller ARN golive records as actor and lock holder.
func GoliveProviderHCL(url, account, session string) string {
	role := fmt.Sprintf("    role_arn = %q\n", RoleARN(account))
	if session != "" {
		role = fmt.Sprintf("    role_arn     = %q\n    session_name = %q\n", RoleARN(account), session)
	}
	return fmt.Sprintf(`provider "golive" {
  region = %q
  assume_role {
%s  }
  endpoints {
%s  }
}
`, Region, role, endpointsHCL(url, "golive"))
}

var goliveMirror = regexp.MustCompile(`filesystem_mirror\s*\{\s*path\s*=\s*"([^"]+)"\s*include\s*=\s*\["registry\.terraform\.io/golive-dev/golive"\]`)

// SnapshotMirror copies the filesystem mirror of golive that the CLI
// configuration tfrc names (as `make install` writes it) into dir, and
// writes dir/terraformrc: the same configuration, installing golive from the
// copy. Terraform links an initialised directory's providers to the mirror
// and checks them against the lock file on every run, so a `make install`
// while tests or benchmarks run would otherwise break their later runs.
func SnapshotMirror(tfrc, dir string) (string, error) {
	b, err := os.ReadFile(tfrc)
	if err != nil {
		return "", err
	}
	m := goliveMirror.FindSubmatchIndex(b)
	if m == nil {
		return "", fmt.Errorf("%s names no filesystem mirror for golive-dev/golive", tfrc)
	}
	dst := filepath.Join(dir, "golive-mirror")
	if err := os.CopyFS(dst, os.DirFS(string(b[m[2]:m[3]]))); err != nil {
		return "", fmt.Errorf("copying the golive mirror: %w", err)
	}
	rc := filepath.Join(dir, "terraformrc")
	return rc, os.WriteFile(rc, []byte(string(b[:m[2]])+dst+string(b[m[3]:])), 0o644)
}
