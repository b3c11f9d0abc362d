// Package server wraps the provider's protocol server.
//
// terraform-plugin-framework keeps a cancel function for the context of
// every request it serves, so that StopProvider can cancel them, and drops
// them only on StopProvider. Each one holds its request's context and the
// loggers in it, so a long walk retains every request it ever served: a plan
// of 1000 traffic splits grew the provider to over 200 MB. terraform-plugin-go
// already cancels every in-flight request context when Terraform stops the
// provider, so the framework's list is not needed for that.
//
// ReleaseContexts lets the framework drop its list whenever no request is in
// flight: once enough requests have finished, the last request to finish
// calls the framework's StopProvider, which cancels (finished requests'
// contexts only) and forgets them. A request never starts while that runs,
// and it never runs while a request is being served.
package server

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// DefaultReleaseEvery is how many finished requests are let pile up before
// they are released.
const DefaultReleaseEvery = 64

// ReleaseContexts wraps a framework protocol server.
func ReleaseContexts(inner tfprotov6.ProviderServer, every int) *Releasing {
	if every < 1 {
		every = DefaultReleaseEvery
	}
	return &Releasing{inner: inner, every: int64(every)}
}

// Releasing is a tfprotov6.ProviderServer that releases the framework's
// finished request contexts; see the package documentation.
type Releasing struct {
	inner tfprotov6.ProviderServer
	every int64
	// mu is read-held while a request is served and write-held while the
	// finished requests are released.
	mu       sync.RWMutex
	finished atomic.Int64
	// Releases counts the releases made (for tests and logs).
	Releases atomic.Int64
}

var _ tfprotov6.ProviderServer = (*Releasing)(nil)

func serve[Req, Resp any](ctx context.Context, s *Releasing, req Req, f func(context.Context, Req) (Resp, error)) (Resp, error) {
	s.mu.RLock()
	resp, err := f(ctx, req)
	s.mu.RUnlock()
	if s.finished.Add(1) >= s.every && s.mu.TryLock() {
		// No request is in flight (TryLock fails while any is served).
		_, _ = s.inner.StopProvider(context.Background(), &tfprotov6.StopProviderRequest{})
		s.finished.Store(0)
		s.Releases.Add(1)
		s.mu.Unlock()
	}
	return resp, err
}

// StopProvider is Terraform stopping the provider: passed on at once, it
// cancels every request in flight.
func (s *Releasing) StopProvider(ctx context.Context, req *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	return s.inner.StopProvider(ctx, req)
}

func (s *Releasing) GetMetadata(ctx context.Context, r *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	return serve(ctx, s, r, s.inner.GetMetadata)
}

func (s *Releasing) GetProviderSchema(ctx context.Context, r *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	return serve(ctx, s, r, s.inner.GetProviderSchema)
}

func (s *Releasing) GetResourceIdentitySchemas(ctx context.Context, r *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return serve(ctx, s, r, s.inner.GetResourceIdentitySchemas)
}

func (s *Releasing) ValidateProviderConfig(ctx context.Context, r *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	return serve(ctx, s, r, s.inner.ValidateProviderConfig)
}

func (s *Releasing) ConfigureProvider(ctx context.Context, r *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	return serve(ctx, s, r, s.inner.ConfigureProvider)
}

func (s *Releasing) ValidateResourceConfig(ctx context.Context, r *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return serve(ctx, s, r, s.inner.ValidateResourceConfig)
}

func (s *Releasing) UpgradeResourceState(ctx context.Context, r *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return serve(ctx, s, r, s.inner.UpgradeResourceState)
}

func (s *Releasing) ReadResource(ctx context.Context, r *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return serve(ctx, s, r, s.inner.ReadResource)
}

func (s *Releasing) PlanResourceChange(ctx context.Context, r *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return serve(ctx, s, r, s.inner.PlanResourceChange)
}

func (s *Releasing) ApplyResourceChange(ctx context.Context, r *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return serve(ctx, s, r, s.inner.ApplyResourceChange)
}

func (s *Releasing) ImportResourceState(ctx context.Context, r *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return serve(ctx, s, r, s.inner.ImportResourceState)
}

func (s *Releasing) MoveResourceState(ctx context.Context, r *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return serve(ctx, s, r, s.inner.MoveResourceState)
}

func (s *Releasing) UpgradeResourceIdentity(ctx context.Context, r *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return serve(ctx, s, r, s.inner.UpgradeResourceIdentity)
}

func (s *Releasing) GenerateResourceConfig(ctx context.Context, r *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return serve(ctx, s, r, s.inner.GenerateResourceConfig)
}

func (s *Releasing) ValidateDataResourceConfig(ctx context.Context, r *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return serve(ctx, s, r, s.inner.ValidateDataResourceConfig)
}

func (s *Releasing) ReadDataSource(ctx context.Context, r *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return serve(ctx, s, r, s.inner.ReadDataSource)
}

func (s *Releasing) CallFunction(ctx context.Context, r *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	return serve(ctx, s, r, s.inner.CallFunction)
}

func (s *Releasing) GetFunctions(ctx context.Context, r *tfprotov6.GetFunctionsRequest) (*tfprotov6.GetFunctionsResponse, error) {
	return serve(ctx, s, r, s.inner.GetFunctions)
}

func (s *Releasing) ValidateEphemeralResourceConfig(ctx context.Context, r *tfprotov6.ValidateEphemeralResourceConfigRequest) (*tfprotov6.ValidateEphemeralResourceConfigResponse, error) {
	return serve(ctx, s, r, s.inner.ValidateEphemeralResourceConfig)
}

func (s *Releasing) OpenEphemeralResource(ctx context.Context, r *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	return serve(ctx, s, r, s.inner.OpenEphemeralResource)
}

func (s *Releasing) RenewEphemeralResource(ctx context.Context, r *tfprotov6.RenewEphemeralResourceRequest) (*tfprotov6.RenewEphemeralResourceResponse, error) {
	return serve(ctx, s, r, s.inner.RenewEphemeralResource)
}

func (s *Releasing) CloseEphemeralResource(ctx context.Context, r *tfprotov6.CloseEphemeralResourceRequest) (*tfprotov6.CloseEphemeralResourceResponse, error) {
	return serve(ctx, s, r, s.inner.CloseEphemeralResource)
}
