// Package rollout is golive's cutover engine: it plans the steps from the
// live traffic weights to the declared ones (all at once, canary, linear),
// walks them, checks gates while baking, and rolls back in one call when a
// gate fails or the apply is interrupted. It knows AWS only through the
// Router and Gate interfaces, so it is unit tested with fakes.
package rollout

import "context"

// Weights maps a key to a percentage (0-100). A key is a destination name,
// or, for something live that no destination declares, the router's raw
// identifier of it (a target group ARN, a Lambda version, a record set
// identifier). Routers accept both kinds of key in Set.
type Weights map[string]int

// Destination is a named place traffic can go: a target group ARN, a Lambda
// version, or a DNS value.
type Destination struct {
	Name   string
	Target string
}

// Router reads and sets the traffic weights of one ALB listener or rule,
// Lambda alias or Route 53 record name.
type Router interface {
	// Read returns the live weights. Keys not among the router's
	// destinations are raw identifiers.
	Read(ctx context.Context) (Weights, error)
	// Set makes the live weights exactly w in one API call where the
	// service allows it. Destinations absent from w get no traffic.
	Set(ctx context.Context, w Weights) error
	// String names the routed object for messages, e.g.
	// "ALB listener arn:aws:elasticloadbalancing:...".
	String() string
}

// Gate is a health check consulted between and during steps.
type Gate interface {
	// Name identifies the gate in messages, e.g. `alarm "shop-prod-5xx"`.
	Name() string
	// Check returns nil when healthy, or an error saying what is wrong,
	// e.g. `alarm "shop-prod-5xx" is ALARM`.
	Check(ctx context.Context) error
}
