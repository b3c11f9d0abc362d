package provider_test

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/golive-dev/terraform-provider-golive/internal/provider"
)

// planWarnings keeps the warnings the provider hands Terraform with its
// plans. terraform-plugin-testing has no assertion on warnings, so the test
// serves the provider through a wrapper that reads them off the protocol.
type planWarnings struct {
	mu   sync.Mutex
	seen []string // "<summary>: <detail>"
}

// factories serves provider.New("test", opts...) with its plan warnings
// kept in w.
func (w *planWarnings) factories(opts ...provider.Option) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"golive": func() (tfprotov6.ProviderServer, error) {
			s, err := providerserver.NewProtocol6WithError(provider.New("test", opts...)())()
			return warningServer{ProviderServer: s, w: w}, err
		},
	}
}

type warningServer struct {
	tfprotov6.ProviderServer
	w *planWarnings
}

func (s warningServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		s.w.mu.Lock()
		for _, d := range resp.Diagnostics {
			if d.Severity == tfprotov6.DiagnosticSeverityWarning {
				s.w.seen = append(s.w.seen, d.Summary+": "+d.Detail)
			}
		}
		s.w.mu.Unlock()
	}
	return resp, err
}

// reset forgets the warnings seen so far.
func (w *planWarnings) reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.seen = nil
}

// expect is a plan check: since the last reset, a warning containing every
// one of want was planned (or, with no want, no warning containing summary).
func (w *planWarnings) expect(summary string, want ...string) plancheck.PlanCheck {
	return warningCheck{w: w, summary: summary, want: want}
}

type warningCheck struct {
	w       *planWarnings
	summary string
	want    []string
}

func (c warningCheck) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	c.w.mu.Lock()
	defer c.w.mu.Unlock()
	var match []string
	for _, s := range c.w.seen {
		if strings.Contains(s, c.summary) {
			match = append(match, s)
		}
	}
	if len(c.want) == 0 {
		if len(match) > 0 {
			resp.Error = fmt.Errorf("want no warning %q, got %q", c.summary, match)
		}
		return
	}
	for _, s := range match {
		ok := true
		for _, w := range c.want {
			ok = ok && strings.Contains(s, w)
		}
		if ok {
			return
		}
	}
	resp.Error = fmt.Errorf("no plan warning %q with %q among %q", c.summary, c.want, c.w.seen)
}
