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
