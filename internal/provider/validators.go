package provider

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golive-dev/terraform-provider-golive/internal/policy"
)

var (
	tableNamePattern     = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	roleARNPattern       = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/.+$`)
	accountIDPattern     = regexp.MustCompile(`^\d{12}$`)
	environmentIDPattern = regexp.MustCompile(`^` + namePart + `/` + namePart + `$`)
	snsTopicARNPattern   = regexp.MustCompile(`^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$`)
)

func envSuffix(service string) string {
	if service == "elbv2" {
		return "ELASTIC_LOAD_BALANCING_V2"
	}
	return strings.ToUpper(service)
}

// httpURL accepts absolute http and https URLs.
func httpURL() validator.String { return urlValidator{} }

type urlValidator struct{}

func (urlValidator) Description(context.Context) string { return "an absolute http or https URL" }
func (v urlValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (urlValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "invalid URL",
			fmt.Sprintf("%s: %q is not an absolute http:// or https:// URL", req.Path, s))
	}
}

// durationString accepts Go durations ("90s", "5m", "1h30m") within bounds.
func durationString(lo, hi time.Duration) validator.String {
	return durationValidator{min: lo, max: hi}
}

type durationValidator struct{ min, max time.Duration }

func (v durationValidator) Description(context.Context) string {
	return fmt.Sprintf("a duration such as \"30s\" or \"5m\", between %s and %s", v.min, v.max)
}
func (v durationValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		resp.Diagnostics.AddAttributeError(req.Path, "invalid duration",
			fmt.Sprintf("%s: %q is not a duration: use a number with a unit, such as \"30s\", \"5m\" or \"1h30m\"", req.Path, s))
	case d < v.min || d > v.max:
		resp.Diagnostics.AddAttributeError(req.Path, "duration out of range",
			fmt.Sprintf("%s: %s is outside %s to %s", req.Path, s, v.min, v.max))
	}
}

// rfc3339String accepts RFC 3339 times such as "2026-12-24T00:00:00Z".
func rfc3339String() validator.String { return rfc3339Validator{} }

type rfc3339Validator struct{}

func (rfc3339Validator) Description(context.Context) string {
	return "an RFC 3339 time such as \"2026-12-24T00:00:00Z\""
}

func (v rfc3339Validator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (rfc3339Validator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	if _, err := time.Parse(time.RFC3339, s); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "invalid time",
			fmt.Sprintf("%s: %q is not an RFC 3339 time such as 2026-12-24T00:00:00Z", req.Path, s))
	}
}

// regexString accepts RE2 regular expressions.
func regexString() validator.String { return regexValidator{} }

type regexValidator struct{}

func (regexValidator) Description(context.Context) string { return "an RE2 regular expression" }
func (v regexValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (regexValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "invalid regular expression", fmt.Sprintf("%s: %v", req.Path, err))
	}
}

var destinationNamePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// namePart is an application, environment or service name inside an id.
const namePart = policy.NameExpr

var versionPattern = regexp.MustCompile(`^[A-Za-z0-9._+-]{1,128}$`)

// Formats checked at plan so that a typo fails before any AWS call (and
// before a deployment takes its lock) instead of as an API error mid-apply.
var (
	regionPattern      = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d{1,2}$`)
	sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
	externalIDPattern  = regexp.MustCompile(`^[\w+=,.@:/-]+$`) // and 2-1224 long
	// eventIDPattern is the ledger's event id: EVT#<RFC 3339 nanoseconds>#<8 hex>.
	eventIDPattern        = regexp.MustCompile(`^EVT#\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z#[0-9a-f]{8}$`)
	lambdaVersionPattern  = regexp.MustCompile(`^[1-9][0-9]*$`)
	ecsClusterPattern     = regexp.MustCompile(`^(arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster/)?[A-Za-z0-9_-]{1,255}$`)
	ecsTaskDefPattern     = regexp.MustCompile(`^(arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition/)?[A-Za-z0-9_-]{1,255}(:\d+)?$`)
	ecsServiceNamePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)
	targetGroupARNPattern = regexp.MustCompile(`^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup/[A-Za-z0-9-]{1,32}/[A-Za-z0-9]+$`)

	// A golive_deployment id: <application>/<environment>/<service>/<slot or version>.
	deploymentIDPattern = regexp.MustCompile(`^` + namePart + `/` + namePart + `/` + namePart + `/[A-Za-z0-9._+-]{1,128}$`)
	// Application (and network) load balancer listeners and listener rules.
	listenerARNPattern     = regexp.MustCompile(`^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener/(app|net)/[A-Za-z0-9-]{1,32}/[A-Za-z0-9]+/[A-Za-z0-9]+$`)
	listenerRuleARNPattern = regexp.MustCompile(`^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener-rule/(app|net)/[A-Za-z0-9-]{1,32}/[A-Za-z0-9]+/[A-Za-z0-9]+/[A-Za-z0-9]+$`)
	// A hosted zone ID as AWS gives it, with or without the /hostedzone/ prefix.
	hostedZoneIDPattern = regexp.MustCompile(`^(/hostedzone/)?[A-Z0-9]{1,32}$`)
	// A DNS name as Route 53 takes it: letters, digits, - _ . and the * wildcard
	// (other characters are written as \ooo escapes).
	recordNamePattern = regexp.MustCompile(`^[A-Za-z0-9_*.\\-]+$`) // and at most 1024 long
	// A function name, its ARN or its partial ARN, without a qualifier.
	lambdaFunctionPattern = regexp.MustCompile(`^((arn:aws[a-z-]*:lambda:[a-z0-9-]+:)?\d{12}:function:)?[A-Za-z0-9_-]{1,64}$`)
	// An alias name: letters, digits, '_' and '-', not only digits (that is a version).
	lambdaAliasPattern = regexp.MustCompile(`^[A-Za-z0-9_-]*[A-Za-z_-][A-Za-z0-9_-]*$`)
	// A CloudWatch alarm name: 1-255 characters, no control characters.
	alarmNamePattern = regexp.MustCompile(`^[^\x00-\x1f\x7f]{1,255}$`)
)

