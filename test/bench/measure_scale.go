package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/acctest/procfs"
)

// The scale measurement: plan and apply of many traffic splits, to show
// that cost grows linearly with the stack, that a shift makes the fewest
// AWS calls it can, and that the provider stays small; beside Terraform's
// own cost for as many resources (terraform_data) and, at 100 splits,
// hashicorp/aws managing the same listener rules.

// scaleServicesPerEnv is how many services (one traffic split each) share
// an environment and its load balancer: a product team's stage.
const scaleServicesPerEnv = 10

// scaleRSSLimit is the target for the provider's peak memory at the
// largest size.
const scaleRSSLimit = 100 << 20

// Call targets (credentials calls aside): a whole `terraform apply` that
// shifts the one split of an environment all at once, and a shift per
// split at scale.
const (
	shiftCallsOneSplit = 6
	shiftCallsPerSplit = 5
)

// rulesCompareSize is the size at which hashicorp/aws manages the same
// listener rules beside golive.
const rulesCompareSize = 100

func init() {
	register(Measurement{
		Name: "scale",
		About: fmt.Sprintf("N golive_traffic_split resources (for_each, as a platform stack declares its services) and one golive_environment "+
			"per %d of them: each environment is one application's production stage with its own ALB and listener, each service two target "+
			"groups (all made with the SDK), and each split owns its service's listener rule (host header), as modules/ecs-service has it. "+
			"Figures per size: `terraform apply` creating everything (one sample), a no-change `terraform plan` (refresh of every "+
			"resource), and an apply that shifts every split all at once from blue to green (or back); wall time, AWS calls (emulator "+
			"recorder; the provider's credentials calls to STS left out), the golive provider's peak RSS, and CPU seconds of terraform "+
			"with its provider and of the emulator. Terraform's floor: the same configuration with terraform_data in place of every golive "+
			"resource (same for_each, same changed input), so that each golive figure also shows as a multiple of what Terraform itself "+
			"costs for as many resources. At %d splits (the largest size under -quick), hashicorp/aws manages the same services' listener "+
			"rules (aws_lb_listener_rule with a weighted forward, on a second listener of each load balancer), planned and shifted the same "+
			"way. Growth is judged by the calls per split at the largest size against the size before it, and by the time per split net of "+
			"Terraform's floor (golive's time as a multiple of terraform_data's at both sizes), because Terraform's own cost per resource "+
			"does not stay flat as a configuration grows. "+
			"BENCH_SCALE_SIZES=1,10,100,1000 (the default) picks the sizes.", scaleServicesPerEnv, rulesCompareSize),
		Order: 40,
		Run:   measureScale,
	})
}

func scaleSizes(e *Env) ([]int, error) {
	sizes := []int{1, 10, 100, 1000}
	if e.Opts.Quick {
		sizes = []int{1, 5}
	}
	v := os.Getenv("BENCH_SCALE_SIZES")
	if v == "" {
		return sizes, nil
	}
	sizes = nil
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("BENCH_SCALE_SIZES=%q: want sizes like 1,10,100,1000", v)
		}
		sizes = append(sizes, n)
	}
	if len(sizes) < 2 {
		return nil, fmt.Errorf("BENCH_SCALE_SIZES=%q: want at least two sizes to judge growth", v)
	}
	return sizes, nil
}

