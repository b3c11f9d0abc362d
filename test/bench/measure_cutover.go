package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// The cutover measurement: what a canary adds to the bake times the user
// chose, and how fast a firing alarm puts the weights back.

const (
	cutoverAlarm = "bench-api-5xx"
	cutoverPoll  = time.Second // the split's rollback.poll_interval (its minimum; the default is 10s)
)

func init() {
	register(Measurement{
		Name: "cutover",
		About: "A golive_traffic_split over an ALB listener (built with the SDK) walks a three-step canary (10%, 50%, then 100%, " +
			"bake B per step, so 2×B of bake in all) with an alarm gate polled every 1 s. apply_minus_bake is the wall time of " +
			"`terraform apply` (refresh, plan, apply, provider start included) minus the 2×B; the same change all at once is the baseline " +
			"of a one-step apply, and engine overhead is the time from the first weight change to the last, as an SDK client polling " +
			"every 25 ms sees it, minus 2×B. Rollback reaction is the time from setting the alarm to ALARM (during step 1) until that client " +
			"reads the old weights back.",
		Order: 30,
		Run:   measureCutover,
	})
}

func measureCutover(e *Env) ([]Result, error) {
	bake, rollbackBake := 5*time.Second, 20*time.Second
	if e.Opts.Quick {
		bake, rollbackBake = time.Second, 6*time.Second
	}
	totalBake := 2 * bake
	ctx := context.Background()
	s, err := newGoliveStack(ctx, e, "cutover")
	if err != nil {
		return nil, err
	}
	f, err := emulator.NewALB(ctx, s.AWS, "bench")
	if err != nil {
		return nil, err
	}
	if _, err := emulator.CloudWatch(s.AWS).PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String(cutoverAlarm), MetricName: aws.String("HTTPCode_Target_5XX_Count"), Namespace: aws.String("AWS/ApplicationELB"),
		Statistic: cwtypes.StatisticSum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(5),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
	}); err != nil {
		return nil, err
	}
	if err := s.Write("main.tf", cutoverConfig(f)); err != nil {
		return nil, err
	}
	blue := map[string]int32{f.Blue: 100, f.Green: 0}
	green := map[string]int32{f.Blue: 0, f.Green: 100}
	apply := func(greenWeight int, bake time.Duration) (Proc, error) {
		b := ""
		if bake > 0 {
			b = bake.String()
		}
		return s.TF("apply", "-auto-approve", "-input=false", "-no-color", fmt.Sprintf("-var=green=%d", greenWeight), "-var=bake="+b)
	}
	// The split adopts the listener's live weights: no cutover.
	if _, err := apply(0, bake); err != nil {
		return nil, err
	}
	if err := s.expectWeights(ctx, f, blue); err != nil {
		return nil, err
	}
	mine, err := s.AWS.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, err
	}
	providerCalls := func(calls []emulator.Call) float64 {
		n := 0
		for _, c := range calls {
			if c.AccessKey != mine.AccessKeyID {
				n++
			}
		}
		return float64(n)
	}

	var canaryWall, overTotal, baseWall, engine, canaryCalls, baseCalls, reaction []float64
	for run := 1; run <= e.Opts.Runs; run++ {
		e.Log("cutover: run %d of %d: canary 0 → 100, bake %s per step", run, e.Opts.Runs, bake)
		w := watchWeights(s.AWS, f, blue, green)
		var p Proc
		calls, err := e.Record(func() (err error) { p, err = apply(100, bake); return err })
		first, last, werr := w.stop()
		if err != nil {
			return nil, err
		}
		if werr != nil {
			return nil, werr
		}
		if err := s.expectWeights(ctx, f, green); err != nil {
			return nil, err
		}
		canaryWall = append(canaryWall, p.Wall.Seconds())
		overTotal = append(overTotal, (p.Wall - totalBake).Seconds())
		engine = append(engine, nonNegative(last.Sub(first)-totalBake))
		canaryCalls = append(canaryCalls, providerCalls(calls))

		e.Log("cutover: run %d of %d: all at once 100 → 0 (baseline)", run, e.Opts.Runs)
		calls, err = e.Record(func() (err error) { p, err = apply(0, 0); return err })
		if err != nil {
			return nil, err
		}
		if err := s.expectWeights(ctx, f, blue); err != nil {
			return nil, err
		}
		baseWall = append(baseWall, p.Wall.Seconds())
		baseCalls = append(baseCalls, providerCalls(calls))

		e.Log("cutover: run %d of %d: canary with the alarm firing during step 1", run, e.Opts.Runs)
		r, err := s.rollbackReaction(ctx, f, blue, func() (Proc, error) { return apply(100, rollbackBake) })
		if err != nil {
			return nil, err
		}
		reaction = append(reaction, r.Seconds())
	}
	added := make([]float64, len(canaryWall))
	for i := range canaryWall {
		added[i] = max(0, canaryWall[i]-baseWall[i]-totalBake.Seconds())
	}
	canary := fmt.Sprintf("canary 10/50/100, bake %s×2", bake)
	under := func(r Result, limit float64, target string) Result { return r.WithTarget(target, r.Median < limit) }
	rs := []Result{
		NewResult(canary, "apply_seconds", "s", canaryWall),
		under(NewResult(canary, "apply_minus_bake", "s", overTotal), 1, "< 1 s"),
		NewResult("all at once (baseline)", "apply_seconds", "s", baseWall),
		under(NewResult(canary, "added_to_baseline_minus_bake", "s", added), 1, "< 1 s"),
		under(NewResult(canary, "engine_overhead", "s", engine), 1, "< 1 s"),
		NewResult(canary, "provider_calls", "calls", canaryCalls),
		NewResult("all at once (baseline)", "provider_calls", "calls", baseCalls),
	}
	rb := NewResult("alarm during step 1, poll 1s", "rollback_reaction", "s", reaction)
	rs = append(rs, rb.WithTarget(fmt.Sprintf("≤ poll interval + 1 s (%s)", cutoverPoll+time.Second), rb.Median <= (cutoverPoll+time.Second).Seconds()))
	rs[3].Note = "a difference of two noisy wall times; a negative one (the canary apply ran faster than the baseline) counts as 0"
	rs[4].Note = "seen by a client polling every 25 ms, so accurate to about ±50 ms; below 0 counts as 0"
	if m := rs[1]; !*m.Met && Median(baseWall) > 1 {
		rs[1].Note = fmt.Sprintf("terraform's own cost of a one-resource apply (CLI, provider start, refresh, plan) is %.2f s here: see the baseline and added_to_baseline_minus_bake", Median(baseWall))
	}
	return rs, nil
}

