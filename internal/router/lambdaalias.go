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

// LambdaAlias routes with an alias: a primary version plus at most one
// additional version with a weight.
type LambdaAlias struct {
	client   *lambda.Client
	function string
	alias    string
	dests    []rollout.Destination
}

func NewLambdaAlias(client *lambda.Client, functionName, alias string, dests []rollout.Destination) *LambdaAlias {
	return &LambdaAlias{client: client, function: functionName, alias: alias, dests: dests}
}

func (l *LambdaAlias) String() string { return fmt.Sprintf("Lambda alias %s:%s", l.function, l.alias) }

func (l *LambdaAlias) Read(ctx context.Context) (rollout.Weights, error) {
	out, err := l.client.GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String(l.function), Name: aws.String(l.alias)})
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", l, err)
	}
	raw := map[string]int{}
	rest := 100
	if rc := out.RoutingConfig; rc != nil {
		for v, f := range rc.AdditionalVersionWeights {
			pct := int(math.Round(f * 100))
			raw[v] += pct
			rest -= pct
		}
	}
	raw[aws.ToString(out.FunctionVersion)] += rest
	return keyed(raw, l.dests), nil
}

func (l *LambdaAlias) Set(ctx context.Context, w rollout.Weights) error {
	target := func(key string) string {
		for _, d := range l.dests {
			if d.Name == key {
				return d.Target
			}
		}
		return key
	}
	// Keys in declared order first, then raw ones, so ties are stable.
	var keys []string
	for _, d := range l.dests {
		keys = append(keys, d.Name)
	}
	keys = append(keys, extraKeys(w, l.dests)...)
	primary, weighted := "", 0
	for _, k := range keys {
		if w[k] > 0 {
			weighted++
		}
		if primary == "" || w[k] > w[primary] {
			primary = k
		}
	}
	if weighted > 2 {
		return fmt.Errorf("setting %s on %s: a Lambda alias routes to at most two versions", w, l)
	}
	additional := map[string]float64{}
	for _, k := range keys {
		if k != primary && w[k] > 0 {
			additional[target(k)] = float64(w[k]) / 100
		}
	}
	_, err := l.client.UpdateAlias(ctx, &lambda.UpdateAliasInput{
		FunctionName:    aws.String(l.function),
		Name:            aws.String(l.alias),
		FunctionVersion: aws.String(target(primary)),
		RoutingConfig:   &lambdatypes.AliasRoutingConfiguration{AdditionalVersionWeights: additional},
	})
	if err != nil {
		return fmt.Errorf("setting %s on %s: %w", w, l, err)
	}
	return nil
}
