package router

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

var _ rollout.Router = (*LambdaAlias)(nil)

// ErrNotFound is wrapped by a router's Read when the object it routes with
// does not exist: a Lambda alias (or its function) or an ALB listener rule,
// the objects a split can create, and an HTTPRoute or its rule. A missing
// listener or zone is an ordinary error.
var ErrNotFound = errors.New("does not exist")

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
// primary version the rest. A missing alias (or function) is an error that
// wraps ErrNotFound.
func (l *LambdaAlias) Read(ctx context.Context) (rollout.Weights, error) {
	out, err := l.client.GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String(l.function), Name: aws.String(l.alias)})
	if err != nil {
		if isLambdaNotFound(err) {
			return nil, fmt.Errorf("%s %w (%w)", l, ErrNotFound, err)
		}
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
	primary, additional, err := l.routing(w)
	if err != nil {
		return fmt.Errorf("setting %s on %s: %w", w, l, err)
	}
	// RoutingConfig is always sent, empty when the primary takes
	// everything, so that an earlier additional version is cleared.
	_, err = l.client.UpdateAlias(ctx, &lambda.UpdateAliasInput{
		FunctionName:    aws.String(l.function),
		Name:            aws.String(l.alias),
		FunctionVersion: aws.String(primary),
		RoutingConfig:   &lambdatypes.AliasRoutingConfiguration{AdditionalVersionWeights: additional},
	})
	if err != nil {
		return fmt.Errorf("setting %s on %s: %w", w, l, err)
	}
	return nil
}

// Create makes the alias with weights w, for a split that finds no alias to
// adopt. There is no live traffic yet, so there is nothing to canary: the
// alias starts on w.
func (l *LambdaAlias) Create(ctx context.Context, w rollout.Weights) error {
	primary, additional, err := l.routing(w)
	if err != nil {
		return fmt.Errorf("creating %s at %s: %w", l, w, err)
	}
	in := &lambda.CreateAliasInput{
		FunctionName:    aws.String(l.function),
		Name:            aws.String(l.alias),
		FunctionVersion: aws.String(primary),
		Description:     aws.String("traffic split by golive"),
	}
	if len(additional) > 0 {
		in.RoutingConfig = &lambdatypes.AliasRoutingConfiguration{AdditionalVersionWeights: additional}
	}
	if _, err := l.client.CreateAlias(ctx, in); err != nil {
		if isAliasConflict(err) && l.isExactly(ctx, primary, additional, aws.ToString(in.Description)) {
			// The SDK retried a create whose answer was lost after Lambda
			// had applied it: the alias is the one we just made.
			return nil
		}
		return fmt.Errorf("creating %s at %s: %w", l, w, err)
	}
	return nil
}

// isAliasConflict says whether err says the alias exists.
func isAliasConflict(err error) bool {
	var api smithy.APIError
	return errors.As(err, &api) && api.ErrorCode() == "ResourceConflictException"
}

// isExactly says whether the alias exists with this primary version,
// additional weights and description.
func (l *LambdaAlias) isExactly(ctx context.Context, primary string, additional map[string]float64, description string) bool {
	out, err := l.client.GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String(l.function), Name: aws.String(l.alias)})
	if err != nil || aws.ToString(out.FunctionVersion) != primary || aws.ToString(out.Description) != description {
		return false
	}
	live := map[string]float64{}
	if out.RoutingConfig != nil {
		live = out.RoutingConfig.AdditionalVersionWeights
	}
	if len(live) != len(additional) {
		return false
	}
	for v, f := range additional {
		if g, ok := live[v]; !ok || math.Abs(g-f) > 1e-9 {
			return false
		}
	}
	return true
}

// Delete removes the alias; an alias (or function) already gone is fine.
func (l *LambdaAlias) Delete(ctx context.Context) error {
	_, err := l.client.DeleteAlias(ctx, &lambda.DeleteAliasInput{FunctionName: aws.String(l.function), Name: aws.String(l.alias)})
	if err != nil && !isLambdaNotFound(err) {
		return fmt.Errorf("deleting %s: %w", l, err)
	}
	return nil
}

// routing turns w into the alias's primary version and additional version
// weights: the version with the most weight is primary (ties: the first
// declared), at most one other version has weight.
func (l *LambdaAlias) routing(w rollout.Weights) (string, map[string]float64, error) {
	if err := checkPercents(w); err != nil {
		return "", nil, err
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
		return "", nil, fmt.Errorf("%d versions have weight; a Lambda alias routes to at most two versions", routed)
	}
	if sum != 100 {
		// The primary version takes whatever the additional one does not,
		// so any other sum would not be what was asked for.
		return "", nil, fmt.Errorf("weights sum to %d; a Lambda alias needs them to sum to 100", sum)
	}
	additional := map[string]float64{}
	for i, v := range versions {
		if i != primary && v.weight > 0 {
			additional[v.target] = float64(v.weight) / 100
		}
	}
	return versions[primary].target, additional, nil
}

// isLambdaNotFound says whether err is Lambda's ResourceNotFoundException
// (no such function, version or alias).
func isLambdaNotFound(err error) bool {
	var nf *lambdatypes.ResourceNotFoundException
	return errors.As(err, &nf)
}
