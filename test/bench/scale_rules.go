package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
)

// hashicorp/aws managing the scale stack's listener rules itself: one
// aws_lb_listener_rule per service, forwarding to its blue and green target
// groups by weight, planned and shifted as golive's splits are.

const rulesConfig = `# Written by the bench harness: the services' listener rules, managed by
# hashicorp/aws alone (on a second listener of each load balancer).
variable "green" {
  type    = number
  default = 0
}

resource "aws_lb_listener_rule" "svc" {
  for_each     = local.services
  listener_arn = local.aws_listeners[each.value.app]
  priority     = each.value.priority
  condition {
    host_header {
      values = ["${each.value.service}.${each.value.app}.example.com"]
    }
  }
  action {
    type = "forward"
    forward {
      target_group {
        arn    = each.value.blue
        weight = 100 - var.green
      }
      target_group {
        arn    = each.value.green
        weight = var.green
      }
    }
  }
}
`

// rulesScale is what the hashicorp/aws stack did.
type rulesScale struct {
	plans, shifts []scaleRun
	rules         int
}

func runAWSRules(e *Env, moto int, g *goliveStack, fx *scaleFixtures, locals string) (rulesScale, error) {
	ctx := context.Background()
	r := rulesScale{rules: len(fx.services)}
	dir, err := e.Dir("rules")
	if err != nil {
		return r, err
	}
	s := &benchStack{e: e, Dir: dir, Account: g.Account, AWS: g.AWS, env: []string{
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=" + emulator.Region,
		"AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE=" + os.DevNull, "AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
		"TF_PLUGIN_CACHE_DIR=" + e.pluginCache(),
	}}
	files := map[string]string{"providers.tf": awsProviders(e.Server.URL, g.Account), "main.tf": rulesConfig, "services.tf.json": locals}
	if err := writeAll(s.Write, files); err != nil {
		return r, err
	}
	if _, err := s.TF("init", "-input=false", "-no-color"); err != nil {
		return r, err
	}
	if _, err := s.TF("apply", "-auto-approve", "-input=false", "-no-color", "-var=green=0"); err != nil {
		return r, err
	}
	if err := fx.expectWeights(ctx, s.AWS, fx.awsListeners, 100, 0); err != nil {
		return r, err
	}
	green := 0
	for i := 1; i <= e.Opts.Runs; i++ {
		p, err := recordRun(e, moto, fmt.Sprintf("rules=%d: hashicorp/aws run %d: no-change plan", r.rules, i), func() (Proc, error) {
			return s.TF("plan", "-input=false", "-no-color", "-lock=false", fmt.Sprintf("-var=green=%d", green))
		})
		if err != nil {
			return r, err
		}
		if !strings.Contains(p.p.Output, "No changes.") {
			e.Log("scale: hashicorp/aws: the plan after apply is not empty:\n%s", tail(p.p.Output, 2000))
		}
		green = 100 - green
		a, err := recordRun(e, moto, fmt.Sprintf("rules=%d: hashicorp/aws run %d: apply shifting every rule to green=%d", r.rules, i, green), func() (Proc, error) {
			return s.TF("apply", "-auto-approve", "-input=false", "-no-color", fmt.Sprintf("-var=green=%d", green))
		})
		if err != nil {
			return r, err
		}
		if err := fx.expectWeights(ctx, s.AWS, fx.awsListeners, int32(100-green), int32(green)); err != nil {
			return r, err
		}
		r.plans, r.shifts = append(r.plans, p), append(r.shifts, a)
	}
	return r, nil
}

// results are hashicorp/aws's figures and golive's beside them.
func (r rulesScale) results(n int, g goliveScale) []Result {
	ac := fmt.Sprintf("hashicorp/aws, rules=%d", r.rules)
	gc := scaleCase(n) + " ÷ hashicorp/aws"
	planCalls := NewResult(ac, "plan_calls", "calls", callsOf(r.plans))
	planCalls.Note = "calls of one plan: " + callHistogram(r.plans[0].calls)
	shiftCalls := NewResult(ac, "apply_shift_calls", "calls", callsOf(r.shifts))
	shiftCalls.Note = "calls of one shift: " + callHistogram(r.shifts[0].calls)
	rs := []Result{
		NewResult(ac, "plan_seconds", "s", wallOf(r.plans)),
		planCalls,
		NewResult(ac, "plan_calls_per_rule", "calls", divided(callsOf(r.plans), float64(r.rules))),
		NewResult(ac, "plan_provider_peak_rss", "MB", rssOf(r.plans, "aws")),
		NewResult(ac, "plan_cpu_terraform_aws", "s", cpuOf(r.plans)),
		NewResult(ac, "apply_shift_seconds", "s", wallOf(r.shifts)),
		shiftCalls,
		NewResult(ac, "apply_shift_calls_per_rule", "calls", divided(callsOf(r.shifts), float64(r.rules))),
		NewResult(ac, "apply_shift_provider_peak_rss", "MB", rssOf(r.shifts, "aws")),
		NewResult(ac, "apply_shift_cpu_terraform_aws", "s", cpuOf(r.shifts)),
		NewResult(gc, "plan_seconds", "×", over(wallOf(g.plans), wallOf(r.plans))),
		NewResult(gc, "plan_calls", "×", over(callsOf(g.plans), callsOf(r.plans))),
		NewResult(gc, "apply_shift_seconds", "×", over(wallOf(g.shifts), wallOf(r.shifts))),
		NewResult(gc, "apply_shift_calls", "×", over(callsOf(g.shifts), callsOf(r.shifts))),
	}
	for i := 10; i < len(rs); i++ {
		rs[i].Summary = true
	}
	return rs
}
