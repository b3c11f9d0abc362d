package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/acctest/procfs"
)

// Env is what every measurement shares: one emulator, the CLI configuration
// that installs golive from the local mirror, and scratch space.
type Env struct {
	Opts    Options
	Server  *emulator.Server
	Root    string // repository root
	TFRC    string // TF_CLI_CONFIG_FILE
	Scratch string
	// profiles are where scale left the provider's profiles of its
	// largest size, for the profile measurement.
	profiles []profileRun
}

func newEnv(o Options) (*Env, error) {
	tfrc := os.Getenv("TF_CLI_CONFIG_FILE")
	if _, err := os.Stat(tfrc); err != nil {
		return nil, fmt.Errorf("TF_CLI_CONFIG_FILE (%q) names no file: run through `make bench`, which builds the provider into a local mirror and writes it", tfrc)
	}
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	scratch, err := os.MkdirTemp("", "golive-bench-*")
	if err != nil {
		return nil, err
	}
	srv, err := emulator.Start(emulator.Options{ECSServiceRunning: 1})
	if err != nil {
		os.RemoveAll(scratch)
		return nil, err
	}
	return &Env{Opts: o, Server: srv, Root: root, TFRC: tfrc, Scratch: scratch}, nil
}

// Close stops the emulator and removes scratch space.
func (e *Env) Close() {
	e.Server.Stop()
	os.RemoveAll(e.Scratch)
}

// Log prints a progress line.
func (e *Env) Log(format string, args ...any) { e.Opts.Log(format, args...) }

// Account creates a fresh emulator account and returns its ID and an SDK
// configuration acting in it.
func (e *Env) Account(ctx context.Context) (string, aws.Config, error) {
	id := emulator.NewAccountID()
	cfg, err := e.Server.AccountConfig(ctx, id)
	return id, cfg, err
}

// Dir makes a fresh scratch directory.
func (e *Env) Dir(name string) (string, error) { return os.MkdirTemp(e.Scratch, name+"-*") }

// Record runs fn inside a window of the emulator's request recorder and
// returns the calls made meanwhile (by every client: run nothing else).
func (e *Env) Record(fn func() error) ([]emulator.Call, error) {
	rec, err := e.Server.StartRecording()
	if err != nil {
		return nil, err
	}
	ferr := fn()
	calls, err := rec.Stop()
	if ferr != nil {
		return calls, ferr
	}
	return calls, err
}

// Proc is a finished terraform run.
type Proc struct {
	Wall   time.Duration
	Output string
	// PeakRSS is the highest resident set (VmHWM) seen per provider plugin
	// ("golive", "aws"), in bytes, sampled while the run lasted.
	PeakRSS map[string]int64
	// CPU is the user+system CPU time of terraform and of the children it
	// waited for (the provider plugins), from the process's rusage: with
	// the emulator's own CPU it tells which side a slow run spent its time on.
	CPU time.Duration
}

// Terraform runs `terraform <args>` in dir with the bench's CLI
// configuration and extra environment, and reports wall time and the peak
// memory of the provider plugins it started.
func (e *Env) Terraform(dir string, env []string, args ...string) (Proc, error) {
	cmd := exec.Command("terraform", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+e.TFRC, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	cmd.Env = append(cmd.Env, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return Proc{}, err
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	peak := map[string]int64{}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			samplePlugins(cmd.Process.Pid, peak)
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	err := cmd.Wait()
	p := Proc{Wall: time.Since(start), Output: out.String()}
	if st := cmd.ProcessState; st != nil {
		p.CPU = st.UserTime() + st.SystemTime()
	}
	close(stop)
	wg.Wait()
	p.PeakRSS = peak
	if err != nil {
		return p, fmt.Errorf("terraform %s in %s: %w\n%s", strings.Join(args, " "), dir, err, tail(out.String(), 4000))
	}
	return p, nil
}

// samplePlugins records the VmHWM of every provider plugin whose parent is
// pid.
func samplePlugins(pid int, peak map[string]int64) {
	kids, _ := procfs.Children(pid)
	for _, k := range kids {
		exe, _ := procfs.Exe(k.PID)
		var name string
		switch base := filepath.Base(exe); {
		case strings.HasPrefix(base, "terraform-provider-golive"):
			name = "golive"
		case strings.HasPrefix(base, "terraform-provider-aws"):
			name = "aws"
		default:
			continue
		}
		if hwm, err := procfs.PeakRSS(k.PID); err == nil && hwm > peak[name] {
			peak[name] = hwm
		}
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "terraform-registry-manifest.json")); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("no repository root above %s", dir)
}

// Seconds converts durations to float seconds.
func Seconds(ds ...time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = d.Seconds()
	}
	return out
}

