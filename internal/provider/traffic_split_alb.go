package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golive-dev/terraform-provider-golive/internal/cutover"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
	"github.com/golive-dev/terraform-provider-golive/internal/router"
)

type albModel struct {
	ListenerARN types.String `tfsdk:"listener_arn"`
	RuleARN     types.String `tfsdk:"rule_arn"`
	Rule        types.List   `tfsdk:"rule"`
}

type albRuleModel struct {
	Priority     types.Int64 `tfsdk:"priority"`
	PathPatterns types.List  `tfsdk:"path_patterns"`
	HostHeaders  types.List  `tfsdk:"host_headers"`
}

var (
	albRuleAttrTypes = map[string]attr.Type{
		"priority": types.Int64Type, "path_patterns": types.ListType{ElemType: types.StringType}, "host_headers": types.ListType{ElemType: types.StringType},
	}
	albAttrTypes = map[string]attr.Type{
		"listener_arn": types.StringType, "rule_arn": types.StringType, "rule": types.ListType{ElemType: types.ObjectType{AttrTypes: albRuleAttrTypes}},
	}
	// AWS's character sets for condition values (* and ? are wildcards).
	pathPatternValue = regexp.MustCompile(`^[A-Za-z0-9_\-.$/~"'@:+&*?]{1,128}$`)
	hostHeaderValue  = regexp.MustCompile(`^[A-Za-z0-9\-.*?]{1,128}$`)
)

// maxRuleConditionValues is AWS's limit of condition values per rule.
const maxRuleConditionValues = 5

func albBlock() schema.ListNestedBlock {
	emptyStrings := listdefault.StaticValue(types.ListValueMust(types.StringType, []attr.Value{}))
	return schema.ListNestedBlock{
		MarkdownDescription: "Route with the weighted forward action of an ALB listener's default action or of a listener rule. " +
			"Set `listener_arn` (the default action), `rule_arn` (an existing rule, adopted: destroying the split leaves it), " +
			"or `listener_arn` with a `rule` block: the split then creates the rule itself and owns it (no `aws_lb_listener_rule` needed). " +
			"Other actions and stickiness settings are kept.",
		Validators: []validator.List{listvalidator.SizeAtMost(1)},
		NestedObject: schema.NestedBlockObject{
			Attributes: map[string]schema.Attribute{
				"listener_arn": schema.StringAttribute{Optional: true,
					MarkdownDescription: "Listener whose default action forwards to the destinations; with `rule`, the listener the split creates its rule on (changing it then replaces the split). Exactly one of `listener_arn` and `rule_arn`.",
					Validators: []validator.String{explainedString{
						validator: stringvalidator.ExactlyOneOf(path.MatchRelative().AtParent().AtName("rule_arn")), explain: albTargetChoice}},
					PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(ownedRuleMoves,
						"With a rule block, the rule moves to another listener by replacement.", "With a `rule` block, the rule moves to another listener by replacement.")}},
				"rule_arn": schema.StringAttribute{Optional: true, Computed: true,
					MarkdownDescription: "Listener rule whose forward action routes to the destinations: an existing rule, adopted. " +
						"With a `rule` block, leave it unset: it is the ARN of the rule the split created.",
					Validators: []validator.String{explainedString{
						validator: stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("rule").AtAnyListIndex()), explain: ruleARNWithRule}},
					PlanModifiers: []planmodifier.String{ownedRuleARN{}}},
			},
			Blocks: map[string]schema.Block{
				"rule": schema.ListNestedBlock{
					MarkdownDescription: "Create the listener rule on `listener_arn` and own it: it is created straight on the declared weights " +
						"(with no live traffic there is nothing to canary), changes of `priority` or conditions update it in place, and destroying the split deletes it. " +
						"Kept in the ledger, so it survives import. If the rule is deleted outside Terraform, the split drops out of state and the next apply creates it again. " +
						"At least one of `path_patterns` and `host_headers`; at most 5 values in all. Adding or removing this block replaces the split.",
					Validators:    []validator.List{listvalidator.SizeAtMost(1)},
					PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplaceIf(ruleOwnershipChanges, "Adding or removing the rule block replaces the split.", "Adding or removing the `rule` block replaces the split.")},
					NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
						"priority": schema.Int64Attribute{Required: true, MarkdownDescription: "Rule priority, 1-50000, unique on the listener; lower is evaluated first. Changing it moves the rule in place.",
							Validators: []validator.Int64{int64validator.Between(1, 50000)}},
						"path_patterns": schema.ListAttribute{Optional: true, Computed: true, ElementType: types.StringType, Default: emptyStrings,
							MarkdownDescription: "Paths the rule matches, e.g. `[\"/api/*\"]` (any of them; `*` and `?` are wildcards).",
							Validators: []validator.List{listvalidator.ValueStringsAre(stringvalidator.RegexMatches(pathPatternValue,
								"must be 1-128 characters: letters, digits, _ - . $ / ~ \" ' @ : + & and the wildcards * ?"))}},
						"host_headers": schema.ListAttribute{Optional: true, Computed: true, ElementType: types.StringType, Default: emptyStrings,
							MarkdownDescription: "Host names the rule matches, e.g. `[\"api.example.com\"]` (any of them; `*` and `?` are wildcards).",
							Validators: []validator.List{listvalidator.ValueStringsAre(stringvalidator.RegexMatches(hostHeaderValue,
								"must be 1-128 characters: letters, digits, - . and the wildcards * ?"))}},
					}},
				},
			},
		},
	}
}

