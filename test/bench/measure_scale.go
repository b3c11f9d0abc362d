package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/acctest/procfs"
)

// The scale measurement: plan and apply of many traffic splits, to show
// that cost grows linearly with the stack and the provider stays small.

// scaleServicesPerEnv is how many services (one traffic split each) share
// an environment and its load balancer: a product team's stage.
const scaleServicesPerEnv = 10

// scaleRSSLimit is the target for the provider's peak memory while the
// largest stack plans.
const scaleRSSLimit = 150 << 20

func init() {
	register(Measurement{
		Name: "scale",
		About: fmt.Sprintf("N golive_traffic_split resources (for_each, as a platform stack declares its services) and one golive_environment "+
			"per %d of them: each environment is one application's production stage with its own ALB and listener, each service two target "+
			"groups (all made with the SDK), and each split owns its service's listener rule (host header), as modules/ecs-service has it. "+
			"Figures per size: `terraform apply` creating everything (one sample), a no-change `terraform plan` (refresh of every "+
			"resource), and an apply that shifts every split all at once from blue to green (or back); wall time, AWS calls (emulator "+
			"recorder), the golive provider's peak RSS, and CPU seconds of terraform with its provider and of the emulator. Growth is "+
			"judged by the time and calls per split at the largest size against the size before it. BENCH_SCALE_SIZES=10,100,1000 (the default) picks the sizes.", scaleServicesPerEnv),
		Order: 40,
		Run:   measureScale,
	})
}

func measureScale(e *Env) ([]Result, error) {
	sizes := []int{10, 100, 1000}
	if e.Opts.Quick {
		sizes = []int{2, 5}
	}
	if v := os.Getenv("BENCH_SCALE_SIZES"); v != "" {
		sizes = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 {
				return nil, fmt.Errorf("BENCH_SCALE_SIZES=%q: want sizes like 10,100,1000", v)
			}
			sizes = append(sizes, n)
		}
		if len(sizes) < 2 {
			return nil, fmt.Errorf("BENCH_SCALE_SIZES=%q: want at least two sizes to judge growth", v)
		}
	}
	moto, err := findMoto(e.Server.URL)
	if err != nil {
		return nil, err
	}
	var rs []Result
	per := map[int]scaleFigures{}
	for _, n := range sizes {
		f, r, err := measureScaleSize(e, moto, n)
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
	// Time is judged with slack for a shared machine; calls per split must
	// not grow at all.
	rs = append(rs,
		grow("plan_seconds_per_split", per[big].planWall, per[small].planWall, 1.25),
		grow("plan_calls_per_split", per[big].planCalls, per[small].planCalls, 1.05),
		grow("apply_seconds_per_split", per[big].applyWall, per[small].applyWall, 1.25),
		grow("apply_calls_per_split", per[big].applyCalls, per[small].applyCalls, 1.05),
	)
	return rs, nil
}

// scaleFigures are the samples of one size that growth is judged on.
type scaleFigures struct {
	planWall, planCalls, applyWall, applyCalls []float64
}

