package envconfig_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/golive-dev/terraform-provider-golive/internal/acctest/emulator"
	"github.com/golive-dev/terraform-provider-golive/internal/envconfig"
)

func TestMain(m *testing.M) { emulator.Main(m, emulator.Options{}) }

// deletes records the names of every DeleteParameters call a client makes.
type deletes struct {
	mu    sync.Mutex
	calls [][]string
}

func (d *deletes) get() [][]string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([][]string(nil), d.calls...)
}

// account gives two SSM clients acting in a fresh emulator account: one for
// the store under test, which records its DeleteParameters calls, and an
// independent one that sets up fixtures and reads outcomes back.
func account(t *testing.T) (store, check *ssm.Client, del *deletes) {
	t.Helper()
	cfg, err := emulator.Shared(t).AccountConfig(context.Background(), emulator.NewAccountID())
	if err != nil {
		t.Fatal(err)
	}
	del = &deletes{}
	record := middleware.InitializeMiddlewareFunc("recordDeleteParameters", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		if p, ok := in.Parameters.(*ssm.DeleteParametersInput); ok {
			del.mu.Lock()
			del.calls = append(del.calls, append([]string(nil), p.Names...))
			del.mu.Unlock()
		}
		return next.HandleInitialize(ctx, in)
	})
	store = ssm.NewFromConfig(cfg, func(o *ssm.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error { return s.Initialize.Add(record, middleware.Before) })
	})
	return store, ssm.NewFromConfig(cfg), del
}

// param is a parameter as the independent client reads it, decrypted.
type param struct {
	Type  ssmtypes.ParameterType
	Value string
}

// params lists every parameter under path, recursively and decrypted.
func params(t *testing.T, c *ssm.Client, path string) map[string]param {
	t.Helper()
	got := map[string]param{}
	p := ssm.NewGetParametersByPathPaginator(c, &ssm.GetParametersByPathInput{
		Path: aws.String(path), Recursive: aws.Bool(true), WithDecryption: aws.Bool(true),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("listing %s: %v", path, err)
		}
		for _, prm := range page.Parameters {
			got[aws.ToString(prm.Name)] = param{Type: prm.Type, Value: aws.ToString(prm.Value)}
		}
	}
	return got
}

// get reads one parameter, decrypted; ok is false if it does not exist.
func get(t *testing.T, c *ssm.Client, name string) (p param, ok bool) {
	t.Helper()
	out, err := c.GetParameter(context.Background(), &ssm.GetParameterInput{Name: aws.String(name), WithDecryption: aws.Bool(true)})
	var missing *ssmtypes.ParameterNotFound
	if errors.As(err, &missing) {
		return param{}, false
	}
	if err != nil {
		t.Fatalf("reading %s: %v", name, err)
	}
	return param{Type: out.Parameter.Type, Value: aws.ToString(out.Parameter.Value)}, true
}

func tagsOf(t *testing.T, c *ssm.Client, name string) map[string]string {
	t.Helper()
	out, err := c.ListTagsForResource(context.Background(), &ssm.ListTagsForResourceInput{
		ResourceId: aws.String(name), ResourceType: ssmtypes.ResourceTypeForTaggingParameter,
	})
	if err != nil {
		t.Fatalf("tags of %s: %v", name, err)
	}
	tags := map[string]string{}
	for _, tg := range out.TagList {
		tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	return tags
}

// seed creates parameters directly, as someone other than the store would.
func seed(t *testing.T, c *ssm.Client, typ ssmtypes.ParameterType, values map[string]string) {
	t.Helper()
	for name, v := range values {
		if _, err := c.PutParameter(context.Background(), &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String(v), Type: typ}); err != nil {
			t.Fatalf("seeding %s: %v", name, err)
		}
	}
}

func mustPut(t *testing.T, s *envconfig.Store, kind envconfig.Kind, values map[string]string, existing map[string]bool) []string {
	t.Helper()
	created, err := s.Put(context.Background(), kind, values, existing)
	if err != nil {
		t.Fatalf("put %s: %v", kind, err)
	}
	return created
}

