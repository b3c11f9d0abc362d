package test

// Shared by the interruption and concurrency suites: the cutover fixture
// (test/fixtures/cutover) over an ALB built through the SDK, terraform runs
// as child processes the test can signal, and independent reads of weights,
// ledger events and the lock.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/gruntwork-io/terratest/modules/terraform"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/acctest/procfs"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

const cutoverFixture = "test/fixtures/cutover"

// cutoverStack is the cutover fixture in account, for one pipeline. The
// fixture uses golive only, so the harness's hashicorp/aws block goes (its
// schema alone costs seconds a terraform run), and golive assumes the
// account's role with session name session: the ledger's actor and a lock's
// holder then say which pipeline it was, as a CI job's session name would.
func cutoverStack(t *testing.T, account, session string) *stack {
	t.Helper()
	s := newStackIn(t, cutoverFixture, account)
	s.Opts.EnvVars["TF_CLI_CONFIG_FILE"] = snapshotCLIConfig(t)
	if err := os.Remove(filepath.Join(s.Dir, "zz_test_providers.tf")); err != nil {
		t.Fatalf("the harness wrote no provider blocks for %s (has stack_test.go changed?): %v", cutoverFixture, err)
	}
	s.write("zz_test_providers.tf", fmt.Sprintf("# Written by the reliability suites: the emulator, account %s, pipeline %s.\n", account, session)+
		emulator.GoliveProviderHCL(s.Server.URL, account, session))
	return s
}

var (
	snapshotMu  sync.Mutex
	snapshotRCs = map[*testing.T]string{}
)

// snapshotCLIConfig is a CLI configuration installing golive from a copy,
// taken once per test, of the mirror `make install` wrote. Terraform links a
// working directory's provider to its mirror and checks it against the lock
// file on every run, so a `make install` while a test runs (these wait out a
// lock lease) would otherwise break its later runs.
func snapshotCLIConfig(t *testing.T) string {
	t.Helper()
	snapshotMu.Lock()
	defer snapshotMu.Unlock()
	if rc, ok := snapshotRCs[t]; ok {
		return rc
	}
	rc, err := writeSnapshotCLIConfig(t.TempDir())
	if err != nil {
		t.Fatalf("snapshotting the golive mirror: %v", err)
	}
	snapshotRCs[t] = rc
	t.Cleanup(func() {
		snapshotMu.Lock()
		defer snapshotMu.Unlock()
		delete(snapshotRCs, t)
	})
	return rc
}

func writeSnapshotCLIConfig(dir string) (string, error) {
	return emulator.SnapshotMirror(os.Getenv("TF_CLI_CONFIG_FILE"), dir)
}

// cutoverActor is the STS caller ARN golive records for a cutoverStack's
// session: the ledger's actor and the lock's holder.
func cutoverActor(account, session string) string {
	return fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", account, emulator.RoleName, session)
}

// cutoverALB builds a load balancer whose listener forwards 100/0 to blue
// and green, through the SDK.
func cutoverALB(t *testing.T, s *stack, name string) *emulator.ALBFixture {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	f, err := emulator.NewALB(ctx, s.AWS, name)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// cutoverVars are the fixture's variables for a split of service over f.
func cutoverVars(f *emulator.ALBFixture, service string, green int, bake string) map[string]any {
	return map[string]any{
		"service": service, "listener_arn": f.Listener,
		"blue_target_group_arn": f.Blue, "green_target_group_arn": f.Green,
		"green_weight": green, "bake": bake,
	}
}

// cutoverWeights is a split's target in golive's terms.
func cutoverWeights(green int) rollout.Weights {
	return rollout.Weights{"blue": 100 - green, "green": green}
}

// liveWeights reads the listener's weights through the SDK, by destination
// name.
func liveWeights(t *testing.T, s *stack, f *emulator.ALBFixture) rollout.Weights {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	w, _, err := emulator.ListenerWeights(ctx, s.AWS, f.Listener, "")
	if err != nil {
		t.Fatalf("reading the listener's weights: %v", err)
	}
	names := map[string]string{f.Blue: "blue", f.Green: "green"}
	out := rollout.Weights{}
	for arn, v := range w {
		name, ok := names[arn]
		if !ok {
			name = arn
		}
		out[name] = int(v)
	}
	return out
}

func sameWeights(a, b rollout.Weights) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// lockRecord is the ledger's lock item of an environment+service, read
// straight from DynamoDB.
type lockRecord struct {
	Holder, Operation string
	Expires           time.Time
}

// readLock returns the lock item of env/service, nil if there is none.
func readLock(t *testing.T, s *stack, env, service string) *lockRecord {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := dynamodb.NewFromConfig(s.AWS).GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(ledger.DefaultTable),
		Key:            map[string]ddbtypes.AttributeValue{"pk": &ddbtypes.AttributeValueMemberS{Value: "LOCK#" + env + "/" + service}, "sk": &ddbtypes.AttributeValueMemberS{Value: "LOCK"}},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		t.Fatalf("reading the lock of %s/%s: %v", env, service, err)
	}
	if out.Item == nil {
		return nil
	}
	str := func(k string) string {
		if v, ok := out.Item[k].(*ddbtypes.AttributeValueMemberS); ok {
			return v.Value
		}
		return ""
	}
	lk := &lockRecord{Holder: str("holder"), Operation: str("operation")}
	if v, ok := out.Item["expires_at"].(*ddbtypes.AttributeValueMemberN); ok {
		ms, _ := strconv.ParseInt(v.Value, 10, 64)
		lk.Expires = time.UnixMilli(ms)
	}
	return lk
}