func measureScaleSize(e *Env, moto int, n int) (scaleFigures, []Result, error) {
	var fig scaleFigures
	ctx := context.Background()
	envs := (n + scaleServicesPerEnv - 1) / scaleServicesPerEnv
	cs := fmt.Sprintf("splits=%d (%d env)", n, envs)
	s, err := newGoliveStack(ctx, e, fmt.Sprintf("scale-%d", n))
	if err != nil {
		return fig, nil, err
	}
	start := time.Now()
	fx, err := newScaleFixtures(ctx, s.AWS, n)
	if err != nil {
		return fig, nil, err
	}
	e.Log("scale: splits=%d: %d load balancers, %d target groups made with the SDK in %s", n, envs, 2*n, time.Since(start).Round(time.Second))
	if err := s.Write("main.tf", scaleConfig); err != nil {
		return fig, nil, err
	}
	locals, err := fx.locals()
	if err != nil {
		return fig, nil, err
	}
	if err := s.Write("services.tf.json", locals); err != nil {
		return fig, nil, err
	}

	type run struct {
		p     Proc
		calls int
		moto  time.Duration
	}
	tf := func(args ...string) (run, error) {
		var r run
		m0 := processCPU(moto)
		calls, err := e.Record(func() (err error) { r.p, err = s.TF(args...); return err })
		r.moto = processCPU(moto) - m0
		r.calls = len(calls)
		e.Log("scale: splits=%d: terraform %s: %s, %d calls: %s", n, args[0], r.p.Wall.Round(time.Millisecond), len(calls), callHistogram(calls))
		return r, err
	}
	var rs []Result
	add := func(phase string, runs []run) {
		var wall, calls, rss, cpu, motoCPU []float64
		for _, r := range runs {
			wall = append(wall, r.p.Wall.Seconds())
			calls = append(calls, float64(r.calls))
			rss = append(rss, float64(r.p.PeakRSS["golive"])/(1<<20))
			cpu = append(cpu, r.p.CPU.Seconds())
			motoCPU = append(motoCPU, r.moto.Seconds())
		}
		perSplit := func(xs []float64) []float64 {
			out := make([]float64, len(xs))
			for i, x := range xs {
				out[i] = x / float64(n)
			}
			return out
		}
		mem := NewResult(cs, phase+"_provider_peak_rss", "MB", rss)
		if phase == "plan" && n == 1000 {
			mem = mem.WithTarget("< 150 MB", mem.Median < scaleRSSLimit/(1<<20))
		}
		timing := NewResult(cs, phase+"_seconds", "s", wall)
		timing.Note = fmt.Sprintf("CPU: terraform and golive %.1f s, emulator %.1f s (medians)", Median(cpu), Median(motoCPU))
		rs = append(rs, timing,
			NewResult(cs, phase+"_calls", "calls", calls),
			NewResult(cs, phase+"_calls_per_split", "calls", perSplit(calls)),
			mem)
		if phase != "apply_create" {
			rs = append(rs,
				NewResult(cs, phase+"_cpu_terraform_golive", "s", cpu),
				NewResult(cs, phase+"_cpu_emulator", "s", motoCPU))
		}
		switch phase {
		case "plan":
			fig.planWall, fig.planCalls = wall, calls
		case "apply_shift":
			fig.applyWall, fig.applyCalls = wall, calls
		}
	}

	e.Log("scale: splits=%d: apply (create)", n)
	create, err := tf("apply", "-auto-approve", "-input=false", "-no-color", "-var=green=0")
	if err != nil {
		return fig, nil, err
	}
	if err := fx.expectWeights(ctx, s.AWS, 100, 0); err != nil {
		return fig, nil, err
	}
	add("apply_create", []run{create})

	var plans, shifts []run
	green := 0
	for i := 1; i <= e.Opts.Runs; i++ {
		e.Log("scale: splits=%d: run %d of %d: no-change plan", n, i, e.Opts.Runs)
		// -detailed-exitcode: a plan that finds changes exits 2 and fails.
		p, err := tf("plan", "-input=false", "-no-color", "-lock=false", "-detailed-exitcode", fmt.Sprintf("-var=green=%d", green))
		if err != nil {
			return fig, nil, fmt.Errorf("the plan after apply is not empty: %w", err)
		}
		plans = append(plans, p)
		green = 100 - green
		e.Log("scale: splits=%d: run %d of %d: apply shifting every split to green=%d", n, i, e.Opts.Runs, green)
		a, err := tf("apply", "-auto-approve", "-input=false", "-no-color", fmt.Sprintf("-var=green=%d", green))
		if err != nil {
			return fig, nil, err
		}
		if err := fx.expectWeights(ctx, s.AWS, int32(100-green), int32(green)); err != nil {
			return fig, nil, err
		}
		shifts = append(shifts, a)
	}
	add("plan", plans)
	add("apply_shift", shifts)
	return fig, rs, nil
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

type scaleService struct {
	App      string `json:"app"`
	Service  string `json:"service"`
	Priority int    `json:"priority"`
	Blue     string `json:"blue"`
	Green    string `json:"green"`
}

// scaleFixtures are the load balancers (one listener each, by application)
// and target groups of a scale stack.
type scaleFixtures struct {
	listeners map[string]string // application → listener ARN
	services  []scaleService
}

func newScaleFixtures(ctx context.Context, cfg aws.Config, n int) (*scaleFixtures, error) {
	ec := ec2.NewFromConfig(cfg)
	vpc, subnets, err := newVPC(ctx, ec)
	if err != nil {
		return nil, err
	}
	lb := elbv2.NewFromConfig(cfg, func(o *elbv2.Options) { o.RetryMaxAttempts = 8 })
	fx := &scaleFixtures{listeners: map[string]string{}, services: make([]scaleService, n)}
	var mu sync.Mutex
	var firstErr error
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
		}
	}
	// One request at a time: moto's backends are not thread-safe, and
	// concurrent CreateTargetGroup calls under load answer HTTP 500.
	work := func(jobs int, do func(i int) error) error {
		sem := make(chan struct{}, 1)
		var wg sync.WaitGroup
		for i := range jobs {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				if err := do(i); err != nil {
					fail(err)
				}
			}()
		}
		wg.Wait()
		return firstErr
	}
	envs := (n + scaleServicesPerEnv - 1) / scaleServicesPerEnv
	err = work(envs, func(i int) error {
		app := fmt.Sprintf("app-%03d", i)
		alb, err := lb.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{Name: aws.String(app), Subnets: subnets})
		if err != nil {
			return fmt.Errorf("load balancer %s: %w", app, err)
		}
		ln, err := lb.CreateListener(ctx, &elbv2.CreateListenerInput{
			LoadBalancerArn: alb.LoadBalancers[0].LoadBalancerArn, Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80),
			DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumFixedResponse, FixedResponseConfig: &elbtypes.FixedResponseActionConfig{
				StatusCode: aws.String("404"), ContentType: aws.String("text/plain"), MessageBody: aws.String("no such service"),
			}}},
		})
		if err != nil {
			return fmt.Errorf("listener of %s: %w", app, err)
		}
		mu.Lock()
		fx.listeners[app] = aws.ToString(ln.Listeners[0].ListenerArn)
		mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = work(n, func(i int) error {
		app, svc := fmt.Sprintf("app-%03d", i/scaleServicesPerEnv), fmt.Sprintf("svc-%d", i%scaleServicesPerEnv)
		tg := func(slot string) (string, error) {
			out, err := lb.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{
				Name: aws.String(app + "-" + svc + "-" + slot), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(8080),
				VpcId: vpc, TargetType: elbtypes.TargetTypeEnumIp,
			})
			if err != nil {
				return "", fmt.Errorf("target group %s/%s/%s: %w", app, svc, slot, err)
			}
			return aws.ToString(out.TargetGroups[0].TargetGroupArn), nil
		}
		blue, err := tg("blue")
		if err != nil {
			return err
		}
		green, err := tg("green")
		if err != nil {
			return err
		}
		fx.services[i] = scaleService{App: app, Service: svc, Priority: 100 + i%scaleServicesPerEnv, Blue: blue, Green: green}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return fx, nil
}