// goliveStack is a scratch Terraform configuration that uses golive alone,
// in a fresh account of the emulator with the ledger table created.
type goliveStack struct {
	e       *Env
	Dir     string
	Account string
	AWS     aws.Config
	// Env is more environment for its terraform runs (e.g. the provider's
	// profiling directory).
	Env []string
}

// rollbackReaction applies a canary (run), fires the alarm once step 1 is
// live, and returns the time from firing until the weights read back as
// before. The apply must fail saying it rolled back.
func (s *goliveStack) rollbackReaction(ctx context.Context, f *emulator.ALBFixture, before map[string]int32, run func() (Proc, error)) (time.Duration, error) {
	cw := emulator.CloudWatch(s.AWS)
	defer cw.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{ //nolint:errcheck // checked by the next run's gate
		AlarmName: aws.String(cutoverAlarm), StateValue: cwtypes.StateValueOk, StateReason: aws.String("bench: reset"),
	})
	var firedAt time.Time
	fired := emulator.FireAlarmWhen(s.AWS, cutoverAlarm, "bench: 5xx above threshold", 2*time.Minute, func(ctx context.Context) bool {
		w, _, err := emulator.ListenerWeights(ctx, s.AWS, f.Listener, "")
		if err == nil && emulator.CanaryUnderway(w) {
			firedAt = time.Now() // FireAlarm is called right after this returns
			return true
		}
		return false
	})
	type outcome struct {
		d   time.Duration
		err error
	}
	restored := make(chan outcome, 1)
	go func() {
		if err := <-fired; err != nil {
			restored <- outcome{err: err}
			return
		}
		deadline := time.Now().Add(time.Minute)
		for time.Now().Before(deadline) {
			w, _, err := emulator.ListenerWeights(ctx, s.AWS, f.Listener, "")
			if err == nil && maps.Equal(w, before) {
				restored <- outcome{d: time.Since(firedAt)}
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		restored <- outcome{err: fmt.Errorf("weights not back to %v a minute after the alarm fired", before)}
	}()
	p, err := run()
	if err == nil {
		return 0, fmt.Errorf("the canary with a firing alarm applied without error:\n%s", tail(p.Output, 2000))
	}
	if !strings.Contains(err.Error(), "rolled back to") || !strings.Contains(err.Error(), cutoverAlarm) {
		return 0, fmt.Errorf("the canary with a firing alarm failed, but not by rolling back on the alarm: %w", err)
	}
	o := <-restored
	if o.err != nil {
		return 0, o.err
	}
	return o.d, s.expectWeights(ctx, f, before)
}

func cutoverConfig(f *emulator.ALBFixture) string {
	return fmt.Sprintf(`variable "green" {
  type = number
}

variable "bake" {
  type    = string
  default = "" # all at once
}

resource "golive_environment" "bench" {
  application         = "bench"
  name                = "prod"
  tier                = "production"
  deletion_protection = false
}

resource "golive_traffic_split" "api" {
  environment = golive_environment.bench.id
  service     = "api"
  alb {
    listener_arn = %q
  }
  destination {
    name   = "blue"
    target = %q
    weight = 100 - var.green
  }
  destination {
    name   = "green"
    target = %q
    weight = var.green
  }
  dynamic "strategy" {
    for_each = var.bake == "" ? [] : [var.bake]
    content {
      canary {
        steps = [10, 50]
        bake  = strategy.value
      }
    }
  }
  rollback {
    alarms        = [%q]
    poll_interval = %q
  }
}
`, f.Listener, f.Blue, f.Green, cutoverAlarm, cutoverPoll)
}

// weightWatch polls a listener's weights through the SDK and notes when
// they first left `from` and when they first were `to`.
type weightWatch struct {
	done        chan struct{}
	wg          sync.WaitGroup
	first, last time.Time
}

func watchWeights(cfg aws.Config, f *emulator.ALBFixture, from, to map[string]int32) *weightWatch {
	w := &weightWatch{done: make(chan struct{})}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		ctx := context.Background()
		for {
			got, _, err := emulator.ListenerWeights(ctx, cfg, f.Listener, "")
			now := time.Now()
			if err == nil {
				if w.first.IsZero() && !maps.Equal(got, from) {
					w.first = now
				}
				if w.last.IsZero() && maps.Equal(got, to) {
					w.last = now
					return
				}
			}
			select {
			case <-w.done:
				return
			case <-time.After(25 * time.Millisecond):
			}
		}
	}()
	return w
}

