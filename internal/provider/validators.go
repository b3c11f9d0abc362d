package provider

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var (
	tableNamePattern     = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	roleARNPattern       = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/.+$`)
	accountIDPattern     = regexp.MustCompile(`^\d{12}$`)
	environmentIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}/[a-z0-9][a-z0-9-]{0,39}$`)
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
func durationString(min, max time.Duration) validator.String {
	return durationValidator{min: min, max: max}
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
)

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