// eventsSince are the events of env (oldest first) recorded after the event
// with ID mark ("" for all), up to the newest 200.
func eventsSince(t *testing.T, s *stack, env, mark string) []ledger.Event {
	t.Helper()
	all := s.Events(env, 200)
	var out []ledger.Event
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].ID > mark {
			out = append(out, all[i])
		}
	}
	return out
}

// eventMark is the ID of the newest event of env: events recorded later
// sort after it.
func eventMark(t *testing.T, s *stack, env string) string {
	t.Helper()
	if ev := s.Events(env, 1); len(ev) > 0 {
		return ev[0].ID
	}
	return ""
}

// waitUntil polls cond every 100ms until it holds or timeout passes.
func waitUntil(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// tfRun is a terraform command running as a child process of the test, in
// a process group of its own, so the test can interrupt it (as Ctrl-C or a
// CI runner would) or kill its provider plugin.
type tfRun struct {
	cmd     *exec.Cmd
	out     syncBuffer
	Started time.Time
	done    chan struct{}
	Ended   time.Time
	Err     error
}

// startTerraform runs `terraform <args>` with the stack's options and
// environment (init must have run).
func startTerraform(t *testing.T, s *stack, args ...string) *tfRun {
	t.Helper()
	cmd := exec.Command("terraform", terraform.FormatArgs(s.Opts, args...)...)
	cmd.Dir = s.Dir
	cmd.Env = os.Environ()
	for k, v := range s.Opts.EnvVars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	r := &tfRun{cmd: cmd, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = &r.out, &r.out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	r.Started = time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting terraform %s: %v", args[0], err)
	}
	go func() {
		r.Err = cmd.Wait()
		r.Ended = time.Now()
		close(r.done)
	}()
	t.Cleanup(func() {
		select {
		case <-r.done:
		default:
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-r.done
		}
	})
	return r
}

// Wait waits for the command to end, at most timeout, and returns its
// output.
func (r *tfRun) Wait(t *testing.T, timeout time.Duration) string {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(timeout):
		_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
		<-r.done
		t.Fatalf("terraform did not end within %s; output:\n%s", timeout, r.out.String())
	}
	return r.out.String()
}

// Exited says whether the command has ended.
func (r *tfRun) Exited() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// Interrupt sends SIGINT to terraform alone (a CI runner signalling its
// child) or to its whole process group (Ctrl-C in a terminal, which also
// reaches the provider plugin).
func (r *tfRun) Interrupt(group bool) error {
	pid := r.cmd.Process.Pid
	if group {
		pid = -pid
	}
	return syscall.Kill(pid, syscall.SIGINT)
}

// KillProvider SIGKILLs terraform's terraform-provider-golive child process
// and returns its PID.
func (r *tfRun) KillProvider() (int, error) {
	pid, err := childProcess(r.cmd.Process.Pid, "terraform-provider-golive")
	if err != nil {
		return 0, err
	}
	return pid, syscall.Kill(pid, syscall.SIGKILL)
}

// childProcess finds the child of parent whose executable name starts with
// prefix.
func childProcess(parent int, prefix string) (int, error) {
	kids, err := procfs.Children(parent)
	if err != nil {
		return 0, err
	}
	for _, k := range kids {
		if strings.HasPrefix(k.Name(), prefix) {
			return k.PID, nil
		}
	}
	return 0, fmt.Errorf("no %s child of process %d", prefix, parent)
}

// ExitCode is the command's exit status (-1 if a signal ended it).
func (r *tfRun) ExitCode() int {
	var ee *exec.ExitError
	if errors.As(r.Err, &ee) {
		return ee.ExitCode()
	}
	if r.Err != nil {
		return -1
	}
	return 0
}

// syncBuffer collects a child's output written from two pipes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// flatOutput is terraform output with the diagnostic boxes' borders and the
// line wrapping taken out, so a message can be matched as one string.
func flatOutput(out string) string {
	out = strings.NewReplacer("│", " ", "╷", " ", "╵", " ").Replace(out)
	return strings.Join(strings.Fields(out), " ")
}

// cutoverOutcome classifies what an interrupted or raced cutover left, from
// the live weights and the events the run recorded: "completed",
// "rolled-back", "unchanged" (no step was reached), "at-recorded-step", or
// "" with a description of what the ledger does not explain.
func cutoverOutcome(live, before, target rollout.Weights, events []ledger.Event) (outcome, lost string) {
	has := func(kind string) bool {
		for _, e := range events {
			if e.Kind == kind {
				return true
			}
		}
		return false
	}
	stepReached := has(ledger.KindTrafficStep)
	switch {
	case sameWeights(live, target) && has(ledger.KindCutoverCompleted):
		return "completed", ""
	case sameWeights(live, before) && has(ledger.KindRolledBack):
		return "rolled-back", ""
	case sameWeights(live, before) && !stepReached:
		return "unchanged", ""
	case sameWeights(live, before):
		return "", fmt.Sprintf("weights back at %s after a step was reached, but no rollback is recorded", before)
	}
	for _, e := range events {
		if e.Kind == ledger.KindTrafficStep && strings.HasSuffix(e.Detail, ": "+live.String()) {
			return "at-recorded-step", ""
		}
	}
	return "", fmt.Sprintf("live weights %s are neither the pre-apply %s nor a step recorded in the ledger", live, before)
}

// describeEvents renders events for failure messages.
func describeEvents(events []ledger.Event) string {
	var b strings.Builder
	for _, e := range events {
		fmt.Fprintf(&b, "\n  %s %s %s %s: %s %s", e.At.Format("15:04:05.000"), e.Kind, e.Outcome, e.Actor, e.Detail, e.Reason)
	}
	return b.String()
}