func (w *weightWatch) stop() (first, last time.Time, err error) {
	close(w.done)
	w.wg.Wait()
	if w.first.IsZero() || w.last.IsZero() {
		return w.first, w.last, errors.New("the SDK client never saw the cutover start and finish")
	}
	return w.first, w.last, nil
}

func newGoliveStack(ctx context.Context, e *Env, name string) (*goliveStack, error) {
	account, cfg, err := e.Account(ctx)
	if err != nil {
		return nil, err
	}
	dir, err := e.Dir(name)
	if err != nil {
		return nil, err
	}
	if err := ledger.CreateTable(ctx, dynamodb.NewFromConfig(cfg), ledger.DefaultTable); err != nil {
		return nil, err
	}
	s := &goliveStack{e: e, Dir: dir, Account: account, AWS: cfg}
	if err := s.Write("providers.tf", goliveProviders(e.Server.URL, account)); err != nil {
		return nil, err
	}
	if _, err := s.TF("init", "-input=false", "-no-color"); err != nil {
		return nil, err
	}
	return s, nil
}

// goliveProviders requires golive and points it at the emulator, in
// account (by assume_role, as test/stack_test.go does for the terratests).
func goliveProviders(url, account string) string {
	return fmt.Sprintf(`# Written by the bench harness: the emulator, account %s.
terraform {
  required_providers {
    golive = {
      source = "golive-dev/golive"
    }
  }
}

`, account) + emulator.GoliveProviderHCL(url, account, "")
}

// Write writes a file of the configuration.
func (s *goliveStack) Write(name, body string) error {
	return os.WriteFile(filepath.Join(s.Dir, name), []byte(body), 0o644)
}

// TF runs terraform in the stack with the emulator's base credentials (the
// provider assumes the account's role with them) and the snapshot of the
// golive provider taken at the first stack.
func (s *goliveStack) TF(args ...string) (Proc, error) {
	env := []string{
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=" + emulator.Region,
		"AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE=" + os.DevNull, "AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
	}
	if rc := snapshotCLIConfig(s.e); rc != "" {
		env = append(env, "TF_CLI_CONFIG_FILE="+rc)
	}
	return s.e.Terraform(s.Dir, append(env, s.Env...), args...)
}

var (
	snapshotOnce sync.Once
	snapshotRC   string
)

// snapshotCLIConfig is the bench's CLI configuration with golive installed
// from a copy of its mirror taken once per run (emulator.SnapshotMirror says
// why); "" (use the configuration as it is) when that fails.
func snapshotCLIConfig(e *Env) string {
	snapshotOnce.Do(func() {
		rc, err := emulator.SnapshotMirror(e.TFRC, e.Scratch)
		if err != nil {
			e.Log("bench: %v: using %s as it is", err, e.TFRC)
			return
		}
		snapshotRC = rc
	})
	return snapshotRC
}

// expectWeights reads the listener's weights through the SDK and fails
// unless they are want.
func (s *goliveStack) expectWeights(ctx context.Context, f *emulator.ALBFixture, want map[string]int32) error {
	got, _, err := emulator.ListenerWeights(ctx, s.AWS, f.Listener, "")
	if err != nil {
		return err
	}
	if !maps.Equal(got, want) {
		return fmt.Errorf("listener weights %v, want %v", got, want)
	}
	return nil
}

// nonNegative is d in seconds, 0 when below: an overhead measured as a
// difference of noisy times cannot be less than nothing.
func nonNegative(d time.Duration) float64 { return max(0, d.Seconds()) }