// benchStack is a scratch Terraform configuration in a fresh account of the
// emulator, for any providers: the measurement writes its files (provider
// blocks included, e.g. goliveProviders or awsProviders).
type benchStack struct {
	e       *Env
	Dir     string
	Account string
	AWS     aws.Config
	env     []string // extra environment of its terraform runs
}

func newBenchStack(ctx context.Context, e *Env, name string) (*benchStack, error) {
	account, cfg, err := e.Account(ctx)
	if err != nil {
		return nil, err
	}
	dir, err := e.Dir(name)
	if err != nil {
		return nil, err
	}
	return &benchStack{e: e, Dir: dir, Account: account, AWS: cfg, env: []string{
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=" + emulator.Region,
		"AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE=" + os.DevNull, "AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
		// One copy of hashicorp/aws (hundreds of MB) for every stack's init.
		"TF_PLUGIN_CACHE_DIR=" + e.pluginCache(),
	}}, nil
}

// pluginCache is the Terraform plugin cache shared by the bench's stacks.
func (e *Env) pluginCache() string {
	dir := filepath.Join(e.Scratch, "plugin-cache")
	os.MkdirAll(dir, 0o755) //nolint:errcheck // terraform reports a missing cache
	return dir
}

// Write writes a file of the configuration.
func (s *benchStack) Write(name, body string) error {
	return os.WriteFile(filepath.Join(s.Dir, name), []byte(body), 0o644)
}

// TF runs terraform in the stack with the emulator's base credentials.
func (s *benchStack) TF(args ...string) (Proc, error) { return s.e.Terraform(s.Dir, s.env, args...) }

// countResources counts the managed resources in the stack's state: all of
// them (terraform_data aside: it calls no API) and golive's.
func (s *benchStack) countResources() (all, golive int, err error) {
	p, err := s.TF("state", "list")
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(p.Output, "\n") {
		addr := strings.TrimSpace(line)
		// The resource type is the first part after the module path.
		parts := strings.Split(addr, ".")
		for len(parts) > 2 && parts[0] == "module" {
			parts = parts[2:]
		}
		if len(parts) < 2 || parts[0] == "data" || parts[0] == "terraform_data" {
			continue
		}
		all++
		if strings.HasPrefix(parts[0], "golive_") {
			golive++
		}
	}
	return all, golive, nil
}

// awsProviders requires hashicorp/aws and points it at the emulator, in
// account, as test/stack_test.go does.
func awsProviders(url, account string) string {
	return fmt.Sprintf(`# Written by the bench harness: the emulator, account %s.
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

`, account) + emulator.AWSProviderHCL(url, account)
}

// copyDir copies the regular files of src (not its subdirectories) into
// dst, which it creates.
func copyDir(src, dst string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	ents, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, d := range ents {
		if !d.Type().IsRegular() || strings.HasPrefix(d.Name(), "terraform.tfstate") || d.Name() == ".terraform.lock.hcl" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, d.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, d.Name()), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// newVPC makes a VPC with a subnet in each of two zones, as a load balancer
// needs: the VPC ID and the subnet IDs.
func newVPC(ctx context.Context, ec *ec2.Client) (*string, []string, error) {
	vpc, err := ec.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		return nil, nil, err
	}
	var subnets []string
	for i, az := range []string{"us-east-1a", "us-east-1b"} {
		sn, err := ec.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String(fmt.Sprintf("10.0.%d.0/24", i)), AvailabilityZone: aws.String(az)})
		if err != nil {
			return nil, nil, err
		}
		subnets = append(subnets, aws.ToString(sn.Subnet.SubnetId))
	}
	return vpc.Vpc.VpcId, subnets, nil
}
