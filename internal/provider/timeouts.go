package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

// resourceTimeouts are the defaults of a resource's timeouts block. The
// resource waits this long unless the block says otherwise, and its schema
// states the same values, so the docs cannot drift from the code.
type resourceTimeouts struct {
	create, read, update, delete time.Duration
	// writes says what create and update include, e.g. "including the
	// whole cutover".
	writes string
}

var (
	environmentTimeouts = resourceTimeouts{create: 20 * time.Minute, read: 20 * time.Minute, update: 20 * time.Minute, delete: 20 * time.Minute,
		writes: "including writing the parameters and the ledger record"}
	deploymentTimeouts = resourceTimeouts{create: 30 * time.Minute, read: 20 * time.Minute, update: 30 * time.Minute, delete: 30 * time.Minute,
		writes: "including the rollout, the wait for a steady state, hooks and every verify gate"}
	trafficSplitTimeouts = resourceTimeouts{create: time.Hour, read: 20 * time.Minute, update: time.Hour, delete: 20 * time.Minute,
		writes: "including the whole cutover (every step, its bake and gate checks, and the rollback of a failed one); the plan warns when the cutover can outlast it"}
)

const durationFormat = "A duration such as `30m` or `2h45m` (units `s`, `m`, `h`)."

// block is the resource's timeouts block, each attribute saying its default.
func (t resourceTimeouts) block(ctx context.Context) schema.Block {
	desc := map[string]string{
		"create": fmt.Sprintf("How long creating may take, %s. Default `%s`. %s", t.writes, rollout.ShortDuration(t.create), durationFormat),
		"update": fmt.Sprintf("How long an update may take, %s. Default `%s`. %s", t.writes, rollout.ShortDuration(t.update), durationFormat),
		"read":   fmt.Sprintf("How long reading (refresh, import) may take. Default `%s`. %s", rollout.ShortDuration(t.read), durationFormat),
		"delete": fmt.Sprintf("How long destroying may take. Default `%s`. %s", rollout.ShortDuration(t.delete), durationFormat),
	}
	b := timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true,
		CreateDescription: desc["create"], ReadDescription: desc["read"], UpdateDescription: desc["update"], DeleteDescription: desc["delete"]}).(schema.SingleNestedBlock)
	for name, a := range b.Attributes {
		s := a.(schema.StringAttribute)
		s.MarkdownDescription = desc[name]
		b.Attributes[name] = s
	}
	b.MarkdownDescription = fmt.Sprintf("How long each operation may take before it fails. Defaults: create `%s`, update `%s`, read `%s`, delete `%s`.",
		rollout.ShortDuration(t.create), rollout.ShortDuration(t.update), rollout.ShortDuration(t.read), rollout.ShortDuration(t.delete))
	return b
}
