package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// The refresh measurement: what a no-change plan costs with golive against
// the same objects managed with hashicorp/aws alone, and what one cutover
// costs each way.

// refreshCutoverBake is the bake of each canary step of the golive cutover:
// bake only waits (no rollback gates), so it adds no calls.
const refreshCutoverBake = "1s"

func init() {
	register(Measurement{
		Name: "refresh",
		About: "A no-change `terraform plan` (refresh of every resource) of the golive resources of examples/complete — per environment a " +
			"golive_environment with two variables, the api service's blue and green golive_deployment (each owning its ECS service) and the " +
			"golive_traffic_split owning the listener rule — against the same objects managed with hashicorp/aws alone (aws_ssm_parameter, " +
			"aws_ecs_service, aws_lb_listener_rule with forward weights): test/bench/fixtures/hashicorp-equivalent/{golive,aws}, over a load " +
			"balancer, target groups, cluster and task definitions made with the SDK. Calls are counted by the emulator's recorder and split by " +
			"provider (golive's user agent carries app/golive-<version>). golive reads per resource leave out the provider's own sts calls (made once " +
			"per run, not per resource). A cutover is a canary of one environment to 100% (10%, 50%, 100%): one golive apply, against three " +
			"hashicorp/aws applies that edit the weights step by step; each apply refreshes the whole configuration. Without -quick, a no-change " +
			"plan of examples/complete itself (three environments, hashicorp/aws and golive together) too. -quick: one environment.",
		Order: 10,
		Run:   measureRefresh,
	})
}

func measureRefresh(e *Env) ([]Result, error) {
	envs := []string{"dev", "staging", "prod"}
	if e.Opts.Quick {
		envs = []string{"prod"}
	}
	cutoverEnv := envs[len(envs)-1]
	scope := fmt.Sprintf("%d env", len(envs))
	var rs []Result

	g, err := refreshPair(e, "golive", envs, cutoverEnv)
	if err != nil {
		return nil, fmt.Errorf("golive configuration: %w", err)
	}
	a, err := refreshPair(e, "aws", envs, cutoverEnv)
	if err != nil {
		return nil, fmt.Errorf("hashicorp/aws configuration: %w", err)
	}
	gc, ac := "golive, "+scope, "hashicorp/aws, "+scope
	rs = append(rs, g.results(gc)...)
	perRes := NewResult(gc, "refresh_reads_per_golive_resource", "calls", g.goliveReadsPerResource)
	perRes.Note = fmt.Sprintf("%d golive resources; calls of one plan: %s", g.goliveResources, g.planHistogram)
	rs = append(rs, perRes.WithTarget("≤ 1", perRes.Median <= 1))
	rs = append(rs, a.results(ac)...)
	cut := NewResult(gc, "cutover_calls", "calls", g.cutoverCalls)
	cut.Note = "one apply: " + g.cutoverHistogram
	if e.Opts.Quick {
		// The hashicorp/aws cutover is left out: nothing to hold it to.
		cut.Note += " (quick: the hashicorp/aws cutover is not run)"
		return append(rs, cut), nil
	}
	acut := NewResult(ac, "cutover_calls", "calls", a.cutoverCalls)
	acut.Note = "three applies (10, 50, 100): " + a.cutoverHistogram
	rs = append(rs, cut.WithTarget(fmt.Sprintf("< hashicorp/aws (%s)", trim(Median(a.cutoverCalls))), cut.Median < Median(a.cutoverCalls)), acut)

	if !e.Opts.Quick {
		c, err := refreshComplete(e)
		if err != nil {
			return nil, fmt.Errorf("examples/complete: %w", err)
		}
		rs = append(rs, c...)
	}
	return rs, nil
}

// refreshFigures are the samples of one configuration.
type refreshFigures struct {
	planWall, planCalls, callsPerResource []float64
	goliveReadsPerResource                []float64
	cutoverWall, cutoverCalls             []float64
	resources, goliveResources            int
	planHistogram, cutoverHistogram       string
}

func (f refreshFigures) results(caseName string) []Result {
	calls := NewResult(caseName, "plan_calls", "calls", f.planCalls)
	calls.Note = fmt.Sprintf("%d managed resources", f.resources)
	rs := []Result{
		NewResult(caseName, "plan_seconds", "s", f.planWall),
		calls,
		NewResult(caseName, "plan_calls_per_resource", "calls", f.callsPerResource),
	}
	if len(f.cutoverWall) > 0 {
		rs = append(rs, NewResult(caseName, "cutover_seconds", "s", f.cutoverWall))
	}
	return rs
}