// ownedRuleMoves: with a rule block, a new listener means a new rule.
func ownedRuleMoves(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	var rule types.List
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, req.Path.ParentPath().AtName("rule"), &rule)...)
	resp.RequiresReplace = len(rule.Elements()) > 0
}

// ruleOwnershipChanges: a split that starts or stops owning its rule is a
// different split (the rule is created with it, or deleted with it).
func ruleOwnershipChanges(_ context.Context, req planmodifier.ListRequest, resp *listplanmodifier.RequiresReplaceIfFuncResponse) {
	if req.PlanValue.IsUnknown() {
		return
	}
	resp.RequiresReplace = len(req.PlanValue.Elements()) != len(req.StateValue.Elements())
}

// ownedRuleARN plans rule_arn: as written for an adopted rule, null on a
// listener's default action, the recorded ARN of a rule the split owns, and
// unknown until the split creates its rule.
type ownedRuleARN struct{}

func (ownedRuleARN) Description(context.Context) string {
	return "the ARN of the rule the split created, unknown until it does"
}

func (m ownedRuleARN) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (ownedRuleARN) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() {
		return
	}
	var rule types.List
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, req.Path.ParentPath().AtName("rule"), &rule)...)
	switch {
	case resp.Diagnostics.HasError() || rule.IsUnknown():
		return
	case len(rule.Elements()) == 0:
		resp.PlanValue = types.StringNull()
	case req.State.Raw.IsNull() || !known(req.StateValue):
		resp.PlanValue = types.StringUnknown()
	default:
		var state []albModel
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("alb"), &state)...)
		if len(state) == 1 && len(state[0].Rule.Elements()) > 0 {
			resp.PlanValue = req.StateValue
		} else {
			resp.PlanValue = types.StringUnknown() // the split starts owning a rule: a new one
		}
	}
}

// decodeALBRule is the rule block as a router rule; nil without one.
func decodeALBRule(ctx context.Context, l types.List, known *bool, diags *diag.Diagnostics) *router.ALBRule {
	rules := decodeList[albRuleModel](ctx, l, known, diags)
	if len(rules) == 0 {
		return nil
	}
	if rules[0].Priority.IsUnknown() {
		*known = false
	}
	return &router.ALBRule{
		Priority:     int32(rules[0].Priority.ValueInt64()),
		PathPatterns: listStrings(ctx, rules[0].PathPatterns, known, diags),
		HostHeaders:  listStrings(ctx, rules[0].HostHeaders, known, diags),
	}
}

func stringList(values []string) types.List {
	elems := make([]attr.Value, 0, len(values))
	for _, v := range values {
		elems = append(elems, types.StringValue(v))
	}
	return types.ListValueMust(types.StringType, elems)
}

// albRuleList is the rule block for spec: empty when nil.
func albRuleList(spec *router.ALBRule) types.List {
	var elems []attr.Value
	if spec != nil {
		elems = append(elems, types.ObjectValueMust(albRuleAttrTypes, map[string]attr.Value{
			"priority": types.Int64Value(int64(spec.Priority)), "path_patterns": stringList(spec.PathPatterns), "host_headers": stringList(spec.HostHeaders),
		}))
	}
	return types.ListValueMust(types.ObjectType{AttrTypes: albRuleAttrTypes}, elems)
}

func albList(listenerARN, ruleARN types.String, rule types.List) types.List {
	return types.ListValueMust(types.ObjectType{AttrTypes: albAttrTypes}, []attr.Value{types.ObjectValueMust(albAttrTypes, map[string]attr.Value{
		"listener_arn": listenerARN, "rule_arn": ruleARN, "rule": rule,
	})})
}

// albFromRecord is the alb block rebuilt from the ledger, for import.
func albFromRecord(rec *ledger.Split) types.List {
	var spec *router.ALBRule
	if rec.RuleCreated && rec.Rule != nil {
		spec = &router.ALBRule{Priority: int32(rec.Rule.Priority), PathPatterns: rec.Rule.PathPatterns, HostHeaders: rec.Rule.HostHeaders}
	}
	return albList(optionalString(rec.ListenerARN), optionalString(rec.RuleARN), albRuleList(spec))
}

