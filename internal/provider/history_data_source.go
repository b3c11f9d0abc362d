package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

var _ datasource.DataSourceWithConfigure = &historyDataSource{}

func newHistoryDataSource() datasource.DataSource { return &historyDataSource{} }

type historyDataSource struct{ data *providerData }

type historyModel struct {
	Environment types.String `tfsdk:"environment"`
	Service     types.String `tfsdk:"service"`
	Limit       types.Int64  `tfsdk:"limit"`
	After       types.String `tfsdk:"after"`
	Next        types.String `tfsdk:"next"`
	Events      types.List   `tfsdk:"events"`
}

var eventAttrTypes = map[string]attr.Type{
	"id": types.StringType, "kind": types.StringType, "service": types.StringType, "version": types.StringType,
	"outcome": types.StringType, "actor": types.StringType, "at": types.StringType, "reason": types.StringType, "detail": types.StringType,
}

const defaultHistoryLimit = 50

func (d *historyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_history"
}

func (d *historyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Events of an environment from the golive ledger, newest first: deployments, verifications, traffic steps, rollbacks, overrides and configuration changes, with who, when and the outcome. " +
			"Reads one page of at most `limit` events; pass `next` as `after` to read the following page, so thousands of events are never read at once.",
		Attributes: map[string]schema.Attribute{
			"environment": schema.StringAttribute{Required: true, MarkdownDescription: "Environment id, e.g. `shop/prod`.",
				Validators: []validator.String{stringvalidator.RegexMatches(environmentIDPattern, "must be an environment id <application>/<name>")}},
			"service": schema.StringAttribute{Optional: true, MarkdownDescription: "Only events of this service.", Validators: nameValidators()},
			"limit": schema.Int64Attribute{Optional: true, MarkdownDescription: fmt.Sprintf("Events per page, 1-1000. Default %d.", defaultHistoryLimit),
				Validators: []validator.Int64{int64validator.Between(1, 1000)}},
			"after": schema.StringAttribute{Optional: true, MarkdownDescription: "Continue after this event id (the `next` of the previous page).",
				Validators: []validator.String{stringvalidator.RegexMatches(eventIDPattern, "must be the id of an event (the next of a previous page), e.g. EVT#2026-11-22T10:00:00.000000000Z#0a1b2c3d")}},
			"next": computed("Id to pass as `after` for the next page; null on the last page."),
			"events": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "The events, newest first.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":      computed("Event id; sorts by time."),
					"kind":    computed("What happened, e.g. `deployment_verified`, `traffic_step`, `rolled_back`, `override`, `environment_updated`."),
					"service": computed("Service, if any."),
					"version": computed("Version, if any."),
					"outcome": computed("e.g. `succeeded`, `failed`, `rolled_back`, `allowed`."),
					"actor":   computed("STS caller ARN of whoever ran the change."),
					"at":      computed("When (RFC 3339, UTC)."),
					"reason":  computed("Override reason or failure cause, if any."),
					"detail":  computed("Details, e.g. the weights of a step. Never secret values."),
				}}},
		},
	}
}

func (d *historyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *historyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m historyModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	limit := int32(defaultHistoryLimit)
	if !m.Limit.IsNull() {
		limit = int32(m.Limit.ValueInt64())
	}
	q := ledger.EventQuery{Environment: m.Environment.ValueString(), Service: m.Service.ValueString(), After: m.After.ValueString()}
	var events []ledger.Event
	next := ""
	// DynamoDB may end a page early (1 MB); keep reading until the page is full.
	for {
		q.Limit = limit - int32(len(events))
		page, n, err := d.data.ledger.Events(ctx, q)
		if err != nil {
			resp.Diagnostics.AddError(fmt.Sprintf("reading golive history (%s)", q.Environment), err.Error())
			return
		}
		events, next = append(events, page...), n
		if next == "" || int32(len(events)) >= limit {
			break
		}
		q.After = next
	}
	values := make([]attr.Value, 0, len(events))
	for _, e := range events {
		values = append(values, types.ObjectValueMust(eventAttrTypes, map[string]attr.Value{
			"id": types.StringValue(e.ID), "kind": types.StringValue(e.Kind), "service": optionalString(e.Service),
			"version": optionalString(e.Version), "outcome": optionalString(e.Outcome), "actor": types.StringValue(e.Actor),
			"at": types.StringValue(e.At.UTC().Format(time.RFC3339)), "reason": optionalString(e.Reason), "detail": optionalString(e.Detail),
		}))
	}
	m.Events = types.ListValueMust(types.ObjectType{AttrTypes: eventAttrTypes}, values)
	m.Next = optionalString(next)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}