// refreshPair applies fixtures/hashicorp-equivalent/<which> in a fresh
// account, then per run records a no-change plan and a cutover of
// cutoverEnv to green (and puts it back, unrecorded).
func refreshPair(e *Env, which string, envs []string, cutoverEnv string) (refreshFigures, error) {
	var f refreshFigures
	ctx := context.Background()
	s, err := newBenchStack(ctx, e, "refresh-"+which)
	if err != nil {
		return f, err
	}
	fx, err := newRefreshFixtures(ctx, s.AWS, envs)
	if err != nil {
		return f, err
	}
	if err := copyDir(filepath.Join(e.Root, "test", "bench", "fixtures", "hashicorp-equivalent", which), s.Dir); err != nil {
		return f, err
	}
	vars, err := json.MarshalIndent(map[string]any{"environments": fx}, "", "  ")
	if err != nil {
		return f, err
	}
	if err := s.Write("environments.auto.tfvars.json", string(vars)); err != nil {
		return f, err
	}
	providers := awsProviders(e.Server.URL, s.Account)
	if which == "golive" {
		providers = goliveProviders(e.Server.URL, s.Account)
		if err := ledger.CreateTable(ctx, dynamodb.NewFromConfig(s.AWS), ledger.DefaultTable); err != nil {
			return f, err
		}
	}
	if err := s.Write("providers.tf", providers); err != nil {
		return f, err
	}
	if _, err := s.TF("init", "-input=false", "-no-color"); err != nil {
		return f, err
	}
	e.Log("refresh: %s: apply (create) of %d environment(s)", which, len(envs))
	if _, err := s.TF("apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		return f, err
	}
	if f.resources, f.goliveResources, err = s.countResources(); err != nil {
		return f, err
	}
	listener := fx[cutoverEnv].ListenerARN
	blue, green := fx[cutoverEnv].Slots["blue"].TargetGroupARN, fx[cutoverEnv].Slots["green"].TargetGroupARN
	if err := expectRuleWeights(ctx, s.AWS, listener, map[string]int32{blue: 100, green: 0}); err != nil {
		return f, err
	}
	greenVar := func(w int) string { return fmt.Sprintf("-var=green={%s=%d}", cutoverEnv, w) }
	for run := 1; run <= e.Opts.Runs; run++ {
		e.Log("refresh: %s: run %d of %d: no-change plan", which, run, e.Opts.Runs)
		var p Proc
		calls, err := e.Record(func() (err error) {
			p, err = s.TF("plan", "-input=false", "-no-color", "-lock=false", "-detailed-exitcode")
			return err
		})
		if err != nil {
			return f, fmt.Errorf("the plan after apply is not empty: %w", err)
		}
		golive := goliveCalls(calls)
		f.planWall = append(f.planWall, p.Wall.Seconds())
		f.planCalls = append(f.planCalls, float64(len(calls)))
		f.callsPerResource = append(f.callsPerResource, float64(len(calls))/float64(f.resources))
		if f.goliveResources > 0 {
			f.goliveReadsPerResource = append(f.goliveReadsPerResource, float64(len(withoutSTS(golive)))/float64(f.goliveResources))
		}
		f.planHistogram = callHistogram(calls)
		e.Log("refresh: %s: plan %s, %d calls: %s", which, p.Wall.Round(1e6), len(calls), f.planHistogram)

		if e.Opts.Quick && which != "golive" {
			// hashicorp/aws starts twice per apply, tens of seconds each
			// on a busy machine: the smoke run leaves its three applies out.
			break
		}
		e.Log("refresh: %s: run %d of %d: cutover of %s to green", which, run, e.Opts.Runs, cutoverEnv)
		var wall float64
		calls, err = e.Record(func() error {
			steps := []int{10, 50, 100}
			args := []string{}
			if which == "golive" {
				steps, args = []int{100}, []string{"-var=bake=" + refreshCutoverBake}
			}
			for _, w := range steps {
				p, err := s.TF(append([]string{"apply", "-auto-approve", "-input=false", "-no-color", greenVar(w)}, args...)...)
				wall += p.Wall.Seconds()
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return f, err
		}
		if err := expectRuleWeights(ctx, s.AWS, listener, map[string]int32{blue: 0, green: 100}); err != nil {
			return f, err
		}
		f.cutoverWall = append(f.cutoverWall, wall)
		f.cutoverCalls = append(f.cutoverCalls, float64(len(calls)))
		f.cutoverHistogram = callHistogram(calls)
		e.Log("refresh: %s: cutover %.1fs, %d calls: %s", which, wall, len(calls), f.cutoverHistogram)

		if run == e.Opts.Runs {
			break
		}
		// Back to blue all at once, unrecorded, for the next run.
		if _, err := s.TF("apply", "-auto-approve", "-input=false", "-no-color", greenVar(0)); err != nil {
			return f, err
		}
		if err := expectRuleWeights(ctx, s.AWS, listener, map[string]int32{blue: 100, green: 0}); err != nil {
			return f, err
		}
	}
	return f, nil
}

// refreshComplete applies examples/complete (three environments) and
// records no-change plans of it.
func refreshComplete(e *Env) ([]Result, error) {
	ctx := context.Background()
	s, err := newBenchStack(ctx, e, "refresh-complete")
	if err != nil {
		return nil, err
	}
	// Keep the layout so ../../modules resolves.
	dir := filepath.Join(s.Dir, "examples", "complete")
	if err := copyDir(filepath.Join(e.Root, "examples", "complete"), dir); err != nil {
		return nil, err
	}
	if err := os.Symlink(filepath.Join(e.Root, "modules"), filepath.Join(s.Dir, "modules")); err != nil {
		return nil, err
	}
	s.Dir = dir
	// The example declares its providers; this override sends them into
	// the fresh account.
	role := emulator.RoleARN(s.Account)
	if err := s.Write("bench_override.tf", fmt.Sprintf("provider \"aws\" {\n  assume_role {\n    role_arn = %q\n  }\n}\n\nprovider \"golive\" {\n  assume_role {\n    role_arn = %q\n  }\n}\n", role, role)); err != nil {
		return nil, err
	}
	if err := ledger.CreateTable(ctx, dynamodb.NewFromConfig(s.AWS), ledger.DefaultTable); err != nil {
		return nil, err
	}
	s.env = append(s.env, "TF_VAR_aws_endpoint="+e.Server.URL, "TF_VAR_prod_deletion_protection=false", "TF_VAR_bake=1s")
	if _, err := s.TF("init", "-input=false", "-no-color"); err != nil {
		return nil, err
	}
	e.Log("refresh: examples/complete: apply (create)")
	if _, err := s.TF("apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		return nil, err
	}
	resources, goliveResources, err := s.countResources()
	if err != nil {
		return nil, err
	}
	var wall, calls, perRes, golivePerRes, goliveShare []float64
	var hist string
	for run := 1; run <= e.Opts.Runs; run++ {
		e.Log("refresh: examples/complete: run %d of %d: no-change plan", run, e.Opts.Runs)
		var p Proc
		cs, err := e.Record(func() (err error) {
			p, err = s.TF("plan", "-input=false", "-no-color", "-lock=false", "-detailed-exitcode")
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("the plan after apply is not empty: %w", err)
		}
		g := goliveCalls(cs)
		wall = append(wall, p.Wall.Seconds())
		calls = append(calls, float64(len(cs)))
		perRes = append(perRes, float64(len(cs))/float64(resources))
		golivePerRes = append(golivePerRes, float64(len(withoutSTS(g)))/float64(goliveResources))
		goliveShare = append(goliveShare, float64(len(g)))
		hist = callHistogram(g)
		e.Log("refresh: examples/complete: plan %s, %d calls (golive %d): %s", p.Wall.Round(1e6), len(cs), len(g), callHistogram(cs))
	}
	cn := "examples/complete (3 env)"
	c := NewResult(cn, "plan_calls", "calls", calls)
	c.Note = fmt.Sprintf("%d managed resources, %d of them golive", resources, goliveResources)
	gr := NewResult(cn, "refresh_reads_per_golive_resource", "calls", golivePerRes)
	gr.Note = "golive's calls, data sources (golive_release) included: " + hist
	return []Result{
		NewResult(cn, "plan_seconds", "s", wall),
		c,
		NewResult(cn, "plan_calls_per_resource", "calls", perRes),
		NewResult(cn, "plan_calls_golive", "calls", goliveShare),
		gr.WithTarget("≤ 1", gr.Median <= 1),
	}, nil
}

// goliveCalls are the calls golive made: its SDK clients carry the app ID
// golive/<version> ("golive-<version>" in the user agent).
func goliveCalls(calls []emulator.Call) []emulator.Call {
	var out []emulator.Call
	for _, c := range calls {
		if strings.HasPrefix(c.AppID(), "golive") {
			out = append(out, c)
		}
	}
	return out
}

// withoutSTS leaves out the credential calls a provider makes once per run.
func withoutSTS(calls []emulator.Call) []emulator.Call {
	var out []emulator.Call
	for _, c := range calls {
		if c.Service != "sts" {
			out = append(out, c)
		}
	}
	return out
}

// refreshEnvironment is one environment of fixtures/hashicorp-equivalent:
// the objects both configurations build on, made with the SDK.
type refreshEnvironment struct {
	ListenerARN    string                 `json:"listener_arn"`
	Priority       int                    `json:"priority"`
	ClusterARN     string                 `json:"cluster_arn"`
	Subnets        []string               `json:"subnets"`
	SecurityGroups []string               `json:"security_groups"`
	Variables      map[string]string      `json:"variables"`
	Slots          map[string]refreshSlot `json:"slots"`
}

type refreshSlot struct {
	TargetGroupARN    string `json:"target_group_arn"`
	TaskDefinitionARN string `json:"task_definition_arn"`
}

// newRefreshFixtures makes, per environment, a load balancer whose
// listener forwards to the blue and green target groups (which attaches
// them, as ECS requires), an ECS cluster and a task definition per slot.
func newRefreshFixtures(ctx context.Context, cfg aws.Config, envs []string) (map[string]refreshEnvironment, error) {
	ec := ec2.NewFromConfig(cfg)
	vpc, subnets, err := newVPC(ctx, ec)
	if err != nil {
		return nil, err
	}
	sg, err := ec.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("bench-tasks"), Description: aws.String("bench tasks"), VpcId: vpc})
	if err != nil {
		return nil, err
	}
	lb, cs := elbv2.NewFromConfig(cfg), ecs.NewFromConfig(cfg)
	out := map[string]refreshEnvironment{}
	for _, env := range envs {
		name := "shop-" + env
		alb, err := lb.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{Name: aws.String(name), Subnets: subnets})
		if err != nil {
			return nil, fmt.Errorf("load balancer %s: %w", name, err)
		}
		re := refreshEnvironment{Priority: 100, Subnets: subnets, SecurityGroups: []string{aws.ToString(sg.GroupId)},
			Variables: map[string]string{"LOG_LEVEL": "info", "STATIC_PATH": "/static"}, Slots: map[string]refreshSlot{}}
		cl, err := cs.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String(name)})
		if err != nil {
			return nil, fmt.Errorf("cluster %s: %w", name, err)
		}
		re.ClusterARN = aws.ToString(cl.Cluster.ClusterArn)
		var groups []elbtypes.TargetGroupTuple
		for _, slot := range []string{"blue", "green"} {
			tg, err := lb.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{
				Name: aws.String(name + "-" + slot), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(8080), VpcId: vpc, TargetType: elbtypes.TargetTypeEnumIp,
			})
			if err != nil {
				return nil, fmt.Errorf("target group %s-%s: %w", name, slot, err)
			}
			arn := aws.ToString(tg.TargetGroups[0].TargetGroupArn)
			groups = append(groups, elbtypes.TargetGroupTuple{TargetGroupArn: aws.String(arn), Weight: aws.Int32(map[string]int32{"blue": 100}[slot])})
			td, err := cs.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{
				Family: aws.String(name + "-api-" + slot), RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
				NetworkMode: ecstypes.NetworkModeAwsvpc, Cpu: aws.String("256"), Memory: aws.String("512"),
				ContainerDefinitions: []ecstypes.ContainerDefinition{{
					Name: aws.String("api"), Image: aws.String("public.ecr.aws/golive/shop-api:1.0.0"), Essential: aws.Bool(true),
					PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(8080)}},
				}},
			})
			if err != nil {
				return nil, fmt.Errorf("task definition %s-%s: %w", name, slot, err)
			}
			re.Slots[slot] = refreshSlot{TargetGroupARN: arn, TaskDefinitionARN: aws.ToString(td.TaskDefinition.TaskDefinitionArn)}
		}
		ln, err := lb.CreateListener(ctx, &elbv2.CreateListenerInput{
			LoadBalancerArn: alb.LoadBalancers[0].LoadBalancerArn, Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80),
			DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{TargetGroups: groups}}},
		})
		if err != nil {
			return nil, fmt.Errorf("listener of %s: %w", name, err)
		}
		re.ListenerARN = aws.ToString(ln.Listeners[0].ListenerArn)
		out[env] = re
	}
	return out, nil
}

// expectRuleWeights reads the listener's rules through the SDK and fails
// unless the service rule (the only one besides the default) forwards with
// want.
func expectRuleWeights(ctx context.Context, cfg aws.Config, listener string, want map[string]int32) error {
	got, err := emulator.ServiceWeights(ctx, cfg, listener)
	if err != nil {
		return err
	}
	if !maps.Equal(got, want) {
		return fmt.Errorf("rule weights of %s: %v, want %v", listener, got, want)
	}
	return nil
}
