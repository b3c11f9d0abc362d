package test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/gruntwork-io/terratest/modules/terraform"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/acctest/soak"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/notify"
)

// TestReliabilitySecrets writes a secret through golive_environment's
// write-only secrets_wo and a webhook signing secret through
// notify.webhook_secret_wo, rotates both (version bumps), and then looks
// for all four values everywhere Terraform and golive write: the state, the
// saved plans (terraform show -json and every file inside the plan), the
// CLI output, TF_LOG=trace logs of Terraform and the provider, every item of
// the ledger table, and the notifications (SNS topic, read through an SQS
// subscription, and a webhook). Each value must be in one place only: SSM,
// as a SecureString, which is also where the search shows it can find it;
// the webhook's bodies carry signatures made with the signing secret of
// their round, which proves golive read it back to use it.
func TestReliabilitySecrets(t *testing.T) {
	t.Parallel()
	seed := soak.Seed()
	t.Logf("seed %d (GOLIVE_SOAK_SEED replays it)", seed)
	rng := rand.New(rand.NewSource(seed))
	secrets := []string{
		fmt.Sprintf("GoLiveWO-%08x-first", rng.Uint32()),
		fmt.Sprintf("GoLiveWO-%08x-rotated", rng.Uint32()),
	}
	hookSecrets := []string{
		fmt.Sprintf("GoLiveHook-%08x-first", rng.Uint32()),
		fmt.Sprintf("GoLiveHook-%08x-rotated", rng.Uint32()),
	}
	report := soak.NewReport("secrets", "write-only secret: create, rotate; searched in state, plans, logs, ledger, notifications")
	report.Unit = "places searched" // one entry per place, all of this one run
	t.Cleanup(func() {
		if err := report.Write("secrets"); err != nil {
			t.Error(err)
		}
	})

	s := newStack(t, "test/fixtures/secrets")
	secretsWithoutAWSProvider(t, s)
	s.CreateLedger()
	ctx := context.Background()
	fn, err := emulator.NewLambda(ctx, s.AWS, "secrets-worker")
	if err != nil {
		t.Fatal(err)
	}
	tq, err := emulator.NewTopicQueue(ctx, s.AWS, "secrets-deploys")
	if err != nil {
		t.Fatal(err)
	}
	hook := &secretsWebhook{}
	srv := httptest.NewServer(hook)
	t.Cleanup(srv.Close)

	logs := t.TempDir()
	s.Opts.EnvVars["TF_LOG"] = "trace"
	s.Opts.EnvVars["TF_LOG_PROVIDER"] = "trace"
	s.Opts.EnvVars["TF_LOG_PATH"] = filepath.Join(logs, "destroy.log")
	t.Cleanup(s.Destroy)

	started := time.Now()
	found := &secretsPlaces{}
	rounds := []struct {
		name    string
		version int
		release map[string]any
		weights map[string]any
	}{
		{"create", 1, map[string]any{"version": "1.0.0", "lambda_version": "1"}, map[string]any{"v1": 100, "v2": 0}},
		{"rotate", 2, map[string]any{"version": "1.0.1", "lambda_version": "2"}, map[string]any{"v1": 0, "v2": 100}},
	}
	for i, r := range rounds {
		secret := secrets[i]
		// An ephemeral variable: Terraform wants it again when applying
		// the saved plan, so it comes from the environment both times.
		s.Opts.EnvVars["TF_VAR_db_password"] = secret
		s.Opts.EnvVars["TF_VAR_webhook_secret"] = hookSecrets[i]
		hook.expect(hookSecrets[i])
		s.Opts.EnvVars["TF_LOG_PATH"] = filepath.Join(logs, r.name+"-plan.log")
		planFile := filepath.Join(logs, r.name+".tfplan")
		found.add("terraform plan output", s.SavePlan(map[string]any{
			"secrets_version": r.version, "function_name": fn.Function, "release": r.release, "weights": r.weights,
			"topic_arn": tq.TopicARN, "webhook_url": srv.URL + "/hook",
		}, planFile))
		found.add("saved plan as JSON (terraform show -json)", s.PlanJSON(planFile))
		found.addPlanFile(t, planFile)
		s.Opts.EnvVars["TF_LOG_PATH"] = filepath.Join(logs, r.name+"-apply.log")
		out, err := s.ApplyPlanE(planFile)
		found.add("terraform apply output", out)
		if err != nil {
			t.Fatalf("%s: applying the saved plan: %v", r.name, err)
		}
		found.addFile(t, "TF_LOG=trace log of plan", filepath.Join(logs, r.name+"-plan.log"))
		found.addFile(t, "TF_LOG=trace log of apply", filepath.Join(logs, r.name+"-apply.log"))
		secretsCheckTraced(t, filepath.Join(logs, r.name+"-apply.log"))

		// The control: the value did reach SSM, encrypted, and the search
		// finds it there.
		param := secretsParameter(t, s.AWS, "/golive/secretstest/dev/secrets/DB_PASSWORD")
		if param.Type != ssmtypes.ParameterTypeSecureString || aws.ToString(param.Value) != secret {
			t.Fatalf("%s: SSM holds %s %q, want SecureString %q", r.name, param.Type, aws.ToString(param.Value), secret)
		}
		if !secretsContains([]byte(aws.ToString(param.Value)), secret) {
			t.Fatalf("the search does not find %q in the parameter that holds it", secret)
		}
		param = secretsParameter(t, s.AWS, "/golive/secretstest/dev/notify/webhook_secret")
		if param.Type != ssmtypes.ParameterTypeSecureString || aws.ToString(param.Value) != hookSecrets[i] {
			t.Fatalf("%s: SSM holds the webhook secret as %s %q, want SecureString %q", r.name, param.Type, aws.ToString(param.Value), hookSecrets[i])
		}
		if signed, bad := hook.signatures(); signed == 0 || len(bad) > 0 {
			t.Fatalf("%s: %d webhook bodies signed with this round's secret, others: %v", r.name, signed, bad)
		}
		s.Opts.EnvVars["TF_LOG_PATH"] = filepath.Join(logs, r.name+"-state.log")
		found.add("state (terraform state pull)", terraform.RunTerraformCommand(t, s.Opts, "state", "pull"))
		found.addFile(t, "state file terraform.tfstate", filepath.Join(s.Dir, "terraform.tfstate"))
		found.addFile(t, "TF_LOG=trace log of state pull", filepath.Join(logs, r.name+"-state.log"))
	}
	if got := s.OutputList("secret_keys"); len(got) != 1 || got[0] != "DB_PASSWORD" {
		t.Errorf("secret_keys = %v, want [DB_PASSWORD]", got)
	}

	// The ledger, item by item, as a reader of the table sees it.
	items := secretsScanLedger(t, s.AWS)
	found.add("ledger table items", items)
	// Releases and cutovers of both rounds were announced to both targets.
	queued := secretsQueued(t, tq)
	found.add("SNS notifications (via SQS)", strings.Join(queued, "\n"))
	bodies := hook.all()
	found.add("webhook notifications", strings.Join(bodies, "\n"))
	for target, msgs := range map[string][]string{"SNS": queued, "webhook": bodies} {
		for _, want := range []string{
			`"kind":"deployment_verified"`, `"version":"1.0.0"`, `"version":"1.0.1"`,
			`"kind":"cutover_started"`, `"kind":"traffic_step"`, `"kind":"cutover_completed"`,
		} {
			if !strings.Contains(strings.Join(msgs, "\n"), want) {
				t.Errorf("no %s notification with %s among %d: the search there proves nothing", target, want, len(msgs))
			}
		}
	}

	for _, p := range found.sorted() {
		run := soak.Run{Seed: seed, Outcome: "absent", Detail: fmt.Sprintf("%s: %d bytes searched", p.name, p.size),
			Millis: time.Since(started).Milliseconds()}
		for _, secret := range append(append([]string{}, secrets...), hookSecrets...) {
			if leak := p.leak(secret); leak != "" {
				run.Outcome = "leaked"
				run.Lost = append(run.Lost, leak)
				t.Errorf("%s", leak)
			}
		}
		if p.size == 0 {
			t.Errorf("%s: nothing was searched", p.name)
		}
		report.Add(run)
	}
}

