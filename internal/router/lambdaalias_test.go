package router_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
	"github.com/golive-dev/terraform-provider-golive/internal/router"
)

const (
	function = "api"
	alias    = "live"
)

var versionDests = []rollout.Destination{{Name: "v1", Target: "1"}, {Name: "v2", Target: "2"}}

// handlerZip is a deployment package with one index.py returning reply.
func handlerZip(t *testing.T, reply string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	f, err := zw.Create("index.py")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("def handler(event, context):\n    return '" + reply + "'\n")); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// newFunction creates function with versions 1 and 2 and alias on version 1.
func newFunction(t *testing.T, cfg aws.Config) *lambda.Client {
	t.Helper()
	l := newVersions(t, cfg)
	if _, err := l.CreateAlias(context.Background(), &lambda.CreateAliasInput{FunctionName: aws.String(function), Name: aws.String(alias), FunctionVersion: aws.String("1")}); err != nil {
		t.Fatal(err)
	}
	return l
}

// newVersions creates function with versions 1 and 2 and no alias.
func newVersions(t *testing.T, cfg aws.Config) *lambda.Client {
	t.Helper()
	ctx := context.Background()
	// moto refuses CreateFunction unless the execution role exists in the
	// account ("The role defined for the function cannot be assumed by
	// Lambda"), so a made-up role ARN is not enough: create the role.
	role, err := iam.NewFromConfig(cfg).CreateRole(ctx, &iam.CreateRoleInput{
		RoleName:                 aws.String("api-lambda"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	l := lambda.NewFromConfig(cfg)
	if _, err := l.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String(function), Runtime: lambdatypes.RuntimePython312, Handler: aws.String("index.handler"),
		Role: role.Role.Arn, Code: &lambdatypes.FunctionCode{ZipFile: handlerZip(t, "one")},
	}); err != nil {
		t.Fatal(err)
	}
	v1, err := l.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String(function)})
	if err != nil {
		t.Fatal(err)
	}
	// Like AWS, moto publishes nothing new unless the code or configuration
	// changed since the last version: change the code.
	if _, err := l.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String(function), ZipFile: handlerZip(t, "two")}); err != nil {
		t.Fatal(err)
	}
	v2, err := l.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String(function)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(v1.Version) != "1" || aws.ToString(v2.Version) != "2" {
		t.Fatalf("published versions %s and %s, want 1 and 2", aws.ToString(v1.Version), aws.ToString(v2.Version))
	}
	return l
}

// aliasRouting reads the alias straight from the API: its primary version
// and additional version weights (never nil).
func aliasRouting(t *testing.T, l *lambda.Client) (string, map[string]float64) {
	t.Helper()
	return namedAliasRouting(t, l, alias)
}

func namedAliasRouting(t *testing.T, l *lambda.Client, name string) (string, map[string]float64) {
	t.Helper()
	out, err := l.GetAlias(context.Background(), &lambda.GetAliasInput{FunctionName: aws.String(function), Name: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	add := map[string]float64{}
	if out.RoutingConfig != nil && out.RoutingConfig.AdditionalVersionWeights != nil {
		add = out.RoutingConfig.AdditionalVersionWeights
	}
	return aws.ToString(out.FunctionVersion), add
}

func TestLambdaAlias_String(t *testing.T) {
	t.Parallel()
	mustEqual(t, "String", router.NewLambdaAlias(nil, "api", "live", nil).String(), "Lambda alias api:live")
}

func TestLambdaAlias_ReadAndSet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, _ := account(t)
	l := newFunction(t, cfg)
	r := router.NewLambdaAlias(lambda.NewFromConfig(cfg), function, alias, versionDests)

	got, err := r.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "initial", got, rollout.Weights{"v1": 100, "v2": 0})

	for _, step := range []struct {
		set        rollout.Weights
		primary    string
		additional map[string]float64
	}{
		{rollout.Weights{"v1": 90, "v2": 10}, "1", map[string]float64{"2": 0.1}},
		// The old additional weight is cleared.
		{rollout.Weights{"v1": 0, "v2": 100}, "2", map[string]float64{}},
		// A tie goes to the destination declared first.
		{rollout.Weights{"v1": 50, "v2": 50}, "1", map[string]float64{"2": 0.5}},
		// The primary is the heavier one, wherever it is declared.
		{rollout.Weights{"v1": 30, "v2": 70}, "2", map[string]float64{"1": 0.3}},
	} {
		if err := r.Set(ctx, step.set); err != nil {
			t.Fatal(err)
		}
		primary, add := aliasRouting(t, l)
		mustEqual(t, "primary after Set("+step.set.String()+")", primary, step.primary)
		mustEqual(t, "additional after Set("+step.set.String()+")", add, step.additional)
		got, err := r.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		mustEqual(t, "Read after Set", got, rollout.Weights{"v1": step.set["v1"], "v2": step.set["v2"]})
	}
}

