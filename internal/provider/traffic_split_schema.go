package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func single(desc string, attrs map[string]schema.Attribute) schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: desc,
		Validators:          []validator.List{listvalidator.SizeAtMost(1)},
		NestedObject:        schema.NestedBlockObject{Attributes: attrs},
	}
}

func (r *trafficSplitResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	bake := []validator.String{durationString(time.Second, 24*time.Hour)}
	resp.Schema = schema.Schema{
		MarkdownDescription: "How traffic of one service is divided between destinations (deployments or raw targets) on an ALB listener or rule, " +
			"a Lambda alias, Route 53 weighted records or a Gateway API HTTPRoute on Kubernetes. A change of weights is a cutover: `planned_steps` shows it in the plan, " +
			"apply walks the steps of the strategy, checks the rollback gates throughout every bake, and puts the weights back to what they " +
			"were before the apply, in one call, when a gate fails or the apply is interrupted. Destroying a split leaves traffic as it is " +
			"(only a Lambda alias or an ALB listener rule the split created itself is deleted).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "`<application>/<environment>/<service>`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"environment": schema.StringAttribute{Required: true, MarkdownDescription: "Environment id (`golive_environment.x.id`), e.g. `shop/prod`.",
				Validators:    []validator.String{stringvalidator.RegexMatches(environmentIDPattern, "must be an environment id <application>/<name>, e.g. shop/prod")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"service": schema.StringAttribute{Required: true, MarkdownDescription: "Service name, e.g. `api`. One split per environment and service.",
				Validators: nameValidators(), PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"planned_steps": schema.ListAttribute{Computed: true, ElementType: plannedStepType,
				MarkdownDescription: "The steps of the latest planned cutover, each a map of destination name to weight; the last is the declared weights. Known at plan time, so `terraform plan` shows the cutover."},
			"cutover": schema.StringAttribute{Computed: true,
				MarkdownDescription: "The latest planned cutover in words, with the gates that roll it back, e.g. `green 0 → 100: 10% for 5m, 50% for 5m, then 100%; roll back if alarm shop-prod-5xx fires`."},
			"live_weights": schema.MapAttribute{Computed: true, ElementType: types.Int64Type,
				MarkdownDescription: "Weights as read from AWS (or Kubernetes), by destination name; anything live that no destination declares appears under its raw identifier (target group ARN, version, record set identifier, `<service>:<port>` backendRef)."},
		},
		Blocks: map[string]schema.Block{
			"alb":         albBlock(),
			"gateway_api": gatewayAPIBlock(),
			"lambda_alias": single("Route with a Lambda alias: the primary version plus at most one weighted additional version. "+
				"If the alias does not exist when the split is created, the split creates it on the declared weights (with no live traffic there is nothing to canary) "+
				"and deletes it when the split is destroyed; an alias that already exists is adopted and left in place on destroy. "+
				"No `aws_lambda_alias` is needed.", map[string]schema.Attribute{
				"function_name": schema.StringAttribute{Required: true, MarkdownDescription: "Function name or ARN, without a qualifier. Changing it replaces the split.",
					Validators: lambdaFunctionValidators(), PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
				"alias": schema.StringAttribute{Required: true, MarkdownDescription: "Alias name, e.g. `live`: letters, digits, `_` or `-`, not only digits. Changing it replaces the split.",
					Validators: lambdaAliasValidators(), PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
				"created": schema.BoolAttribute{Computed: true, PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
					MarkdownDescription: "Whether the split created the alias (it did not exist when the split was created). " +
						"If true, destroying the split deletes the alias; if false, the alias was adopted and destroying the split leaves it as it is. " +
						"Kept in the ledger, so it survives import."},
			}),
			"route53": single("Route with Route 53 weighted records: one record set per destination, identified by the destination name. A simple record of the same name is replaced without a gap.", map[string]schema.Attribute{
				"zone_id": schema.StringAttribute{Required: true, MarkdownDescription: "Hosted zone ID, e.g. `aws_route53_zone.x.zone_id`.", Validators: hostedZoneIDValidators()},
				"name":    schema.StringAttribute{Required: true, MarkdownDescription: "Record name, e.g. `api.example.com`.", Validators: recordNameValidators()},
				"type": schema.StringAttribute{Required: true, MarkdownDescription: "Record type: `CNAME`, `A`, `AAAA` or `TXT`.",
					Validators: []validator.String{stringvalidator.OneOf("CNAME", "A", "AAAA", "TXT")}},
				"ttl": schema.Int64Attribute{Required: true, MarkdownDescription: "Record TTL in seconds. Resolvers keep old answers this long, so bakes should be longer.",
					Validators: []validator.Int64{int64validator.Between(0, 172800)}},
			}),
			"destination": schema.ListNestedBlock{
				MarkdownDescription: "Where traffic goes; at least one. Weights are whole numbers 0-100 that sum to 100.",
				Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{Required: true, MarkdownDescription: "Label, unique in the split, e.g. `blue`; the record set identifier for Route 53.",
						Validators: []validator.String{stringvalidator.RegexMatches(destinationNamePattern, "must be 1-64 letters, digits, '_' or '-'")}},
					"deployment": schema.StringAttribute{Optional: true, MarkdownDescription: "A `golive_deployment` id (`<application>/<environment>/<service>/<slot or version>`); the split routes to its destination (target group ARN or Lambda version). Exactly one of `deployment` and `target`.",
						Validators: []validator.String{deploymentIDValidator}},
					"target": schema.StringAttribute{Optional: true, MarkdownDescription: "A raw target: target group ARN (alb), published version number (lambda_alias), record value (route53) or Service name in the route's namespace (gateway_api).",
						Validators: []validator.String{explainedString{
							validator: stringvalidator.ExactlyOneOf(path.MatchRelative().AtParent().AtName("deployment")), explain: destinationChoice}}},
					"weight": schema.Int64Attribute{Required: true, MarkdownDescription: "Percent of traffic, 0-100.",
						Validators: []validator.Int64{int64validator.Between(0, 100)}},
				}},
			},
			"strategy": schema.ListNestedBlock{
				MarkdownDescription: "How to walk from the live weights to the declared ones: exactly one of `canary` and `linear`. Without it: all at once.",
				Validators:          []validator.List{listvalidator.SizeAtMost(1)},
				NestedObject: schema.NestedBlockObject{Validators: []validator.Object{oneBlockOf(strategyChoice, "canary", "linear")}, Blocks: map[string]schema.Block{
					"canary": single("Hold the destination gaining traffic at each percentage of `steps` for `bake`, then go to the declared weights.", map[string]schema.Attribute{
						"steps": schema.ListAttribute{Required: true, ElementType: types.Int64Type, MarkdownDescription: "Strictly increasing percentages, each 1-99, e.g. `[10, 50]`."},
						"bake":  schema.StringAttribute{Required: true, MarkdownDescription: "How long each step holds while gates are checked, e.g. `5m`.", Validators: bake},
					}),
					"linear": single("Move the gaining destination by `increment` points every `interval`.", map[string]schema.Attribute{
						"increment": schema.Int64Attribute{Required: true, MarkdownDescription: "Percentage points per step, 1-99.",
							Validators: []validator.Int64{int64validator.Between(1, 99)}},
						"interval": schema.StringAttribute{Required: true, MarkdownDescription: "How long each step holds, e.g. `1m`.", Validators: bake},
					}),
				}},
			},
			"rollback": schema.ListNestedBlock{
				MarkdownDescription: "Gates checked before the first step and throughout every bake; any failure rolls the weights back.",
				Validators:          []validator.List{listvalidator.SizeAtMost(1)},
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"alarms": schema.ListAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: "CloudWatch alarm names; any in ALARM (or missing) fails the gate.",
							Validators: []validator.List{alarmNames()}},
						"poll_interval": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("10s"),
							MarkdownDescription: "How often gates are checked during a bake. Default `10s`.", Validators: []validator.String{durationString(time.Second, time.Hour)}},
					},
					Blocks: map[string]schema.Block{
						"http": schema.ListNestedBlock{
							MarkdownDescription: "An HTTP check; any number.",
							NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
								"url": schema.StringAttribute{Required: true, MarkdownDescription: "URL to GET.", Validators: []validator.String{httpURL()}},
								"expect_status": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(200),
									MarkdownDescription: "Expected status. Default 200.", Validators: []validator.Int64{int64validator.Between(100, 599)}},
								"body_regex": schema.StringAttribute{Optional: true, MarkdownDescription: "RE2 regular expression the body must match.", Validators: []validator.String{regexString()}},
								"timeout": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("5s"),
									MarkdownDescription: "Per-request timeout. Default `5s`.", Validators: []validator.String{durationString(100*time.Millisecond, time.Minute)}},
							}},
						},
						"metric": metricBlock("Checked before the first step and throughout every bake; a failure rolls the weights back, like a firing alarm."),
					},
				},
			},
			"override": overrideBlock("Lets a cutover through a freeze or outside the deploy window of the environment. The reason and the caller are recorded in the ledger."),
			"timeouts": trafficSplitTimeouts.block(ctx),
		},
	}
}