func TestPutWritesNamedTypedTaggedParameters(t *testing.T) {
	t.Parallel()
	sc, check, _ := account(t)
	tags := map[string]string{"team": "platform", "golive:environment": "shop/prod"}
	s := envconfig.New(sc, "shop", "prod", tags)
	if s.Root() != "/golive/shop/prod/" || s.Name(envconfig.Secrets, "K") != "/golive/shop/prod/secrets/K" {
		t.Fatalf("root %q, name %q", s.Root(), s.Name(envconfig.Secrets, "K"))
	}

	if got := mustPut(t, s, envconfig.Variables, map[string]string{"PORT": "8080", "LOG_LEVEL": "info"}, nil); !reflect.DeepEqual(got, []string{"LOG_LEVEL", "PORT"}) {
		t.Fatalf("variables created: %v", got)
	}
	if got := mustPut(t, s, envconfig.Secrets, map[string]string{"DB_PASSWORD": "hunter2", "API_TOKEN": "tok-3x!"}, nil); !reflect.DeepEqual(got, []string{"API_TOKEN", "DB_PASSWORD"}) {
		t.Fatalf("secrets created: %v", got)
	}

	want := map[string]param{
		"/golive/shop/prod/vars/LOG_LEVEL":      {ssmtypes.ParameterTypeString, "info"},
		"/golive/shop/prod/vars/PORT":           {ssmtypes.ParameterTypeString, "8080"},
		"/golive/shop/prod/secrets/API_TOKEN":   {ssmtypes.ParameterTypeSecureString, "tok-3x!"},
		"/golive/shop/prod/secrets/DB_PASSWORD": {ssmtypes.ParameterTypeSecureString, "hunter2"},
	}
	if got := params(t, check, "/golive/"); !reflect.DeepEqual(got, want) {
		t.Fatalf("parameters in the account:\n got %v\nwant %v", got, want)
	}
	for name, w := range want {
		if got, ok := get(t, check, name); !ok || got != w {
			t.Errorf("GetParameter %s = %v (exists %v), want %v", name, got, ok, w)
		}
		if got := tagsOf(t, check, name); !reflect.DeepEqual(got, tags) {
			t.Errorf("tags of %s = %v, want %v", name, got, tags)
		}
	}
	// A secret is stored encrypted: without decryption it does not read back
	// as the plaintext.
	out, err := check.GetParameter(context.Background(), &ssm.GetParameterInput{Name: aws.String("/golive/shop/prod/secrets/DB_PASSWORD"), WithDecryption: aws.Bool(false)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Parameter.Value) == "hunter2" {
		t.Error("secret reads back as plaintext without decryption")
	}
}

func TestReadListsOwnVariablesAndSecretKeysOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sc, check, _ := account(t)
	s := envconfig.New(sc, "app", "env", nil)

	empty, err := s.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if empty.Variables == nil || len(empty.Variables) != 0 || len(empty.SecretKeys) != 0 {
		t.Fatalf("empty environment: %+v", empty)
	}

	// More than one page (GetParametersByPath returns at most 10 at a time).
	wantVars := map[string]string{}
	for i := 0; i < 12; i++ {
		wantVars[fmt.Sprintf("V%02d", i)] = fmt.Sprintf("value-%d", i)
	}
	mustPut(t, s, envconfig.Variables, wantVars, nil)
	// Created out of order; Read sorts them.
	for _, k := range []string{"ZED", "ALPHA", "MIDDLE"} {
		seed(t, check, ssmtypes.ParameterTypeSecureString, map[string]string{"/golive/app/env/secrets/" + k: "secret-of-" + k})
	}
	seed(t, check, ssmtypes.ParameterTypeString, map[string]string{
		"/golive/app/other/vars/OTHER":   "other-env",
		"/golive/app/envx/vars/PREFIX":   "env-name-prefix",
		"/golive/app/env/vars/a/b":       "deeper",
		"/golive/app/env/unknown/KIND":   "not-a-kind",
		"/golive/app-admin/env/vars/APP": "app-name-prefix",
	})
	seed(t, check, ssmtypes.ParameterTypeSecureString, map[string]string{
		"/golive/app/other/secrets/OTHER_SECRET": "other-secret",
		"/golive/app/env/secrets/nested/DEEP":    "deep-secret",
	})

	snap, err := s.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(snap.Variables, wantVars) {
		t.Errorf("variables:\n got %v\nwant %v", snap.Variables, wantVars)
	}
	if want := []string{"ALPHA", "MIDDLE", "ZED"}; !reflect.DeepEqual(snap.SecretKeys, want) {
		t.Errorf("secret keys %v, want %v", snap.SecretKeys, want)
	}
	dump := fmt.Sprintf("%#v", snap)
	for _, v := range []string{"secret-of-", "other-secret", "deep-secret", "other-env", "deeper", "not-a-kind", "prefix"} {
		if strings.Contains(dump, v) {
			t.Errorf("Read returned %q: %s", v, dump)
		}
	}
}

