package policy

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Tiers an environment may have.
var Tiers = []string{"development", "staging", "production"}

// ParityModes say what happens when the source environment has config keys
// the target lacks.
var ParityModes = []string{"off", "warn", "strict"}

var keyPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// MaxKeyLength keeps /golive/<app>/<env>/secrets/<KEY> well inside SSM's
// 1011-character name limit.
const MaxKeyLength = 128

// CheckKey says why key cannot be one segment of an SSM parameter name, or
// returns nil.
func CheckKey(key string) error {
	switch {
	case key == "":
		return fmt.Errorf("key is empty")
	case len(key) > MaxKeyLength:
		return fmt.Errorf("key %q is longer than %d characters", key, MaxKeyLength)
	case !keyPattern.MatchString(key):
		return fmt.Errorf("key %q may contain only letters, digits, '_', '.' and '-' (it becomes an SSM parameter name)", key)
	case strings.HasPrefix(strings.ToLower(key), "aws") || strings.HasPrefix(strings.ToLower(key), "ssm"):
		return fmt.Errorf("key %q may not begin with \"aws\" or \"ssm\" (reserved by SSM Parameter Store)", key)
	}
	return nil
}

// MissingKeys lists the keys of source that target lacks, sorted.
func MissingKeys(source, target []string) []string {
	have := make(map[string]bool, len(target))
	for _, k := range target {
		have[k] = true
	}
	var missing []string
	for _, k := range source {
		if !have[k] {
			missing = append(missing, k)
			have[k] = true // list a key once even if source repeats it
		}
	}
	sort.Strings(missing)
	return missing
}

// NameExpr is an application, environment or service name, unanchored, for
// patterns of ids made of names. It starts and ends with a letter or digit:
// names are joined with '-' into AWS resource names (load balancers, target
// groups) that may not end with a hyphen, and into DNS labels.
const NameExpr = `[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?`

// NamePattern is what application, environment and service names must match:
// they become parts of SSM paths, ledger keys and AWS resource names.
var NamePattern = regexp.MustCompile(`^` + NameExpr + `$`)

// NameRule says what NamePattern accepts, for diagnostics.
const NameRule = "must be 1-40 lower-case letters, digits or '-', starting and ending with a letter or digit"

// CheckName says why name is not a valid application, environment or service
// name, or returns nil.
func CheckName(name string) error {
	if !NamePattern.MatchString(name) {
		return fmt.Errorf("%q %s", name, NameRule)
	}
	return nil
}
