package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Which of several blocks or attributes is written is judged by the
// framework's declarative validators (resourcevalidator and
// stringvalidator ExactlyOneOf, ConflictsWith). Their diagnostic is
// "Invalid Attribute Combination" over path expressions; explained keeps
// their judgement and says instead which blocks are meant and how to fix
// the configuration.

// explanation words a failed choice at `at`. An empty summary means another
// validator reports the mistake better, so nothing is added.
type explanation func(ctx context.Context, config tfsdk.Config, at path.Path) (summary, detail string)

// explainedResource is a framework resource validator, explained at `at`.
type explainedResource struct {
	validator resource.ConfigValidator
	at        path.Path
	explain   explanation
}

func (e explainedResource) Description(ctx context.Context) string {
	return e.validator.Description(ctx)
}

func (e explainedResource) MarkdownDescription(ctx context.Context) string {
	return e.validator.MarkdownDescription(ctx)
}

func (e explainedResource) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var judged resource.ValidateConfigResponse
	e.validator.ValidateResource(ctx, req, &judged)
	if judged.Diagnostics.HasError() {
		addExplained(ctx, e.explain, req.Config, e.at, resp.Diagnostics.AddAttributeError)
	}
}

// explainedString is a framework string validator, explained at the
// attribute it validates.
type explainedString struct {
	validator validator.String
	explain   explanation
}

func (e explainedString) Description(ctx context.Context) string {
	return e.validator.Description(ctx)
}

func (e explainedString) MarkdownDescription(ctx context.Context) string {
	return e.validator.MarkdownDescription(ctx)
}

func (e explainedString) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	judged := &validator.StringResponse{}
	e.validator.ValidateString(ctx, req, judged)
	if judged.Diagnostics.HasError() {
		addExplained(ctx, e.explain, req.Config, req.Path, resp.Diagnostics.AddAttributeError)
	}
}

func addExplained(ctx context.Context, explain explanation, config tfsdk.Config, at path.Path, add func(path.Path, string, string)) {
	if summary, detail := explain(ctx, config, at); summary != "" {
		add(at, summary, detail)
	}
}

// oneBlockOf accepts a nested block in which exactly one of the named
// blocks is written. The framework has no validator for this: its
// ExactlyOneOf counts the value it is attached to, and a list block that is
// not written is an empty list, never null.
func oneBlockOf(explain explanation, names ...string) validator.Object {
	return oneBlockValidator{names: names, explain: explain}
}

type oneBlockValidator struct {
	names   []string
	explain explanation
}

func (v oneBlockValidator) Description(context.Context) string {
	return "exactly one of the blocks " + joinNames(v.names)
}

func (v oneBlockValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v oneBlockValidator) ValidateObject(ctx context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	attrs := req.ConfigValue.Attributes()
	written := 0
	for _, name := range v.names {
		l, ok := attrs[name].(types.List)
		if !ok || l.IsUnknown() {
			return
		}
		written += len(l.Elements())
	}
	if written != 1 {
		addExplained(ctx, v.explain, req.Config, req.Path, resp.Diagnostics.AddAttributeError)
	}
}

// writtenBlocks counts the blocks written of the named top-level list
// blocks.
func writtenBlocks(ctx context.Context, config tfsdk.Config, names ...string) int {
	n := 0
	for _, name := range names {
		var l types.List
		if config.GetAttribute(ctx, path.Root(name), &l).HasError() {
			continue
		}
		n += len(l.Elements())
	}
	return n
}

func joinNames(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	s := names[0]
	for _, n := range names[1 : len(names)-1] {
		s += ", " + n
	}
	return s + " and " + names[len(names)-1]
}