func TestPutOverwritesKeysListedAsExisting(t *testing.T) {
	t.Parallel()
	sc, check, _ := account(t)
	tags := map[string]string{"owner": "golive"}
	s := envconfig.New(sc, "shop", "dev", tags)
	mustPut(t, s, envconfig.Variables, map[string]string{"A": "1", "B": "keep"}, nil)
	mustPut(t, s, envconfig.Secrets, map[string]string{"S": "old"}, nil)

	if got := mustPut(t, s, envconfig.Variables, map[string]string{"A": "2", "NEW": "n"}, map[string]bool{"A": true, "B": true}); !reflect.DeepEqual(got, []string{"NEW"}) {
		t.Fatalf("created on overwrite: %v", got)
	}
	if got := mustPut(t, s, envconfig.Secrets, map[string]string{"S": "new"}, map[string]bool{"S": true}); len(got) != 0 {
		t.Fatalf("created on secret overwrite: %v", got)
	}

	want := map[string]param{
		"/golive/shop/dev/vars/A":    {ssmtypes.ParameterTypeString, "2"},
		"/golive/shop/dev/vars/B":    {ssmtypes.ParameterTypeString, "keep"},
		"/golive/shop/dev/vars/NEW":  {ssmtypes.ParameterTypeString, "n"},
		"/golive/shop/dev/secrets/S": {ssmtypes.ParameterTypeSecureString, "new"},
	}
	if got := params(t, check, "/golive/shop/dev/"); !reflect.DeepEqual(got, want) {
		t.Fatalf("after overwrite:\n got %v\nwant %v", got, want)
	}
	// Overwriting keeps the tags put on at creation.
	for name := range want {
		if got := tagsOf(t, check, name); !reflect.DeepEqual(got, tags) {
			t.Errorf("tags of %s = %v, want %v", name, got, tags)
		}
	}
}

