package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

var _ datasource.DataSourceWithConfigure = &releaseDataSource{}

func newReleaseDataSource() datasource.DataSource { return &releaseDataSource{} }

type releaseDataSource struct{ data *providerData }

type releaseModel struct {
	Environment  types.String `tfsdk:"environment"`
	Service      types.String `tfsdk:"service"`
	Version      types.String `tfsdk:"version"`
	Slot         types.String `tfsdk:"slot"`
	IdleSlot     types.String `tfsdk:"idle_slot"`
	Slots        types.Map    `tfsdk:"slots"`
	Destinations types.Map    `tfsdk:"destinations"`
	Verified     types.Bool   `tfsdk:"verified"`
	DeployedAt   types.String `tfsdk:"deployed_at"`
}

func (d *releaseDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_release"
}

func (d *releaseDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "What runs where for one service of an environment, from the golive ledger: the live slot and its version, every slot's version, and whether the live version is verified. " +
			"A production stack reads it to promote what staging verified; a blue/green module reads it to find the idle slot. An environment or service without deployments yields null version and slot, not an error.",
		Attributes: map[string]schema.Attribute{
			"environment": schema.StringAttribute{Required: true, MarkdownDescription: "Environment id, e.g. `shop/staging`.",
				Validators: []validator.String{stringvalidator.RegexMatches(environmentIDPattern, "must be an environment id <application>/<name>")}},
			"service":   schema.StringAttribute{Required: true, MarkdownDescription: "Service name.", Validators: nameValidators()},
			"version":   schema.StringAttribute{Computed: true, MarkdownDescription: "Version of the live slot."},
			"slot":      schema.StringAttribute{Computed: true, MarkdownDescription: "The live slot: the one a traffic split sends most traffic to, or the first deployed."},
			"idle_slot": schema.StringAttribute{Computed: true, MarkdownDescription: "With `blue` and `green` slots: the one that is not live (`blue` when nothing is live yet)."},
			"slots":     schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Slot → version."},
			"destinations": schema.MapAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Slot → what a traffic split routes to for it: the target group ARN (ECS) or the published Lambda version. " +
					"A blue/green Lambda module keeps the live slot on `destinations[slot]` while it deploys a new version to the idle one."},
			"verified":    schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the live version passed its gates here."},
			"deployed_at": schema.StringAttribute{Computed: true, MarkdownDescription: "When the live version was deployed (RFC 3339)."},
		},
	}
}

func (d *releaseDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *releaseDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m releaseModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	rel, err := d.data.reads.Release(ctx, m.Environment.ValueString(), m.Service.ValueString())
	if err != nil && !errors.Is(err, ledger.ErrNotFound) {
		resp.Diagnostics.AddError(fmt.Sprintf("reading golive release (%s/%s)", m.Environment.ValueString(), m.Service.ValueString()), err.Error())
		return
	}
	m.Version, m.Slot, m.DeployedAt = types.StringNull(), types.StringNull(), types.StringNull()
	m.Verified = types.BoolValue(false)
	slots, destinations := map[string]attr.Value{}, map[string]attr.Value{}
	live := ""
	if rel != nil {
		live = rel.LiveSlot
		for name, s := range rel.Slots {
			slots[name] = types.StringValue(s.Version)
			destinations[name] = types.StringValue(s.Destination)
		}
		if s, ok := rel.Slots[live]; ok {
			m.Slot, m.Version = types.StringValue(live), types.StringValue(s.Version)
			m.Verified = types.BoolValue(s.Status == ledger.StatusVerified)
			m.DeployedAt = types.StringValue(s.DeployedAt.UTC().Format(time.RFC3339))
		}
	}
	m.Slots = types.MapValueMust(types.StringType, slots)
	m.Destinations = types.MapValueMust(types.StringType, destinations)
	m.IdleSlot = types.StringValue(idleSlot(live))
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// idleSlot is the blue/green slot that is not live; blue when nothing is.
func idleSlot(live string) string {
	if live == "blue" {
		return "green"
	}
	return "blue"
}
