package main

import (
	"context"
	"fmt"
)

// Terraform's floor: the scale configuration with terraform_data in place
// of every golive resource, so that a golive figure can be read as a
// multiple of what Terraform itself costs for as many resources (its graph
// walk, state, plan rendering; no provider, no AWS).

const floorConfig = `# Written by the bench harness: the scale configuration, with terraform_data
# in place of every golive resource.
variable "green" {
  type    = number
  default = 0
}

resource "terraform_data" "app" {
  for_each = local.environments
  input    = { application = each.key, name = "prod", tier = "production" }
}

resource "terraform_data" "svc" {
  for_each = local.services
  input = {
    environment = terraform_data.app[each.value.app].output.application
    service     = each.value.service
    listener    = local.environments[each.value.app]
    priority    = each.value.priority
    blue        = { target = each.value.blue, weight = 100 - var.green }
    green       = { target = each.value.green, weight = var.green }
  }
}
`

// floorScale is what the terraform_data stack of one size did.
type floorScale struct {
	plans, shifts []scaleRun
}

func runFloor(e *Env, n int, locals string) (floorScale, error) {
	var f floorScale
	s, err := newBenchStack(context.Background(), e, fmt.Sprintf("floor-%d", n))
	if err != nil {
		return f, err
	}
	if err := writeAll(s.Write, map[string]string{"main.tf": floorConfig, "services.tf.json": locals}); err != nil {
		return f, err
	}
	if _, err := s.TF("init", "-input=false", "-no-color"); err != nil {
		return f, err
	}
	if _, err := s.TF("apply", "-auto-approve", "-input=false", "-no-color", "-var=green=0"); err != nil {
		return f, err
	}
	green := 0
	for i := 1; i <= e.Opts.Runs; i++ {
		p, err := s.TF("plan", "-input=false", "-no-color", "-lock=false", "-detailed-exitcode", fmt.Sprintf("-var=green=%d", green))
		if err != nil {
			return f, fmt.Errorf("the plan after apply is not empty: %w", err)
		}
		green = 100 - green
		a, err := s.TF("apply", "-auto-approve", "-input=false", "-no-color", fmt.Sprintf("-var=green=%d", green))
		if err != nil {
			return f, err
		}
		e.Log("scale: splits=%d: terraform_data: plan %s, apply %s", n, p.Wall.Round(1e6), a.Wall.Round(1e6))
		f.plans, f.shifts = append(f.plans, scaleRun{p: p}), append(f.shifts, scaleRun{p: a})
	}
	return f, nil
}

// over is golive's samples divided by the floor's, run by run.
func over(a, b []float64) []float64 {
	out := make([]float64, min(len(a), len(b)))
	for i := range out {
		if b[i] > 0 {
			out[i] = a[i] / b[i]
		}
	}
	return out
}

// results are the floor's figures and golive's as multiples of them.
func (f floorScale) results(n int, g goliveScale, summary bool) []Result {
	resources := scaleResources(n)
	fc := fmt.Sprintf("terraform_data ×%d", resources)
	rc := scaleCase(n) + " ÷ terraform_data"
	planWall := NewResult(fc, "plan_seconds", "s", wallOf(f.plans))
	planWall.Note = fmt.Sprintf("per resource: %.1f ms", 1000*planWall.Median/float64(resources))
	shiftWall := NewResult(fc, "apply_shift_seconds", "s", wallOf(f.shifts))
	shiftWall.Note = fmt.Sprintf("per resource: %.1f ms", 1000*shiftWall.Median/float64(resources))
	rs := []Result{
		planWall,
		NewResult(fc, "plan_cpu_terraform", "s", cpuOf(f.plans)),
		shiftWall,
		NewResult(fc, "apply_shift_cpu_terraform", "s", cpuOf(f.shifts)),
		NewResult(rc, "plan_seconds", "×", over(wallOf(g.plans), wallOf(f.plans))),
		NewResult(rc, "plan_cpu", "×", over(cpuOf(g.plans), cpuOf(f.plans))),
		NewResult(rc, "apply_shift_seconds", "×", over(wallOf(g.shifts), wallOf(f.shifts))),
		NewResult(rc, "apply_shift_cpu", "×", over(cpuOf(g.shifts), cpuOf(f.shifts))),
	}
	for i := 4; i < len(rs) && summary; i++ {
		rs[i].Summary = true
	}
	return rs
}
