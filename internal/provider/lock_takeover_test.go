package provider_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// A run that crashed holding the lock (its lease long expired) does not
// block the next one, and the ledger says who was taken over from, doing
// what, so the history explains where the interrupted run stopped.
func TestAccTrafficSplit_expiredLockTakenOverIsRecorded(t *testing.T) {
	e := newTestEnv(t)
	f := e.alb(t)
	const crashed = "arn:aws:sts::111111111111:assumed-role/ci/pipeline-41"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{Config: e.providerBlock() + splitEnv + albSplit(f, 100, 0, fastCanary)},
			{
				PreConfig: func() {
					// Taken ten minutes ago with a one-minute lease, never released.
					past := ledger.New(e.ddb, ledger.DefaultTable, "", ledger.WithClock(func() time.Time { return time.Now().Add(-10 * time.Minute) }))
					if _, err := past.AcquireLock(context.Background(), ledger.LockRequest{
						Environment: "shop/prod", Service: "api", Holder: crashed, Operation: "traffic shift to blue=0 green=100 by terraform apply",
						Lease: time.Minute,
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config: e.providerBlock() + splitEnv + albSplit(f, 0, 100, fastCanary),
				Check: resource.ComposeTestCheckFunc(
					e.checkListener(f, 0, 100),
					e.checkLockFree("shop/prod", "api"),
					func(*terraform.State) error {
						events, _, err := e.ledger.Events(context.Background(), ledger.EventQuery{Environment: "shop/prod", Service: "api", Limit: 50})
						if err != nil {
							return err
						}
						for _, ev := range events {
							if ev.Kind != ledger.KindLockTakenOver {
								continue
							}
							if ev.Actor != e.actorARN() || !strings.Contains(ev.Reason, "the lock held by "+crashed+" (traffic shift to blue=0 green=100 by terraform apply)") ||
								!strings.Contains(ev.Reason, "was not released and its lease expired") {
								t.Errorf("takeover event %+v: want actor %s and a reason naming the crashed holder", ev, e.actorARN())
							}
							return nil
						}
						t.Errorf("no %s event among %d events of shop/prod/api", ledger.KindLockTakenOver, len(events))
						return nil
					},
				),
			},
		},
	})
}
