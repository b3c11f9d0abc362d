package router

import (
	"context"
	"fmt"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

var _ rollout.Router = Unavailable{}

// Unavailable stands for a router whose client could not be built (a
// Kubernetes configuration that cannot be loaded, say): every call fails,
// saying why, so the caller reports it where the router would have been
// used.
type Unavailable struct {
	Name string // as the router's String would say, e.g. "HTTPRoute shop/web rule 0"
	Err  error
}

func (u Unavailable) String() string { return u.Name }

func (u Unavailable) Read(context.Context) (rollout.Weights, error) {
	return nil, fmt.Errorf("reading weights of %s: %w", u.Name, u.Err)
}

func (u Unavailable) Set(_ context.Context, w rollout.Weights) error {
	return fmt.Errorf("setting %s on %s: %w", w, u.Name, u.Err)
}
