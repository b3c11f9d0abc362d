package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestKubernetesClients(t *testing.T) {
	known := kubernetesModel{
		ConfigPath: types.StringNull(), ConfigContext: types.StringNull(), Host: types.StringValue("https://k8s.example.com"),
		ClusterCACertificate: types.StringNull(), Token: types.StringValue("t"), ClientCertificate: types.StringNull(), ClientKey: types.StringNull(),
	}
	if _, err := kubernetesClients([]kubernetesModel{known}, "golive/test").Dynamic(); err != nil {
		t.Fatalf("a block with host and token: %v", err)
	}

	unknown := known
	unknown.Host = types.StringUnknown()
	_, err := kubernetesClients([]kubernetesModel{unknown}, "golive/test").Dynamic()
	if err == nil || !strings.Contains(err.Error(), "kubernetes block has values known only after apply") {
		t.Fatalf("a block with an unknown host: %v", err)
	}

	missing := known
	missing.Host, missing.ConfigPath = types.StringNull(), types.StringValue("/nonexistent/kubeconfig")
	_, err = kubernetesClients([]kubernetesModel{missing}, "golive/test").Dynamic()
	if err == nil || !strings.Contains(err.Error(), "reading kubeconfig /nonexistent/kubeconfig (config_path)") {
		t.Fatalf("a block naming a missing kubeconfig: %v", err)
	}
}
