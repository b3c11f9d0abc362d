package server

import (
	"context"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// probe is a framework provider with one data source whose Read records the
// context it was given and, when told to, waits.
type probe struct {
	mu      sync.Mutex
	ctxs    []context.Context
	hold    chan struct{} // non-nil: the next Read waits for it to close
	entered chan struct{}
}

func (p *probe) Metadata(_ context.Context, _ provider.MetadataRequest, r *provider.MetadataResponse) {
	r.TypeName = "probe"
}
func (p *probe) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}
func (p *probe) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}
func (p *probe) Resources(context.Context) []func() resource.Resource { return nil }
func (p *probe) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{func() datasource.DataSource { return &probeData{p: p} }}
}

type probeData struct{ p *probe }

func (d *probeData) Metadata(_ context.Context, _ datasource.MetadataRequest, r *datasource.MetadataResponse) {
	r.TypeName = "probe_x"
}
func (d *probeData) Schema(_ context.Context, _ datasource.SchemaRequest, r *datasource.SchemaResponse) {
	r.Schema = dsschema.Schema{Attributes: map[string]dsschema.Attribute{"id": dsschema.StringAttribute{Computed: true}}}
}
func (d *probeData) Read(ctx context.Context, _ datasource.ReadRequest, r *datasource.ReadResponse) {
	d.p.mu.Lock()
	d.p.ctxs = append(d.p.ctxs, ctx)
	hold := d.p.hold
	d.p.hold = nil
	d.p.mu.Unlock()
	if hold != nil {
		close(d.p.entered)
		<-hold
	}
}

func (p *probe) last() context.Context {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ctxs[len(p.ctxs)-1]
}

func readReq(t *testing.T) *tfprotov6.ReadDataSourceRequest {
	t.Helper()
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}}
	cfg, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, nil)}))
	if err != nil {
		t.Fatal(err)
	}
	return &tfprotov6.ReadDataSourceRequest{TypeName: "probe_x", Config: &cfg}
}

func newProbe(t *testing.T, every int) (*probe, *Releasing) {
	t.Helper()
	p := &probe{}
	inner, err := providerserver.NewProtocol6WithError(p)()
	if err != nil {
		t.Fatal(err)
	}
	s := ReleaseContexts(inner, every)
	ctx := context.Background()
	if _, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{}); err != nil {
		t.Fatal(err)
	}
	return p, s
}

func read(t *testing.T, s *Releasing) {
	t.Helper()
	resp, err := s.ReadDataSource(context.Background(), readReq(t))
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("read: %v %v", err, resp.Diagnostics)
	}
}

// The framework lets go of finished requests' contexts (it cancels them as
// it drops them) once enough requests finished, without the wrapper.
func TestFinishedRequestContextsAreReleased(t *testing.T) {
	p, s := newProbe(t, 4)
	for range 3 {
		read(t, s)
	}
	// Five requests so far (schema, configure, three reads): one release.
	if got := s.Releases.Load(); got != 1 {
		t.Fatalf("releases after 5 requests with every=4: %d, want 1", got)
	}
	for i, ctx := range p.ctxs[:2] {
		if ctx.Err() == nil {
			t.Errorf("read %d: its context is still registered with the framework after the release", i)
		}
	}
	if p.ctxs[2].Err() != nil {
		t.Errorf("the read after the release was cancelled: %v", p.ctxs[2].Err())
	}
}

// A request in flight is never cancelled by a release: releases wait until
// nothing is in flight, then happen.
func TestInFlightRequestIsNeverCancelled(t *testing.T) {
	p, s := newProbe(t, 2)
	before := s.Releases.Load()
	hold := make(chan struct{})
	p.hold, p.entered = hold, make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		read(t, s)
	}()
	<-p.entered
	held := p.last()
	for range 10 {
		read(t, s)
	}
	if got := s.Releases.Load(); got != before {
		t.Fatalf("%d release(s) while a request was in flight", got-before)
	}
	if held.Err() != nil {
		t.Fatalf("the in-flight request's context was cancelled: %v", held.Err())
	}
	close(hold)
	<-done
	if got := s.Releases.Load(); got != before+1 {
		t.Fatalf("releases after the held request finished: %d, want %d", got, before+1)
	}
	if held.Err() == nil {
		t.Fatal("the finished request's context was not released")
	}
}

// Terraform's own StopProvider still cancels requests in flight.
func TestStopProviderCancelsInFlight(t *testing.T) {
	p, s := newProbe(t, 1000)
	hold := make(chan struct{})
	p.hold, p.entered = hold, make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		read(t, s)
	}()
	<-p.entered
	held := p.last()
	if _, err := s.StopProvider(context.Background(), &tfprotov6.StopProviderRequest{}); err != nil {
		t.Fatal(err)
	}
	if held.Err() == nil {
		t.Fatal("StopProvider did not cancel the request in flight")
	}
	close(hold)
	<-done
}