// withALBRule returns the alb block with rule_arn set and the rule block
// as live (nil: none). Declared values that match the live ones as sets
// are kept as written, so value order is no diff.
func withALBRule(c splitConfig, ruleARN string, live *router.ALBRule) types.List {
	if live != nil && c.rule != nil && live.Priority == c.rule.Priority && live.SameConditions(*c.rule) {
		live = c.rule
	}
	return albList(c.alb.ListenerARN, optionalString(ruleARN), albRuleList(live))
}

// withRuleARN returns the alb block with rule_arn set to arn.
func withRuleARN(ctx context.Context, l types.List, arn string, diags *diag.Diagnostics) types.List {
	var blocks []albModel
	diags.Append(l.ElementsAs(ctx, &blocks, false)...)
	if len(blocks) != 1 {
		return l
	}
	return albList(blocks[0].ListenerARN, types.StringValue(arn), blocks[0].Rule)
}

// ruleRecord is the ledger's copy of the rule a split owns.
func ruleRecord(spec *router.ALBRule) *ledger.SplitRule {
	if spec == nil {
		return nil
	}
	return &ledger.SplitRule{Priority: int64(spec.Priority), PathPatterns: spec.PathPatterns, HostHeaders: spec.HostHeaders}
}

// albTargetChoice explains an alb block without exactly one of
// listener_arn and rule_arn.
func albTargetChoice(ctx context.Context, config tfsdk.Config, at path.Path) (string, string) {
	var listener types.String
	var rule types.List
	_ = config.GetAttribute(ctx, at, &listener)
	_ = config.GetAttribute(ctx, at.ParentPath().AtName("rule"), &rule)
	switch {
	case len(rule.Elements()) == 0:
		return "exactly one of listener_arn and rule_arn",
			"alb: set listener_arn (the listener's default action) or rule_arn (a listener rule), not both and not neither"
	case listener.IsNull():
		return "alb.rule needs listener_arn", "alb: a rule block creates the rule on listener_arn; set listener_arn to the listener the rule belongs on"
	default:
		return "", "" // rule_arn with a rule block: ruleARNWithRule says so
	}
}

// ruleARNWithRule explains a rule_arn written beside a rule block.
func ruleARNWithRule(context.Context, tfsdk.Config, path.Path) (string, string) {
	return "rule_arn with a rule block",
		"alb: with a rule block the split creates the rule and rule_arn is its ARN, computed; remove rule_arn, or remove the rule block to adopt an existing rule"
}

// validateALB checks the conditions of a rule the split owns.
func validateALB(c splitConfig, diags *diagnostics) {
	if c.rule == nil || !c.known {
		return // no rule, or conditions still unknown: judged at apply by AWS
	}
	rule := path.Root("alb").AtListIndex(0).AtName("rule").AtListIndex(0)
	n := len(c.rule.PathPatterns) + len(c.rule.HostHeaders)
	if n == 0 {
		diags.AddAttributeError(rule.AtName("path_patterns"), "listener rule without a condition",
			"alb.rule needs at least one condition: path_patterns (e.g. [\"/api/*\"]) or host_headers (e.g. [\"api.example.com\"])")
	}
	if n > maxRuleConditionValues {
		diags.AddAttributeError(rule.AtName("path_patterns"), "too many condition values",
			fmt.Sprintf("alb.rule has %d path_patterns and %d host_headers; AWS allows at most %d condition values per rule", len(c.rule.PathPatterns), len(c.rule.HostHeaders), maxRuleConditionValues))
	}
}

// ruleCreationCutover is the cutover of a split that creates its rule, in
// words: "create ALB listener rule (priority 100, path /*) at blue=100 green=0 (no live traffic to canary)".
func ruleCreationCutover(spec router.ALBRule, to rollout.Weights) string {
	return fmt.Sprintf("create ALB listener rule (%s) at %s (no live traffic to canary)", spec, to)
}

// albRouter routes on the split's rule (adopted or owned) or its
// listener's default action.
func (r *trafficSplitResource) albRouter(c splitConfig, dests []rollout.Destination) *router.ALB {
	listener, rule := c.alb.ListenerARN.ValueString(), c.alb.RuleARN.ValueString()
	if c.rule != nil {
		listener = "" // the listener is where the rule was created; routing is on the rule
	}
	return router.NewALB(r.data.aws.ELBv2(), listener, rule, dests)
}

// ownedRule creates the listener rule of a new split that owns it; *rule
// is the created rule.
func (r *trafficSplitResource) ownedRule(c splitConfig, dests []rollout.Destination, rule **router.ALB) *cutover.Owned {
	return &cutover.Owned{
		Kind: "ALB listener rule", Description: ruleCreationCutover(*c.rule, c.declared()),
		Create: func(ctx context.Context, to rollout.Weights) (err error) {
			*rule, err = router.CreateALBRule(ctx, r.data.aws.ELBv2(), c.alb.ListenerARN.ValueString(), *c.rule, dests, to, r.data.defaultTags)
			return err
		},
		Remove: func(ctx context.Context) error { return (*rule).DeleteRule(ctx) },
		Mark:   func(s *ledger.Split) { s.RuleARN = (*rule).RuleARN() },
	}
}
