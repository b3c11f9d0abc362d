package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/policy"
)

// overrideUse is a gate an override let through, to record at apply.
type overrideUse struct{ gate, reason string }

// checkDeploymentGates runs the promotion, parity and schedule gates of a
// deployment of service@version into env. It is called at plan and again at
// apply (stage). It returns the environment record and the overrides used.
func (r *deploymentResource) checkDeploymentGates(ctx context.Context, stage policy.Stage, c deployConfig, diags *diagnostics) (*ledger.Environment, []overrideUse) {
	env, err := r.data.ledger.GetEnvironment(ctx, c.env)
	if err != nil {
		addEnvironmentLookupError(diags, c.env, err)
		return nil, nil
	}
	var used []overrideUse
	if env.PromotesFrom != "" {
		source := env.Application + "/" + env.PromotesFrom
		v, err := r.data.ledger.GetVerification(ctx, source, c.service, c.version)
		var why string
		switch {
		case errors.Is(err, ledger.ErrNotFound):
			why = fmt.Sprintf("it was never deployed to %s", source)
		case err != nil:
			diags.AddError("checking promotion", err.Error())
			return nil, nil
		case v.Status != ledger.StatusVerified:
			why = fmt.Sprintf("its latest deployment to %s is %s (first deployed there at %s)", source, v.Status, v.FirstDeployedAt.Format("2006-01-02T15:04:05Z07:00"))
		}
		if why != "" {
			msg := fmt.Sprintf("%s@%s may enter %s only after it is verified in %s (promotes_from), but %s. "+
				"Deploy and verify it in %s first", c.service, c.version, c.env, source, why, source)
			if c.override != "" {
				diags.AddWarning("promotion gate overridden", msg+fmt.Sprintf("; proceeding because of override %q, recorded in the ledger with your identity", c.override))
				used = append(used, overrideUse{"promotion", c.override})
			} else {
				diags.AddAttributeError(path.Root("version"), "version not verified upstream",
					msg+", or add override { reason = \"...\" } (recorded in the ledger).")
			}
		}
		if env.Parity != "off" && env.Parity != "" {
			r.checkParity(ctx, env, source, diags)
		}
	}
	if o := checkReleaseSchedule(r.data.now(), stage, *env, c.override, fmt.Sprintf("deploying %s@%s to %s", c.service, c.version, c.env),
		"golive_deployment", path.Root("version"), diags); o != "" {
		used = append(used, overrideUse{"schedule", o})
	}
	return env, used
}

func (r *deploymentResource) checkParity(ctx context.Context, env *ledger.Environment, source string, diags *diagnostics) {
	src, err := r.data.ledger.GetEnvironment(ctx, source)
	if err != nil && env.Parity == "strict" {
		// Strict fails closed: a release must not pass a check that did not run.
		diags.AddAttributeError(path.Root("environment"), "config parity not checked",
			fmt.Sprintf("%s has parity = \"strict\": its config keys must include those of %s, but reading the config keys of %s from the golive ledger failed: %v. "+
				"Nothing was deployed. Retry once the ledger can be read, or set parity = \"warn\" on %s to let releases through unchecked.",
				env.ID(), source, source, err, env.ID()))
		return
	}
	if err != nil {
		diags.AddWarning("parity not checked", fmt.Sprintf("parity = \"warn\": reading the config keys of %s from the golive ledger failed: %v", source, err))
		return
	}
	missing := policy.MissingKeys(append(append([]string{}, src.VariableKeys...), src.SecretKeys...),
		append(append([]string{}, env.VariableKeys...), env.SecretKeys...))
	if len(missing) == 0 {
		return
	}
	msg := fmt.Sprintf("%s lacks config keys that %s has: %s. Add them to golive_environment variables or secrets_wo of %s",
		env.ID(), source, strings.Join(missing, ", "), env.ID())
	if env.Parity == "strict" {
		diags.AddAttributeError(path.Root("environment"), "config parity", msg+" (parity = \"strict\").")
	} else {
		diags.AddWarning("config parity", msg+" (parity = \"warn\").")
	}
}