func measureScale(e *Env) ([]Result, error) {
	sizes, err := scaleSizes(e)
	if err != nil {
		return nil, err
	}
	moto, err := findMoto(e.Server.URL)
	if err != nil {
		return nil, err
	}
	largest := slices.Max(sizes)
	compare := largest
	if slices.Contains(sizes, rulesCompareSize) {
		compare = rulesCompareSize
	}
	var rs []Result
	per := map[int]scaleFigures{}
	for _, n := range sizes {
		f, r, err := measureScaleSize(e, moto, n, scaleOptions{rules: n == compare, profile: n == largest, largest: n == largest})
		if err != nil {
			return nil, fmt.Errorf("splits=%d: %w", n, err)
		}
		per[n] = f
		rs = append(rs, r...)
	}
	// Growth: per-split cost at the largest size against the size before.
	big, small := sizes[len(sizes)-1], sizes[len(sizes)-2]
	cs := fmt.Sprintf("splits=%d vs %d", big, small)
	ratio := func(a, b []float64, na, nb int) []float64 {
		out := make([]float64, min(len(a), len(b)))
		for i := range out {
			out[i] = (a[i] / float64(na)) / (b[i] / float64(nb))
		}
		return out
	}
	grow := func(metric string, a, b []float64, limit float64) Result {
		r := NewResult(cs, metric, "ratio", ratio(a, b, big, small))
		return r.WithTarget(fmt.Sprintf("≤ %.2f (linear)", limit), r.Median <= limit)
	}
	// Wall time per split also grows with Terraform's own cost per
	// resource, which is not linear (see terraform_data at both sizes):
	// the growth golive is held to is that of its figures as multiples of
	// Terraform's floor. Time is judged with slack for a shared machine;
	// calls per split must not grow at all.
	raw := func(metric string, a, b []float64, floor string) Result {
		r := NewResult(cs, metric, "ratio", ratio(a, b, big, small))
		r.Note = "Terraform's own: " + floor + " per resource grows " +
			trim(Median(ratio(per[big].floorOf(metric), per[small].floorOf(metric), scaleResources(big), scaleResources(small)))) +
			"× between the sizes (terraform_data); the figure held to linear growth is the one net of that floor"
		return r
	}
	net := func(metric string, a, b, fa, fb []float64) Result {
		r := NewResult(cs, metric, "ratio", over(over(a, fa), over(b, fb)))
		return r.WithTarget("≤ 1.25 (linear)", r.Median <= 1.25)
	}
	rs = append(rs,
		raw("plan_seconds_per_split", per[big].planWall, per[small].planWall, "a no-change plan"),
		net("plan_seconds_per_split_net_of_terraform", per[big].planWall, per[small].planWall, per[big].floorPlan, per[small].floorPlan),
		grow("plan_calls_per_split", per[big].planCalls, per[small].planCalls, 1.05),
		raw("apply_seconds_per_split", per[big].applyWall, per[small].applyWall, "an apply of the changed input"),
		net("apply_seconds_per_split_net_of_terraform", per[big].applyWall, per[small].applyWall, per[big].floorApply, per[small].floorApply),
		grow("apply_calls_per_split", per[big].applyCalls, per[small].applyCalls, 1.05),
	)
	return rs, nil
}

// scaleOptions say what runs beside golive at one size.
type scaleOptions struct {
	rules   bool // hashicorp/aws manages the same rules
	profile bool // one more plan and shift, profiled
	largest bool // the memory target applies
}

// scaleFigures are the samples of one size that growth is judged on, with
// the terraform_data floor's wall times.
type scaleFigures struct {
	planWall, planCalls, applyWall, applyCalls []float64
	floorPlan, floorApply                      []float64
}

// floorOf is the floor's wall times per resource of the metric's phase.
func (f scaleFigures) floorOf(metric string) []float64 {
	if strings.HasPrefix(metric, "plan") {
		return f.floorPlan
	}
	return f.floorApply
}

// scaleRun is one recorded terraform run.
type scaleRun struct {
	p     Proc
	calls []emulator.Call // the run's AWS calls, credentials calls (sts) left out
	moto  time.Duration   // the emulator's CPU time meanwhile
}

// recordRun runs tf with the recorder on.
func recordRun(e *Env, moto int, what string, tf func() (Proc, error)) (scaleRun, error) {
	var r scaleRun
	m0 := processCPU(moto)
	calls, err := e.Record(func() (err error) { r.p, err = tf(); return err })
	r.moto = processCPU(moto) - m0
	for _, c := range calls {
		if c.Service != "sts" {
			r.calls = append(r.calls, c)
		}
	}
	e.Log("scale: %s: %s, %d calls: %s", what, r.p.Wall.Round(time.Millisecond), len(r.calls), callHistogram(r.calls))
	return r, err
}