func TestPutRefusesSomeoneElsesParameter(t *testing.T) {
	t.Parallel()
	sc, check, _ := account(t)
	s := envconfig.New(sc, "shop", "dev", map[string]string{"owner": "golive"})
	seed(t, check, ssmtypes.ParameterTypeSecureString, map[string]string{"/golive/shop/dev/secrets/M": "theirs"})

	// Keys are written in sorted order: A before M, Z never reached.
	created, err := s.Put(context.Background(), envconfig.Secrets,
		map[string]string{"A": "a-value", "M": "my-secret-value", "Z": "z-value"}, map[string]bool{"OTHER": true})
	if err == nil {
		t.Fatal("Put over an unlisted existing parameter succeeded")
	}
	for _, want := range []string{"/golive/shop/dev/secrets/M", "already exists"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if strings.Contains(err.Error(), "my-secret-value") || strings.Contains(err.Error(), "theirs") {
		t.Errorf("error echoes a secret value: %v", err)
	}
	if !reflect.DeepEqual(created, []string{"A"}) {
		t.Fatalf("created before the failure: %v, want [A]", created)
	}

	if got, ok := get(t, check, "/golive/shop/dev/secrets/M"); !ok || got.Value != "theirs" {
		t.Errorf("foreign parameter changed: %v (exists %v)", got, ok)
	}
	if got, ok := get(t, check, "/golive/shop/dev/secrets/A"); !ok || got != (param{ssmtypes.ParameterTypeSecureString, "a-value"}) {
		t.Errorf("parameter created before the failure: %v (exists %v)", got, ok)
	}
	if _, ok := get(t, check, "/golive/shop/dev/secrets/Z"); ok {
		t.Error("Put went on after the failure")
	}
	if got := tagsOf(t, check, "/golive/shop/dev/secrets/M"); len(got) != 0 {
		t.Errorf("foreign parameter got tags %v", got)
	}

	// The same for a variable, with no existing map at all.
	seed(t, check, ssmtypes.ParameterTypeString, map[string]string{"/golive/shop/dev/vars/TAKEN": "x"})
	created, err = s.Put(context.Background(), envconfig.Variables, map[string]string{"TAKEN": "y"}, nil)
	if err == nil || !strings.Contains(err.Error(), "/golive/shop/dev/vars/TAKEN already exists") || len(created) != 0 {
		t.Fatalf("variable over a foreign parameter: created %v, err %v", created, err)
	}
}

func TestDeleteRemovesOnlyTheGivenKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sc, check, _ := account(t)
	s := envconfig.New(sc, "shop", "qa", nil)
	mustPut(t, s, envconfig.Variables, map[string]string{"A": "1", "B": "2", "C": "3", "S": "var-named-like-a-secret"}, nil)
	mustPut(t, s, envconfig.Secrets, map[string]string{"S": "s", "T": "t"}, nil)

	if err := s.Delete(ctx, envconfig.Variables, []string{"A", "GONE"}); err != nil {
		t.Fatalf("delete with a key already gone: %v", err)
	}
	if err := s.Delete(ctx, envconfig.Secrets, []string{"S"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, envconfig.Secrets, nil); err != nil {
		t.Fatalf("delete of nothing: %v", err)
	}

	want := map[string]param{
		"/golive/shop/qa/vars/B":    {ssmtypes.ParameterTypeString, "2"},
		"/golive/shop/qa/vars/C":    {ssmtypes.ParameterTypeString, "3"},
		"/golive/shop/qa/vars/S":    {ssmtypes.ParameterTypeString, "var-named-like-a-secret"},
		"/golive/shop/qa/secrets/T": {ssmtypes.ParameterTypeSecureString, "t"},
	}
	if got := params(t, check, "/golive/"); !reflect.DeepEqual(got, want) {
		t.Fatalf("after Delete:\n got %v\nwant %v", got, want)
	}
}

func TestDeleteAllRemovesMoreThanOneBatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sc, check, del := account(t)
	s := envconfig.New(sc, "shop", "staging", nil)
	vars, secrets := map[string]string{}, map[string]string{}
	for i := 0; i < 13; i++ {
		vars[fmt.Sprintf("V%02d", i)] = "v"
	}
	for i := 0; i < 10; i++ {
		secrets[fmt.Sprintf("S%02d", i)] = "s"
	}
	mustPut(t, s, envconfig.Variables, vars, nil)
	mustPut(t, s, envconfig.Secrets, secrets, nil)
	neighbours := map[string]string{"/golive/shop/prod/vars/V00": "prod", "/golive/shop/staging-2/vars/V00": "other"}
	seed(t, check, ssmtypes.ParameterTypeString, neighbours)
	if n := len(params(t, check, "/golive/shop/staging/")); n != 23 {
		t.Fatalf("before DeleteAll: %d parameters, want 23", n)
	}

	if err := s.DeleteAll(ctx); err != nil {
		t.Fatal(err)
	}
	if got := params(t, check, "/golive/shop/staging/"); len(got) != 0 {
		t.Fatalf("after DeleteAll: %v", got)
	}
	for name, v := range neighbours {
		if got, ok := get(t, check, name); !ok || got.Value != v {
			t.Errorf("DeleteAll touched %s: %v (exists %v)", name, got, ok)
		}
	}
	// DeleteParameters takes at most ten names a call; moto does not enforce
	// that, so check the calls themselves.
	total := 0
	for _, names := range del.get() {
		if len(names) == 0 || len(names) > 10 {
			t.Errorf("DeleteParameters called with %d names", len(names))
		}
		total += len(names)
	}
	if calls := len(del.get()); calls != 3 || total != 23 {
		t.Errorf("DeleteParameters: %d calls, %d names; want 3 calls, 23 names", calls, total)
	}
	// Nothing left: a second DeleteAll has nothing to do.
	if err := s.DeleteAll(ctx); err != nil {
		t.Fatalf("DeleteAll of an empty environment: %v", err)
	}
	if calls := len(del.get()); calls != 3 {
		t.Errorf("DeleteAll of an empty environment made %d more DeleteParameters calls", calls-3)
	}
}
