package router

import (
	"context"
	"fmt"
	"math"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

var _ rollout.Router = (*LambdaAlias)(nil)

// LambdaAlias routes with an alias: a primary version plus at most one
// additional version with a weight. Destination targets are version
// numbers.
type LambdaAlias struct {
	client   *lambda.Client
	function string
	alias    string
	dests    []rollout.Destination
}

// NewLambdaAlias routes on alias of functionName.
func NewLambdaAlias(client *lambda.Client, functionName, alias string, dests []rollout.Destination) *LambdaAlias {
	return &LambdaAlias{client: client, function: functionName, alias: alias, dests: dests}
}

func (l *LambdaAlias) String() string { return fmt.Sprintf("Lambda alias %s:%s", l.function, l.alias) }

// Read gives each additional version its weight in whole percent and the
// primary version the rest.
func (l *LambdaAlias) Read(ctx context.Context) (rollout.Weights, error) {
	out, err := l.client.GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String(l.function), Name: aws.String(l.alias)})
	if err != nil {
		return nil, fmt.Errorf("reading weights of %s: %w", l, err)
	}
	raw := map[string]int{}
	rest := 100
	if rc := out.RoutingConfig; rc != nil {
		for version, f := range rc.AdditionalVersionWeights {
			pct := int(math.Round(f * 100))
			raw[version] += pct
			rest -= pct
		}
	}
	raw[aws.ToString(out.FunctionVersion)] += rest
	return keyed(raw, l.dests), nil
}

// Set makes the version with the most weight primary (ties: the first
// declared) and gives at most one other version its weight, in one
// UpdateAlias. Weights an alias cannot express are refused before calling
// AWS.
func (l *LambdaAlias) Set(ctx context.Context, w rollout.Weights) error {
	if err := checkPercents(w); err != nil {
		return fmt.Errorf("setting %s on %s: %w", w, l, err)
	}
	versions := byTarget(w, l.dests)
	sum, routed := 0, 0
	primary := -1
	for i, v := range versions {
		sum += v.weight
		if v.weight > 0 {
			routed++
		}
		if primary < 0 || v.weight > versions[primary].weight {
			primary = i
		}
	}
	if routed > 2 {
		return fmt.Errorf("setting %s on %s: %d versions have weight; a Lambda alias routes to at most two versions", w, l, routed)
	}
	if sum != 100 {
		// The primary version takes whatever the additional one does not,
		// so any other sum would not be what was asked for.
		return fmt.Errorf("setting %s on %s: weights sum to %d; a Lambda alias needs them to sum to 100", w, l, sum)
	}
	// Always sent, empty when the primary takes everything, so that an
	// earlier additional version is cleared.
	additional := map[string]float64{}
	for i, v := range versions {
		if i != primary && v.weight > 0 {
			additional[v.target] = float64(v.weight) / 100
		}
	}
	_, err := l.client.UpdateAlias(ctx, &lambda.UpdateAliasInput{
		FunctionName:    aws.String(l.function),
		Name:            aws.String(l.alias),
		FunctionVersion: aws.String(versions[primary].target),
		RoutingConfig:   &lambdatypes.AliasRoutingConfiguration{AdditionalVersionWeights: additional},
	})
	if err != nil {
		return fmt.Errorf("setting %s on %s: %w", w, l, err)
	}
	return nil
}