// scaleResources is the number of resources of a size: its splits and
// their environments.
func scaleResources(n int) int { return n + (n+scaleServicesPerEnv-1)/scaleServicesPerEnv }

// scaleCase names a size: "splits=100 (10 env)".
func scaleCase(n int) string {
	return fmt.Sprintf("splits=%d (%d env)", n, (n+scaleServicesPerEnv-1)/scaleServicesPerEnv)
}

func measureScaleSize(e *Env, moto, n int, opt scaleOptions) (scaleFigures, []Result, error) {
	ctx := context.Background()
	s, err := newGoliveStack(ctx, e, fmt.Sprintf("scale-%d", n))
	if err != nil {
		return scaleFigures{}, nil, err
	}
	start := time.Now()
	fx, err := newScaleFixtures(ctx, s.AWS, n, opt.rules)
	if err != nil {
		return scaleFigures{}, nil, err
	}
	e.Log("scale: splits=%d: load balancers and %d target groups made with the SDK in %s", n, 2*n, time.Since(start).Round(time.Second))
	locals, err := fx.locals()
	if err != nil {
		return scaleFigures{}, nil, err
	}
	if err := writeAll(s.Write, map[string]string{"main.tf": scaleConfig, "services.tf.json": locals}); err != nil {
		return scaleFigures{}, nil, err
	}
	g, err := runGoliveScale(e, moto, s, fx, n, opt.profile)
	if err != nil {
		return scaleFigures{}, nil, err
	}
	rs := g.results(n, opt.largest)
	floor, err := runFloor(e, n, locals)
	if err != nil {
		return scaleFigures{}, nil, fmt.Errorf("terraform_data floor: %w", err)
	}
	rs = append(rs, floor.results(n, g, opt.largest)...)
	if opt.rules {
		r, err := runAWSRules(e, moto, s, fx, locals)
		if err != nil {
			return scaleFigures{}, nil, fmt.Errorf("hashicorp/aws rules: %w", err)
		}
		rs = append(rs, r.results(n, g)...)
	}
	fig := scaleFigures{planWall: wallOf(g.plans), planCalls: callsOf(g.plans), applyWall: wallOf(g.shifts), applyCalls: callsOf(g.shifts),
		floorPlan: wallOf(floor.plans), floorApply: wallOf(floor.shifts)}
	return fig, rs, nil
}

func writeAll(write func(name, body string) error, files map[string]string) error {
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := write(name, files[name]); err != nil {
			return err
		}
	}
	return nil
}

// goliveScale is what the golive stack of one size did.
type goliveScale struct {
	create        scaleRun
	plans, shifts []scaleRun
}

