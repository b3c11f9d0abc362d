// Package provider is the Terraform glue of golive: schemas, plan checks,
// model mapping and CRUD. The workflows live in plain packages that it
// calls: cutover (a traffic split's transaction), deploy (a deployment's
// pipeline) and change (locks and sessions), over ledger, router, verify,
// rollout, policy and envconfig, which do the work.
package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golive-dev/terraform-provider-golive/internal/awsclient"
	"github.com/golive-dev/terraform-provider-golive/internal/change"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

var _ provider.Provider = &goliveProvider{}

// Option changes how the provider is built; tests use it to inject a clock.
type Option func(*goliveProvider)

// WithClock replaces time.Now for freeze and deploy-window checks. The ledger
// keeps real time: event order and lock leases must not depend on it.
func WithClock(now func() time.Time) Option { return func(p *goliveProvider) { p.now = now } }

// New returns a constructor of the provider, as providerserver wants it.
func New(version string, opts ...Option) func() provider.Provider {
	return func() provider.Provider {
		p := &goliveProvider{version: version, now: time.Now}
		for _, o := range opts {
			o(p)
		}
		return p
	}
}

type goliveProvider struct {
	version string
	now     func() time.Time
}

// providerData is what every resource and data source receives in Configure.
type providerData struct {
	aws         *awsclient.Clients
	ledger      *ledger.Ledger
	now         func() time.Time
	defaultTags map[string]string
	changes     *change.Coordinator // deployments and cutovers: queue, lock, record (changes.go)
	reads       *readCache          // refresh reads shared per environment (read_cache.go)
	kubernetes  kubeClients         // gateway_api splits' cluster, built on first use (provider_kubernetes.go)
}

type providerModel struct {
	Region      types.String      `tfsdk:"region"`
	Profile     types.String      `tfsdk:"profile"`
	LedgerTable types.String      `tfsdk:"ledger_table"` // deprecated: ledger { table }
	DefaultTags types.Map         `tfsdk:"default_tags"`
	MaxRetries  types.Int64       `tfsdk:"max_retries"`
	AssumeRole  []assumeRoleModel `tfsdk:"assume_role"`
	Endpoints   types.List        `tfsdk:"endpoints"` // one object, an attribute per awsclient.Services
	Kubernetes  []kubernetesModel `tfsdk:"kubernetes"`
	Allowed     types.Set         `tfsdk:"allowed_account_ids"`   // provider_accounts.go
	Forbidden   types.Set         `tfsdk:"forbidden_account_ids"` // provider_accounts.go
	Ledger      []ledgerModel     `tfsdk:"ledger"`                // provider_ledger.go
}

type assumeRoleModel struct {
	RoleARN     types.String `tfsdk:"role_arn"`
	SessionName types.String `tfsdk:"session_name"`
	ExternalID  types.String `tfsdk:"external_id"`
	Duration    types.String `tfsdk:"duration"`
}

// endpointURLs is the endpoints block as service → URL, for the services
// set. Its attributes are awsclient.Services, so a service added there
// needs no change here.
func endpointURLs(l types.List) map[string]string {
	out := map[string]string{}
	for _, e := range l.Elements() {
		obj, ok := e.(types.Object)
		if !ok {
			continue
		}
		for svc, v := range obj.Attributes() {
			if u, ok := v.(types.String); ok && u.ValueString() != "" {
				out[svc] = u.ValueString()
			}
		}
	}
	return out
}

func (p *goliveProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "golive"
	resp.Version = p.version
}