func TestLambdaAlias_UnknownVersionUnderItsNumber(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, _ := account(t)
	l := newFunction(t, cfg)
	// Someone else routes a third of the traffic to version 1; golive
	// declares only version 2.
	if _, err := l.UpdateAlias(ctx, &lambda.UpdateAliasInput{FunctionName: aws.String(function), Name: aws.String(alias),
		FunctionVersion: aws.String("2"),
		RoutingConfig:   &lambdatypes.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{"1": 0.333}}}); err != nil {
		t.Fatal(err)
	}
	r := router.NewLambdaAlias(lambda.NewFromConfig(cfg), function, alias, []rollout.Destination{{Name: "next", Target: "2"}})
	got, err := r.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "initial, rounded to whole percent", got, rollout.Weights{"next": 67, "1": 33})

	// A raw version key is routed to as a version.
	if err := r.Set(ctx, rollout.Weights{"next": 20, "1": 80}); err != nil {
		t.Fatal(err)
	}
	primary, add := aliasRouting(t, l)
	if primary != "1" || !mapEqual(add, map[string]float64{"2": 0.2}) {
		t.Fatalf("after next=20 1=80: primary %s, additional %v", primary, add)
	}
	if err := r.Set(ctx, rollout.Weights{"next": 100, "1": 0}); err != nil {
		t.Fatal(err)
	}
	primary, add = aliasRouting(t, l)
	if primary != "2" || len(add) != 0 {
		t.Fatalf("after next=100 1=0: primary %s, additional %v", primary, add)
	}
}

func TestLambdaAlias_RefusedWithoutCallingAWS(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, _ := account(t)
	l := newFunction(t, cfg)
	counting, calls := counted(cfg)
	r := router.NewLambdaAlias(lambda.NewFromConfig(counting), function, alias, versionDests)
	for _, tc := range []struct {
		name string
		w    rollout.Weights
		want string
	}{
		{"three versions", rollout.Weights{"v1": 40, "v2": 30, "3": 30}, "3 versions have weight; a Lambda alias routes to at most two versions"},
		{"sum under 100", rollout.Weights{"v1": 50, "v2": 40}, "weights sum to 90"},
		{"no traffic", rollout.Weights{}, "weights sum to 0"},
		{"over 100", rollout.Weights{"v1": 120}, `weight of "v1" is 120`},
	} {
		err := r.Set(ctx, tc.w)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "Lambda alias api:live") {
			t.Errorf("%s: want an error naming the alias and containing %q, got %v", tc.name, tc.want, err)
		}
	}
	if n := calls.matching("", ""); n != 0 {
		t.Fatalf("refused Sets made %d AWS calls", n)
	}
	primary, add := aliasRouting(t, l)
	if primary != "1" || len(add) != 0 {
		t.Fatalf("alias changed: primary %s, additional %v", primary, add)
	}
}

// mapEqual compares version weights with a tolerance for float encoding.
func mapEqual(a, b map[string]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if d := v - b[k]; d > 1e-9 || d < -1e-9 {
			return false
		}
	}
	return true
}