// secretsPlaces gathers what was written, by place.
type secretsPlaces struct {
	places map[string]*secretsPlace
}

type secretsPlace struct {
	name  string
	size  int
	parts [][]byte
}

func (f *secretsPlaces) add(place, content string) { f.addBytes(place, []byte(content)) }

func (f *secretsPlaces) addBytes(place string, b []byte) {
	if f.places == nil {
		f.places = map[string]*secretsPlace{}
	}
	p := f.places[place]
	if p == nil {
		p = &secretsPlace{name: place}
		f.places[place] = p
	}
	p.size += len(b)
	p.parts = append(p.parts, b)
}

func (f *secretsPlaces) addFile(t *testing.T, place, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: %v", place, err)
	}
	f.addBytes(place, b)
}

// addPlanFile adds every file inside a saved plan (a zip): the plan proper,
// the prior state and the configuration snapshot.
func (f *secretsPlaces) addPlanFile(t *testing.T, path string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("opening saved plan: %v", err)
	}
	defer zr.Close()
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		f.addBytes("saved plan file (every file in it)", b)
	}
}

func (f *secretsPlaces) sorted() []*secretsPlace {
	var out []*secretsPlace
	for _, p := range f.places {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// leak describes where secret occurs in the place, or is "".
func (p *secretsPlace) leak(secret string) string {
	for _, b := range p.parts {
		if i := secretsIndex(b, secret); i >= 0 {
			lo, hi := max(0, i-200), min(len(b), i+len(secret)+100)
			return fmt.Sprintf("secret value %q found in %s: …%s…", secret, p.name, b[lo:hi])
		}
	}
	return ""
}

func secretsContains(b []byte, secret string) bool { return secretsIndex(b, secret) >= 0 }

// secretsIndex finds secret as written or base64-encoded (as bytes values
// appear in JSON and some logs).
func secretsIndex(b []byte, secret string) int {
	if i := bytes.Index(b, []byte(secret)); i >= 0 {
		return i
	}
	return bytes.Index(b, []byte(base64.StdEncoding.EncodeToString([]byte(secret))))
}

// secretsCheckTraced makes sure a log is a trace log of the provider's own
// handling of secrets_wo, so finding nothing in it means something.
func secretsCheckTraced(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"[TRACE] provider.terraform-provider-golive", // TF_LOG_PROVIDER=trace reached the provider
		"tf_rpc=ApplyResourceChange",
		"tf_attribute_path=secrets_wo", // the framework traced the write-only attribute
	} {
		if !bytes.Contains(b, []byte(want)) {
			t.Fatalf("%s has no %q: not a provider trace log", path, want)
		}
	}
}

// secretsWithoutAWSProvider keeps only the golive provider block the harness
// wrote: the fixture has no hashicorp/aws resources, and that provider is
// slow to start.
func secretsWithoutAWSProvider(t *testing.T, s *stack) {
	t.Helper()
	path := filepath.Join(s.Dir, "zz_test_providers.tf")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, []byte(`provider "golive"`))
	if i < 0 {
		t.Fatalf("no golive provider block in %s", b)
	}
	if err := os.WriteFile(path, b[i:], 0o644); err != nil {
		t.Fatal(err)
	}
}