func (p *goliveProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	endpointAttrs := map[string]schema.Attribute{}
	for _, svc := range awsclient.Services {
		endpointAttrs[svc] = schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: fmt.Sprintf("URL of the %s endpoint, e.g. a VPC endpoint or an emulator. Unset: the SDK's resolution, which honours `AWS_ENDPOINT_URL_%s` and `AWS_ENDPOINT_URL`.", svc, envSuffix(svc)),
			Validators:          []validator.String{httpURL()},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The golive provider declares how software goes live on AWS: environments, deployments and traffic cutovers with gates, rollback and a ledger. " +
			"Credentials come only from the aws-sdk-go-v2 configuration chain (environment variables, shared profiles, SSO, instance and task roles), optionally followed by `assume_role`.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "AWS region. Unset: `AWS_REGION`, then the profile's region.",
				Validators:          []validator.String{stringvalidator.RegexMatches(regionPattern, "must be an AWS region code such as us-east-1")},
			},
			"profile": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Shared configuration profile. Unset: `AWS_PROFILE`, then `default`.",
			},
			"ledger_table":          ledgerTableAttribute(),
			"allowed_account_ids":   accountIDsAttribute("allowed_account_ids", "forbidden_account_ids"),
			"forbidden_account_ids": accountIDsAttribute("forbidden_account_ids", "allowed_account_ids"),
			"default_tags": schema.MapAttribute{
				ElementType:         types.StringType,
				Optional:            true,
				MarkdownDescription: "Tags put on every AWS object golive creates (SSM parameters, ECS services, ALB listener rules).",
				Validators:          []validator.Map{tagMap()},
			},
			"max_retries": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: fmt.Sprintf("Maximum number of times an AWS request is sent, the first attempt included, while AWS answers with throttling or a 5xx error (the AWS SDK's maximum attempts, as `max_retries` of the hashicorp/aws provider). Default %d.", awsclient.DefaultMaxAttempts),
				Validators:          []validator.Int64{int64validator.Between(1, 50)},
			},
		},
		Blocks: map[string]schema.Block{
			"assume_role": assumeRoleBlock("Assume this IAM role (sts:AssumeRole) on top of the base credentials. The result is the workload credentials: "+
				"golive makes every AWS call with them but the ledger's (see `ledger`), and their caller identity is the ledger's actor.",
				"visible in CloudTrail and in the ledger's actor", 12*time.Hour),
			"ledger": ledgerBlock(),
			"endpoints": schema.ListNestedBlock{
				MarkdownDescription: "Per-service endpoint URLs.",
				Validators:          []validator.List{listvalidator.SizeAtMost(1)},
				NestedObject:        schema.NestedBlockObject{Attributes: endpointAttrs},
			},
			"kubernetes": kubernetesBlock(),
		},
	}
}

func (p *goliveProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg := awsclient.Config{
		Region:      m.Region.ValueString(),
		Profile:     m.Profile.ValueString(),
		MaxAttempts: int(m.MaxRetries.ValueInt64()),
		UserAgent:   "golive/" + p.version,
		Endpoints:   endpointURLs(m.Endpoints),
	}
	if len(m.AssumeRole) == 1 {
		cfg.AssumeRole = m.AssumeRole[0].hop("the provider's assume_role")
	}
	clients, err := awsclient.New(ctx, cfg)
	if err != nil {
		resp.Diagnostics.AddError("configuring the golive provider", err.Error())
		return
	}
	checkAccount(ctx, m, clients, &resp.Diagnostics)
	l := openLedger(m, clients, &resp.Diagnostics)
	tags := stringMap(ctx, m.DefaultTags, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	data := &providerData{
		aws:         clients,
		ledger:      l,
		now:         p.now,
		defaultTags: tags,
		reads:       newReadCache(l, clients),
		kubernetes:  kubernetesClients(m.Kubernetes, "golive/"+p.version),
	}
	data.changes = data.newChanges()
	resp.ResourceData = data
	resp.DataSourceData = data
}

func (p *goliveProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{newEnvironmentResource, newTrafficSplitResource, newDeploymentResource}
}

func (p *goliveProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{newEnvironmentDataSource, newReleaseDataSource, newHistoryDataSource, newDeliveryMetricsDataSource}
}

// configuredData turns ProviderData into *providerData. It is nil before the
// provider is configured (e.g. during validate), which callers must allow.
func configuredData(raw any, diags interface{ AddError(string, string) }) *providerData {
	if raw == nil {
		return nil
	}
	d, ok := raw.(*providerData)
	if !ok {
		diags.AddError("unexpected provider data", fmt.Sprintf("expected *providerData, got %T: this is a bug in golive", raw))
		return nil
	}
	return d
}

// diagnostics is the framework's diagnostics list, named for brevity in
// helper signatures.
type diagnostics = diag.Diagnostics
