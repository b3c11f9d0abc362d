package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// unreachableLedger is a ledger whose calls fail at once when their context
// has ended, and otherwise with a refused connection.
func unreachableLedger() *ledger.Ledger {
	db := dynamodb.New(dynamodb.Options{
		Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String("http://127.0.0.1:1"), RetryMaxAttempts: 1,
	})
	return ledger.New(db, ledger.DefaultTable, "us-east-1")
}

// stateOf is a state of r with the attributes given (by top-level path, or
// "timeouts.<op>") and everything else null.
func stateOf(t *testing.T, r resource.Resource, attrs map[string]string) tfsdk.State {
	t.Helper()
	ctx := context.Background()
	var sr resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sr)
	st := tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(sr.Schema.Type().TerraformType(ctx), nil)}
	for name, v := range attrs {
		p := path.Root(name)
		if op, ok := strings.CutPrefix(name, "timeouts."); ok {
			p = path.Root("timeouts").AtName(op)
		}
		if d := st.SetAttribute(ctx, p, v); d.HasError() {
			t.Fatalf("setting %s: %v", name, d)
		}
	}
	return st
}

func wantTimedOut(t *testing.T, what string, d interface{ Errors() diagnostics }) {
	t.Helper()
	errs := d.Errors()
	if len(errs) != 1 || !strings.Contains(errs[0].Detail(), "deadline exceeded") {
		t.Fatalf("%s: %v; want it ended by the declared timeout (deadline exceeded)", what, errs)
	}
}

// TestDeclaredReadAndDeleteTimeoutsAreHonoured: Read and Delete of a
// deployment and Delete of a split end when their timeouts block says, not
// only when Terraform gives up.
func TestDeclaredReadAndDeleteTimeoutsAreHonoured(t *testing.T) {
	ctx := context.Background()
	data := &providerData{ledger: unreachableLedger()}
	data.reads = newReadCache(data.ledger, nil)
	deployment := map[string]string{"environment": "shop/prod", "service": "api", "version": "1.0.0", "slot": "blue"}

	dep := &deploymentResource{data: data}
	read := resource.ReadResponse{}
	dep.Read(ctx, resource.ReadRequest{State: stateOf(t, dep, with(deployment, "timeouts.read", "1ns"))}, &read)
	wantTimedOut(t, "deployment read", read.Diagnostics)

	del := resource.DeleteResponse{}
	dep.Delete(ctx, resource.DeleteRequest{State: stateOf(t, dep, with(deployment, "timeouts.delete", "1ns"))}, &del)
	wantTimedOut(t, "deployment delete", del.Diagnostics)

	split := &trafficSplitResource{data: data}
	del = resource.DeleteResponse{}
	split.Delete(ctx, resource.DeleteRequest{State: stateOf(t, split, map[string]string{
		"environment": "shop/prod", "service": "api", "timeouts.delete": "1ns"})}, &del)
	wantTimedOut(t, "split delete", del.Diagnostics)
}

func with(m map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for mk, mv := range m {
		out[mk] = mv
	}
	return out
}
