package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golive-dev/terraform-provider-golive/internal/metrics"
)

var _ datasource.DataSourceWithConfigure = &deliveryMetricsDataSource{}

func newDeliveryMetricsDataSource() datasource.DataSource { return &deliveryMetricsDataSource{} }

type deliveryMetricsDataSource struct{ data *providerData }

type deliveryMetricsModel struct {
	Environment              types.String  `tfsdk:"environment"`
	Window                   types.String  `tfsdk:"window"`
	Deployments              types.Int64   `tfsdk:"deployments"`
	DeploymentFrequency      types.Float64 `tfsdk:"deployment_frequency"`
	Changes                  types.Int64   `tfsdk:"changes"`
	Failures                 types.Int64   `tfsdk:"failures"`
	ChangeFailureRate        types.Float64 `tfsdk:"change_failure_rate"`
	MeanTimeToRestore        types.String  `tfsdk:"mean_time_to_restore"`
	MeanTimeToRestoreSeconds types.Int64   `tfsdk:"mean_time_to_restore_seconds"`
	LeadTime                 types.String  `tfsdk:"lead_time"`
	LeadTimeSeconds          types.Int64   `tfsdk:"lead_time_seconds"`
	LeadTimeVersions         types.Int64   `tfsdk:"lead_time_versions"`
}

func (d *deliveryMetricsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_delivery_metrics"
}

func (d *deliveryMetricsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	num := func(desc string) schema.Int64Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The four DORA delivery measures of an environment over a window, computed from the golive ledger. " +
			"Definitions: **deployment frequency** — verified deployments per day in the window; **change failure rate** — failed changes " +
			"(deployments that failed verification or hooks, and traffic cutovers that rolled back) divided by changes started (deployments and cutovers); " +
			"**mean time to restore** — for each failed change, the time until the next successful deployment or completed cutover of the same service, averaged; " +
			"**lead time** — for each version verified here in the window, the time from its first deployment in the first environment of its promotion chain " +
			"(following `promotes_from`) to its verification here, averaged. Measures with nothing to measure are null.",
		Attributes: map[string]schema.Attribute{
			"environment": schema.StringAttribute{Required: true, MarkdownDescription: "Environment id, e.g. `shop/prod`.",
				Validators: []validator.String{stringvalidator.RegexMatches(environmentIDPattern, "must be an environment id <application>/<name>")}},
			"window": schema.StringAttribute{Optional: true, MarkdownDescription: "How far back, as a duration. Default `720h` (30 days).",
				Validators: []validator.String{durationString(time.Hour, 24*366*time.Hour)}},
			"deployments":                  num("Verified deployments in the window."),
			"deployment_frequency":         schema.Float64Attribute{Computed: true, MarkdownDescription: "Verified deployments per day."},
			"changes":                      num("Deployments and traffic cutovers started."),
			"failures":                     num("Failed deployments and rolled-back cutovers."),
			"change_failure_rate":          schema.Float64Attribute{Computed: true, MarkdownDescription: "failures / changes, from 0 to 1; null without changes."},
			"mean_time_to_restore":         schema.StringAttribute{Computed: true, MarkdownDescription: "Mean time to restore as a duration, e.g. `3h0m0s`."},
			"mean_time_to_restore_seconds": num("The same in seconds."),
			"lead_time":                    schema.StringAttribute{Computed: true, MarkdownDescription: "Mean lead time as a duration."},
			"lead_time_seconds":            num("The same in seconds."),
			"lead_time_versions":           num("Versions the lead time averages over."),
		},
	}
}

func (d *deliveryMetricsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *deliveryMetricsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m deliveryMetricsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	env := m.Environment.ValueString()
	summary := fmt.Sprintf("computing golive delivery metrics (%s)", env)
	window := 720 * time.Hour
	if w := m.Window.ValueString(); w != "" {
		window, _ = time.ParseDuration(w)
	}
	r, err := metrics.Read(ctx, d.data.ledger, env, window, d.data.now())
	if err != nil {
		resp.Diagnostics.AddError(summary, err.Error())
		return
	}
	m.Deployments = types.Int64Value(int64(r.Deployments))
	m.DeploymentFrequency = types.Float64Value(r.DeploymentFrequency)
	m.Changes = types.Int64Value(int64(r.Changes))
	m.Failures = types.Int64Value(int64(r.Failures))
	m.ChangeFailureRate = types.Float64Null()
	if r.Changes > 0 {
		m.ChangeFailureRate = types.Float64Value(r.ChangeFailureRate)
	}
	m.MeanTimeToRestore, m.MeanTimeToRestoreSeconds = durationValues(r.MeanTimeToRestore, r.Restored > 0)
	m.LeadTime, m.LeadTimeSeconds = durationValues(r.MeanLeadTime, r.LeadTimeCount > 0)
	m.LeadTimeVersions = types.Int64Value(int64(r.LeadTimeCount))
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func durationValues(d time.Duration, ok bool) (types.String, types.Int64) {
	if !ok {
		return types.StringNull(), types.Int64Null()
	}
	return types.StringValue(d.Round(time.Second).String()), types.Int64Value(int64(d.Round(time.Second) / time.Second))
}
