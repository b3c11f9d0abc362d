package main

import (
	"fmt"
	"regexp"
	"strings"
)

// errorSummary finds the summaries of a terraform -no-color output's errors.
var errorSummary = regexp.MustCompile(`(?m)^\s*Error: (.+)$`)

// refusedByPromotionGate checks that a failed plan failed on the promotion
// gate alone: every error is golive's "version not verified upstream", and
// one names service@version, the environment and the environment it
// promotes from. Any other failure (a typo, an unreachable emulator) is
// not the refusal the demo shows.
func refusedByPromotionGate(output, service, version, env, source string) error {
	found := errorSummary.FindAllStringSubmatch(output, -1)
	if len(found) == 0 {
		return fmt.Errorf("the plan failed without an error diagnostic:\n%s", output)
	}
	for _, m := range found {
		if s := strings.TrimSpace(m[1]); s != "version not verified upstream" {
			return fmt.Errorf("the plan failed with %q, not only with the promotion gate's \"version not verified upstream\"", s)
		}
	}
	// Terraform wraps diagnostics to the terminal's width.
	flat := strings.Join(strings.Fields(output), " ")
	want := fmt.Sprintf("%s@%s may enter %s only after it is verified in %s (promotes_from)", service, version, env, source)
	if !strings.Contains(flat, want) {
		return fmt.Errorf("the promotion gate's refusal does not say %q", want)
	}
	return nil
}