func TestLambdaAlias_MissingAliasIsNotFound(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, _ := account(t)
	newVersions(t, cfg)
	for _, tc := range []struct{ name, function string }{
		{"no alias", function},
		{"no function", "nothing-here"},
	} {
		_, err := router.NewLambdaAlias(lambda.NewFromConfig(cfg), tc.function, alias, versionDests).Read(ctx)
		if !errors.Is(err, router.ErrNotFound) || !strings.Contains(err.Error(), "Lambda alias "+tc.function+":live does not exist") {
			t.Errorf("%s: Read = %v, want an error wrapping router.ErrNotFound that names the alias", tc.name, err)
		}
	}
}

func TestLambdaAlias_CreateAndDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, _ := account(t)
	l := newVersions(t, cfg)

	for _, tc := range []struct {
		alias      string
		set        rollout.Weights
		primary    string
		additional map[string]float64
	}{
		{"live", rollout.Weights{"v1": 0, "v2": 100}, "2", map[string]float64{}},
		// A split declared mid-canary starts there.
		{"canary", rollout.Weights{"v1": 90, "v2": 10}, "1", map[string]float64{"2": 0.1}},
	} {
		r := router.NewLambdaAlias(lambda.NewFromConfig(cfg), function, tc.alias, versionDests)
		if err := r.Create(ctx, tc.set); err != nil {
			t.Fatal(err)
		}
		primary, add := namedAliasRouting(t, l, tc.alias)
		mustEqual(t, "primary after Create("+tc.set.String()+")", primary, tc.primary)
		if !mapEqual(add, tc.additional) {
			t.Fatalf("additional after Create(%s): got %v, want %v", tc.set, add, tc.additional)
		}
		got, err := r.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		mustEqual(t, "Read after Create", got, tc.set)
	}

	// An alias that exists is not created over.
	r := router.NewLambdaAlias(lambda.NewFromConfig(cfg), function, "canary", versionDests)
	if err := r.Create(ctx, rollout.Weights{"v1": 0, "v2": 100}); err == nil || !strings.Contains(err.Error(), "creating Lambda alias api:canary at v1=0 v2=100") {
		t.Fatalf("Create over an existing alias: got %v, want an error naming the alias", err)
	}
	if primary, _ := namedAliasRouting(t, l, "canary"); primary != "1" {
		t.Fatalf("Create over an existing alias changed it: primary %s", primary)
	}

	r = router.NewLambdaAlias(lambda.NewFromConfig(cfg), function, alias, versionDests)

	if err := r.Delete(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := l.GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String(function), Name: aws.String(alias)}); err == nil {
		t.Fatal("the alias is still there after Delete")
	}
	if primary, _ := namedAliasRouting(t, l, "canary"); primary != "1" {
		t.Fatalf("Delete of live touched the canary alias: primary %s", primary)
	}
	// Gone already, or its function gone: nothing to do.
	if err := r.Delete(ctx); err != nil {
		t.Fatalf("second Delete: %v", err)
	}
	if err := router.NewLambdaAlias(lambda.NewFromConfig(cfg), "nothing-here", alias, nil).Delete(ctx); err != nil {
		t.Fatalf("Delete on a missing function: %v", err)
	}
}

func TestLambdaAlias_CreateRefusedWithoutCallingAWS(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, _ := account(t)
	l := newVersions(t, cfg)
	counting, calls := counted(cfg)
	r := router.NewLambdaAlias(lambda.NewFromConfig(counting), function, alias, versionDests)
	for _, w := range []rollout.Weights{{"v1": 40, "v2": 30, "3": 30}, {"v1": 50}} {
		if err := r.Create(ctx, w); err == nil || !strings.Contains(err.Error(), "creating Lambda alias api:live at "+w.String()) {
			t.Errorf("Create(%s): want an error naming the alias and the weights, got %v", w, err)
		}
	}
	if n := calls.matching("", ""); n != 0 {
		t.Fatalf("refused Creates made %d AWS calls", n)
	}
	if _, err := l.GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String(function), Name: aws.String(alias)}); err == nil {
		t.Fatal("a refused Create made the alias")
	}
}
