package provider

import (
	"errors"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"k8s.io/client-go/dynamic"

	"github.com/golive-dev/terraform-provider-golive/internal/kubeclient"
)

// kubernetesModel is the provider's kubernetes block.
type kubernetesModel struct {
	ConfigPath           types.String `tfsdk:"config_path"`
	ConfigContext        types.String `tfsdk:"config_context"`
	Host                 types.String `tfsdk:"host"`
	ClusterCACertificate types.String `tfsdk:"cluster_ca_certificate"`
	Token                types.String `tfsdk:"token"`
	ClientCertificate    types.String `tfsdk:"client_certificate"`
	ClientKey            types.String `tfsdk:"client_key"`
}

var (
	pemCertificatePattern = regexp.MustCompile(`^\s*-----BEGIN CERTIFICATE-----`)
	pemKeyPattern         = regexp.MustCompile(`^\s*-----BEGIN ([A-Z]+ )?PRIVATE KEY-----`)
)

func kubernetesBlock() schema.ListNestedBlock {
	nonEmpty := []validator.String{stringvalidator.LengthAtLeast(1)}
	pemCert := []validator.String{stringvalidator.RegexMatches(pemCertificatePattern, "must be a PEM certificate (-----BEGIN CERTIFICATE-----), e.g. base64decode(<cluster>.certificate_authority[0].data)")}
	return schema.ListNestedBlock{
		MarkdownDescription: "The Kubernetes cluster of `gateway_api` traffic splits; only those use it, and only when they run, so a configuration " +
			"without them needs neither this block nor a cluster. Without the block, or with neither `config_path` nor `host`, client-go's " +
			"loading rules apply: `KUBECONFIG`, else `~/.kube/config`, else the service account of the pod Terraform runs in. " +
			"With `host` and no `config_path`, no kubeconfig is read. Credentials of a kubeconfig's `exec` plugin (e.g. `aws eks get-token`) work as in kubectl.",
		Validators: []validator.List{listvalidator.SizeAtMost(1)},
		NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
			"config_path": schema.StringAttribute{Optional: true, Validators: nonEmpty,
				MarkdownDescription: "Path of a kubeconfig file, e.g. `~/.kube/config`."},
			"config_context": schema.StringAttribute{Optional: true, Validators: nonEmpty,
				MarkdownDescription: "Context of the kubeconfig to use. Default: its `current-context`."},
			"host": schema.StringAttribute{Optional: true, Validators: []validator.String{httpURL()},
				MarkdownDescription: "URL of the API server, e.g. `https://ABC.gr7.eu-west-1.eks.amazonaws.com`. With `config_path`, it overrides the kubeconfig's."},
			"cluster_ca_certificate": schema.StringAttribute{Optional: true, Validators: pemCert,
				MarkdownDescription: "PEM certificate of the CA that signed the API server's certificate."},
			"token": schema.StringAttribute{Optional: true, Sensitive: true, Validators: nonEmpty,
				MarkdownDescription: "Bearer token, e.g. `data.aws_eks_cluster_auth.x.token`."},
			"client_certificate": schema.StringAttribute{Optional: true, MarkdownDescription: "PEM client certificate, with `client_key`.",
				Validators: []validator.String{pemCert[0], stringvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("client_key"))}},
			"client_key": schema.StringAttribute{Optional: true, Sensitive: true, MarkdownDescription: "PEM private key of `client_certificate`.",
				Validators: []validator.String{
					stringvalidator.RegexMatches(pemKeyPattern, "must be a PEM private key (-----BEGIN ... PRIVATE KEY-----)"),
					stringvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("client_certificate")),
				}},
		}},
	}
}

// kubernetesClients are the provider's Kubernetes clients, built on first
// use. Values unknown at plan (a cluster created in the same apply) make
// every use an error until the provider is configured with them known.
func kubernetesClients(blocks []kubernetesModel, userAgent string) kubeClients {
	cfg := kubeclient.Config{UserAgent: userAgent}
	if len(blocks) == 1 {
		b := blocks[0]
		for _, v := range []types.String{b.ConfigPath, b.ConfigContext, b.Host, b.ClusterCACertificate, b.Token, b.ClientCertificate, b.ClientKey} {
			if v.IsUnknown() {
				return unknownKubernetes{}
			}
		}
		cfg.ConfigPath, cfg.ConfigContext, cfg.Host = b.ConfigPath.ValueString(), b.ConfigContext.ValueString(), b.Host.ValueString()
		cfg.ClusterCACertificate, cfg.Token = b.ClusterCACertificate.ValueString(), b.Token.ValueString()
		cfg.ClientCertificate, cfg.ClientKey = b.ClientCertificate.ValueString(), b.ClientKey.ValueString()
	}
	return kubeclient.New(cfg)
}

// kubeClients gives the Gateway API router its client.
type kubeClients interface {
	Dynamic() (dynamic.Interface, error)
}

type unknownKubernetes struct{}

// errKubernetesUnknown: the kubernetes block depends on values known only
// after apply; a plan then cannot read the cluster, and says so by leaving
// the cutover unknown.
var errKubernetesUnknown = errors.New("the provider's kubernetes block has values known only after apply (e.g. the endpoint of a cluster created in the same run)")

func (unknownKubernetes) Dynamic() (dynamic.Interface, error) { return nil, errKubernetesUnknown }