// runGoliveScale creates the stack, then per run makes a no-change plan
// and shifts every split; with profile, one more plan and shift write the
// provider's profiles (not counted among the runs).
func runGoliveScale(e *Env, moto int, s *goliveStack, fx *scaleFixtures, n int, profile bool) (goliveScale, error) {
	ctx := context.Background()
	var g goliveScale
	var err error
	what := func(format string, args ...any) string {
		return fmt.Sprintf("splits=%d: ", n) + fmt.Sprintf(format, args...)
	}
	if g.create, err = recordRun(e, moto, what("apply (create)"), func() (Proc, error) {
		return s.TF("apply", "-auto-approve", "-input=false", "-no-color", "-var=green=0")
	}); err != nil {
		return g, err
	}
	if err := fx.expectWeights(ctx, s.AWS, fx.listeners, 100, 0); err != nil {
		return g, err
	}
	green := 0
	runs := e.Opts.Runs
	if profile {
		runs++
	}
	for i := 1; i <= runs; i++ {
		profiled := profile && i == runs
		dir := filepath.Join(e.Scratch, fmt.Sprintf("pprof-%d", n))
		if profiled {
			s.Env = []string{"GOLIVE_PPROF_DIR=" + filepath.Join(dir, "plan")}
		}
		// -detailed-exitcode: a plan that finds changes exits 2 and fails.
		p, err := recordRun(e, moto, what("run %d of %d: no-change plan", i, runs), func() (Proc, error) {
			return s.TF("plan", "-input=false", "-no-color", "-lock=false", "-detailed-exitcode", fmt.Sprintf("-var=green=%d", green))
		})
		if err != nil {
			return g, fmt.Errorf("the plan after apply is not empty: %w", err)
		}
		green = 100 - green
		if profiled {
			s.Env = []string{"GOLIVE_PPROF_DIR=" + filepath.Join(dir, "shift")}
		}
		a, err := recordRun(e, moto, what("run %d of %d: apply shifting every split to green=%d", i, runs, green), func() (Proc, error) {
			return s.TF("apply", "-auto-approve", "-input=false", "-no-color", fmt.Sprintf("-var=green=%d", green))
		})
		if err != nil {
			return g, err
		}
		if err := fx.expectWeights(ctx, s.AWS, fx.listeners, int32(100-green), int32(green)); err != nil {
			return g, err
		}
		if profiled {
			s.Env = nil
			e.profiles = append(e.profiles, profileRun{Case: scaleCase(n), Dir: dir})
			break
		}
		g.plans, g.shifts = append(g.plans, p), append(g.shifts, a)
	}
	return g, nil
}

func wallOf(runs []scaleRun) []float64 {
	out := make([]float64, len(runs))
	for i, r := range runs {
		out[i] = r.p.Wall.Seconds()
	}
	return out
}

func callsOf(runs []scaleRun) []float64 {
	out := make([]float64, len(runs))
	for i, r := range runs {
		out[i] = float64(len(r.calls))
	}
	return out
}

func cpuOf(runs []scaleRun) []float64 {
	out := make([]float64, len(runs))
	for i, r := range runs {
		out[i] = r.p.CPU.Seconds()
	}
	return out
}

func motoOf(runs []scaleRun) []float64 {
	out := make([]float64, len(runs))
	for i, r := range runs {
		out[i] = r.moto.Seconds()
	}
	return out
}

func rssOf(runs []scaleRun, provider string) []float64 {
	out := make([]float64, len(runs))
	for i, r := range runs {
		out[i] = float64(r.p.PeakRSS[provider]) / (1 << 20)
	}
	return out
}

func divided(xs []float64, by float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = x / by
	}
	return out
}