// Validators of golive_traffic_split's routers, destinations and gates. Each
// passes unknown values: they are judged at apply.
var (
	deploymentIDValidator = stringvalidator.RegexMatches(deploymentIDPattern,
		"must be a golive_deployment id <application>/<environment>/<service>/<slot or version>, e.g. shop/prod/api/blue: use golive_deployment.<name>.id")
	listenerARNValidator = stringvalidator.RegexMatches(listenerARNPattern,
		"must be a load balancer listener ARN such as arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop-prod/0123456789abcdef/0123456789abcdef (aws_lb_listener.<name>.arn)")
	listenerRuleARNValidator = stringvalidator.RegexMatches(listenerRuleARNPattern,
		"must be a listener rule ARN such as arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/shop-prod/0123456789abcdef/0123456789abcdef/0123456789abcdef (aws_lb_listener_rule.<name>.arn)")
	// Targets, by router: what a destination's raw target must be.
	albTargetValidator = stringvalidator.RegexMatches(targetGroupARNPattern,
		"must be a target group ARN with the alb router, such as arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api-blue/0123456789abcdef")
	lambdaTargetValidator = stringvalidator.RegexMatches(lambdaVersionPattern,
		"must be a published version number such as 3 with the lambda_alias router, not $LATEST or an alias: use the version of aws_lambda_function with publish = true")
	route53TargetValidator = stringvalidator.RegexMatches(regexp.MustCompile(`\S`),
		"must be the record value with the route53 router, e.g. blue.example.com for a CNAME")
)

func hostedZoneIDValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(hostedZoneIDPattern,
		"must be a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ (aws_route53_zone.<name>.zone_id)")}
}

func recordNameValidators() []validator.String {
	return []validator.String{stringvalidator.LengthAtMost(1024), stringvalidator.RegexMatches(recordNamePattern,
		"must be a DNS name such as api.example.com: letters, digits, '-', '_', '.' and the wildcard '*'")}
}

func lambdaFunctionValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(lambdaFunctionPattern,
		"must be a Lambda function name (1-64 letters, digits, '_' or '-') or its ARN without a qualifier, e.g. api or arn:aws:lambda:us-east-1:123456789012:function:api")}
}

func lambdaAliasValidators() []validator.String {
	return []validator.String{stringvalidator.LengthAtMost(128), stringvalidator.RegexMatches(lambdaAliasPattern,
		"must be an alias name of 1-128 letters, digits, '_' or '-', not only digits (that is a version), e.g. live")}
}

// alarmNames accepts lists of CloudWatch alarm names.
func alarmNames() validator.List {
	return listvalidator.ValueStringsAre(stringvalidator.RegexMatches(alarmNamePattern,
		"must be a CloudWatch alarm name of 1-255 characters without control characters, e.g. shop-prod-5xx"))
}

// checkString runs v on value as the attribute at p: for rules that depend
// on other attributes, applied from ValidateConfig.
func checkString(ctx context.Context, v validator.String, p path.Path, value types.String, diags *diag.Diagnostics) {
	resp := &validator.StringResponse{}
	v.ValidateString(ctx, validator.StringRequest{Path: p, PathExpression: p.Expression(), ConfigValue: value}, resp)
	diags.Append(resp.Diagnostics...)
}

// tagMap accepts maps whose keys and values AWS takes as tags: keys of
// 1-128 characters outside the reserved aws: prefix, values up to 256.
func tagMap() validator.Map { return tagMapValidator{} }

type tagMapValidator struct{}

func (tagMapValidator) Description(context.Context) string {
	return "tags: keys of 1-128 characters not starting with aws:, values of up to 256 characters"
}
func (v tagMapValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (tagMapValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for k, v := range req.ConfigValue.Elements() {
		at := req.Path.AtMapKey(k)
		switch {
		case k == "" || len(k) > 128:
			resp.Diagnostics.AddAttributeError(at, "invalid tag key", fmt.Sprintf("%s: a tag key has 1-128 characters", at))
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			resp.Diagnostics.AddAttributeError(at, "invalid tag key", fmt.Sprintf("%s: the aws: prefix is reserved by AWS: choose another key", at))
		}
		if s, ok := v.(interface{ ValueString() string }); ok && !v.IsUnknown() && len(s.ValueString()) > 256 {
			resp.Diagnostics.AddAttributeError(at, "invalid tag value", fmt.Sprintf("%s: a tag value has at most 256 characters", at))
		}
	}
}