// secretsQueued drains the queue: each SNS envelope and the message in it.
func secretsQueued(t *testing.T, tq *emulator.TopicQueue) []string {
	t.Helper()
	msgs, err := tq.Drain(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range msgs {
		out = append(out, m.Body, m.Message)
	}
	return out
}

// secretsWebhook records every request: headers and body.
type secretsWebhook struct {
	mu       sync.Mutex
	requests []string
	secret   string   // the signing secret of the round
	signed   int      // bodies of the round signed with it
	unsigned []string // signatures of the round that did not verify
}

func (h *secretsWebhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var head strings.Builder
	_ = r.Header.Write(&head)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.requests = append(h.requests, r.Method+" "+r.URL.String()+"\n"+head.String()+"\n"+string(b))
	if sig := r.Header.Get(notify.SignatureHeader); notify.VerifySignature(notify.Secret(h.secret), b, sig) {
		h.signed++
	} else {
		h.unsigned = append(h.unsigned, r.Header.Get("X-Golive-Event")+": "+sig)
	}
}

// expect starts a round whose bodies must be signed with secret.
func (h *secretsWebhook) expect(secret string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.secret, h.signed, h.unsigned = secret, 0, nil
}

func (h *secretsWebhook) signatures() (signed int, bad []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.signed, append([]string(nil), h.unsigned...)
}

func (h *secretsWebhook) all() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.requests...)
}

func secretsParameter(t *testing.T, cfg aws.Config, name string) *ssmtypes.Parameter {
	t.Helper()
	out, err := ssm.NewFromConfig(cfg).GetParameter(context.Background(), &ssm.GetParameterInput{Name: aws.String(name), WithDecryption: aws.Bool(true)})
	if err != nil {
		t.Fatalf("reading %s: %v", name, err)
	}
	return out.Parameter
}

// secretsScanLedger reads every item of the ledger table as JSON.
func secretsScanLedger(t *testing.T, cfg aws.Config) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p := dynamodb.NewScanPaginator(dynamodb.NewFromConfig(cfg), &dynamodb.ScanInput{TableName: aws.String(ledger.DefaultTable)})
	var b strings.Builder
	n := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("scanning the ledger: %v", err)
		}
		for _, item := range page.Items {
			j, err := json.Marshal(item)
			if err != nil {
				t.Fatal(err)
			}
			b.Write(j)
			b.WriteByte('\n')
			n++
		}
	}
	if n < 10 {
		t.Fatalf("the ledger holds %d items, want the environment, releases and events of two rounds", n)
	}
	return b.String()
}