// results are the golive figures of one size, with their targets.
func (g goliveScale) results(n int, largest bool) []Result {
	cs := scaleCase(n)
	resources := float64(scaleResources(n))
	create := []scaleRun{g.create}
	rs := []Result{
		NewResult(cs, "apply_create_seconds", "s", wallOf(create)),
		NewResult(cs, "apply_create_calls", "calls", callsOf(create)),
		NewResult(cs, "apply_create_calls_per_split", "calls", divided(callsOf(create), float64(n))),
		NewResult(cs, "apply_create_provider_peak_rss", "MB", rssOf(create, "golive")),
	}
	reads := NewResult(cs, "plan_reads_per_golive_resource", "calls", divided(callsOf(g.plans), resources))
	reads.Note = "calls of one plan: " + callHistogram(g.plans[0].calls)
	if n >= scaleServicesPerEnv {
		// A lone environment reads its ledger records and its parameters:
		// two reads for one resource, shared once it has splits.
		reads = reads.WithTarget("≤ 1", reads.Median <= 1)
	}
	planRSS := NewResult(cs, "plan_provider_peak_rss", "MB", rssOf(g.plans, "golive"))
	shiftRSS := NewResult(cs, "apply_shift_provider_peak_rss", "MB", rssOf(g.shifts, "golive"))
	if largest {
		planRSS = planRSS.WithTarget("< 100 MB", planRSS.Median < scaleRSSLimit/(1<<20))
		shiftRSS = shiftRSS.WithTarget("< 100 MB", shiftRSS.Median < scaleRSSLimit/(1<<20))
	}
	shiftCalls := NewResult(cs, "apply_shift_calls", "calls", callsOf(g.shifts))
	shiftCalls.Note = "calls of one shift: " + callHistogram(g.shifts[0].calls)
	perSplit := NewResult(cs, "apply_shift_calls_per_split", "calls", divided(callsOf(g.shifts), float64(n)))
	if n == 1 {
		shiftCalls = shiftCalls.WithTarget(fmt.Sprintf("≤ %d", shiftCallsOneSplit), shiftCalls.Median <= shiftCallsOneSplit)
	} else {
		perSplit = perSplit.WithTarget(fmt.Sprintf("≤ %d", shiftCallsPerSplit), perSplit.Median <= shiftCallsPerSplit)
	}
	return append(rs,
		NewResult(cs, "plan_seconds", "s", wallOf(g.plans)),
		NewResult(cs, "plan_calls", "calls", callsOf(g.plans)),
		reads,
		planRSS,
		NewResult(cs, "plan_cpu_terraform_golive", "s", cpuOf(g.plans)),
		NewResult(cs, "plan_cpu_emulator", "s", motoOf(g.plans)),
		NewResult(cs, "apply_shift_seconds", "s", wallOf(g.shifts)),
		shiftCalls,
		perSplit,
		shiftRSS,
		NewResult(cs, "apply_shift_cpu_terraform_golive", "s", cpuOf(g.shifts)),
		NewResult(cs, "apply_shift_cpu_emulator", "s", motoOf(g.shifts)),
	)
}

const scaleConfig = `# Written by the bench harness: the services come from services.tf.json.
variable "green" {
  type    = number
  default = 0
}

resource "golive_environment" "app" {
  for_each            = local.environments
  application         = each.key
  name                = "prod"
  tier                = "production"
  deletion_protection = false
}

resource "golive_traffic_split" "svc" {
  for_each    = local.services
  environment = golive_environment.app[each.value.app].id
  service     = each.value.service
  alb {
    listener_arn = local.environments[each.value.app]
    rule {
      priority     = each.value.priority
      host_headers = ["${each.value.service}.${each.value.app}.example.com"]
    }
  }
  destination {
    name   = "blue"
    target = each.value.blue
    weight = 100 - var.green
  }
  destination {
    name   = "green"
    target = each.value.green
    weight = var.green
  }
}
`

// findMoto is the process ID of the emulator serving url.
func findMoto(url string) (int, error) {
	port := url[strings.LastIndex(url, ":")+1:]
	p, ok, err := procfs.Find(func(p procfs.Process) bool {
		hasMoto, hasPort := false, false
		for i, a := range p.Args {
			hasMoto = hasMoto || strings.HasSuffix(a, "moto_server")
			hasPort = hasPort || (a == "-p" && i+1 < len(p.Args) && p.Args[i+1] == port)
		}
		return hasMoto && hasPort
	})
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, fmt.Errorf("no moto_server process serving %s", url)
	}
	return p.PID, nil
}

// processCPU is the user+system CPU time a process has used (0 if it
// cannot be read).
func processCPU(pid int) time.Duration {
	d, _ := procfs.CPU(pid)
	return d
}

// callHistogram is "action×count" for every action in calls, most frequent
// first: where a phase's calls go.
func callHistogram(calls []emulator.Call) string {
	count := map[string]int{}
	for _, c := range calls {
		count[c.String()]++
	}
	keys := slices.Collect(maps.Keys(count))
	slices.SortFunc(keys, func(a, b string) int {
		if d := count[b] - count[a]; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s×%d", k, count[k])
	}
	return strings.Join(parts, " ")
}
