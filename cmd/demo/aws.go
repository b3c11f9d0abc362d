package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
)

// fireAlarmDuringCanary fires the alarm once a canary step is live (a target
// group has some, but not all, of the traffic), as the bad release's 5xx
// responses would.
func (d *demo) fireAlarmDuringCanary(lbName, name string, timeout time.Duration) <-chan struct{} {
	done := make(chan struct{})
	fired := emulator.FireAlarmWhen(d.server.BaseConfig(), name, "set by the demo, standing in for 5xx from the 3.0.0 canary", timeout, func(context.Context) bool {
		w, err := d.ruleWeights(lbName)
		return err == nil && emulator.CanaryUnderway(w)
	})
	go func() {
		defer close(done)
		if err := <-fired; err != nil {
			fmt.Println("  (could not fire the alarm:", err, ")")
			return
		}
		fmt.Printf("\n  >>> the demo set %s to ALARM while the canary bakes (the emulator serves no traffic)\n", name)
	}()
	return done
}

// ruleWeights reads the forward weights of the api rule of the load
// balancer's listener, by target group name.
func (d *demo) ruleWeights(lbName string) (map[string]int32, error) {
	ctx := context.Background()
	listener, err := emulator.ListenerOf(ctx, d.server.BaseConfig(), lbName)
	if err != nil {
		return nil, err
	}
	byARN, err := emulator.ServiceWeights(ctx, d.server.BaseConfig(), listener)
	if err != nil {
		return nil, err
	}
	w := map[string]int32{}
	for arn, v := range byARN {
		name := arn[strings.Index(arn, "targetgroup/")+len("targetgroup/"):]
		w[name[:strings.Index(name, "/")]] = v
	}
	return w, nil
}

// showWeights prints the forward weights of the load balancer's rules.
func (d *demo) showWeights(lbName string) error {
	w, err := d.ruleWeights(lbName)
	if err != nil {
		return err
	}
	var parts []string
	for k, v := range w {
		parts = append(parts, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(parts)
	fmt.Println("  " + strings.Join(parts, "  "))
	return nil
}