// locals is services.tf.json: the environments (application → listener)
// and services the configuration's for_each walks.
func (fx *scaleFixtures) locals() (string, error) {
	svcs := make(map[string]scaleService, len(fx.services))
	for _, s := range fx.services {
		svcs[s.App+"/"+s.Service] = s
	}
	b, err := json.MarshalIndent(map[string]any{"locals": map[string]any{"environments": fx.listeners, "services": svcs}}, "", "  ")
	return string(b), err
}

// expectWeights reads every service's listener rule through the SDK (one
// DescribeRules per listener) and fails unless each forwards blue/green.
func (fx *scaleFixtures) expectWeights(ctx context.Context, cfg aws.Config, blue, green int32) error {
	lb := elbv2.NewFromConfig(cfg)
	seen := map[string]map[string]int32{} // blue target group → weights of the rule forwarding to it
	for _, ln := range fx.listeners {
		p := elbv2.NewDescribeRulesPaginator(lb, &elbv2.DescribeRulesInput{ListenerArn: aws.String(ln)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return err
			}
			for _, r := range out.Rules {
				w := map[string]int32{}
				for _, a := range r.Actions {
					if a.ForwardConfig != nil {
						for _, tg := range a.ForwardConfig.TargetGroups {
							w[aws.ToString(tg.TargetGroupArn)] = aws.ToInt32(tg.Weight)
						}
					}
				}
				for tg := range w {
					seen[tg] = w
				}
			}
		}
	}
	for _, s := range fx.services {
		want := map[string]int32{s.Blue: blue, s.Green: green}
		if got := seen[s.Blue]; !maps.Equal(got, want) {
			return fmt.Errorf("%s/%s: rule weights %v, want %v", s.App, s.Service, got, want)
		}
	}
	return nil
}

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
