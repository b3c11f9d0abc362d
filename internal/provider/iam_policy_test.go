package provider_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The least-privilege IAM policies the provider needs: the workload policy,
// for the role golive runs as (every call but the ledger's), and the ledger
// policy, for the role that reaches the ledger table (the same role when
// the ledger is beside the workload; modules/ledger's role when it lives in
// an account of its own).
const (
	workloadPolicyFile = "../../docs/iam-policy-workload.json"
	ledgerPolicyFile   = "../../docs/iam-policy-ledger.json"
)

// ledgerSource is where the ledger client's calls are made: every SDK call
// in it belongs to the ledger policy, every other to the workload policy.
const ledgerSource = "../ledger/"

// permissionOnly are actions in the policy that no API call of golive names
// but that AWS checks when golive calls another action.
var permissionOnly = map[string]string{
	"sts:AssumeRole":               "the ledger role, assumed with the workload credentials (stscreds in awsclient.ForLedger)",
	"ssm:AddTagsToResource":        "ssm:PutParameter with Tags (default_tags on new parameters)",
	"ecs:TagResource":              "ecs:CreateService with Tags (the golive:deployment ownership tag and default_tags of slot services)",
	"elasticloadbalancing:AddTags": "elasticloadbalancing:CreateRule with Tags (listener rules a split creates)",
	"iam:PassRole":                 "ecs:RunTask of a hook task definition with a task or execution role",
}

// ledgerPermissionOnly are the same for the ledger policy.
var ledgerPermissionOnly = map[string]string{
	"dynamodb:ConditionCheckItem": "dynamodb:TransactWriteItems with a ConditionCheck: a cutover's lock is taken only while the environment record is the one its plan judged",
}

// notThisPolicy are calls golive makes that the policy does not grant, and
// why.
var notThisPolicy = map[string]string{
	// No IAM action of its own: AWS checks each item of a transaction as
	// dynamodb:PutItem, UpdateItem, DeleteItem or ConditionCheckItem.
	"dynamodb:TransactWriteItems": "a change's opening with its lock, its ending with the release, golive unlock (ledger.BreakLock): checked item by item",
	// The on-call command (cmd/golive) reads the ledger with the operator's
	// credentials; the provider never calls this (checked below).
	"dynamodb:Scan": "golive report (ledger.Environments), listing an application's environments",
}

// operatorOnly are ledger functions only the golive command calls.
var operatorOnly = []string{".BreakLock(", ".Environments("}

// sdkServices maps aws-sdk-go-v2 service packages to IAM service prefixes.
var sdkServices = map[string]string{
	"cloudwatch": "cloudwatch", "dynamodb": "dynamodb", "ecs": "ecs", "elasticloadbalancingv2": "elasticloadbalancing",
	"lambda": "lambda", "route53": "route53", "sns": "sns", "ssm": "ssm", "sts": "sts", "iam": "iam", "ec2": "ec2",
	"eventbridge": "events",
}

type iamPolicy struct {
	Version   string
	Statement []struct {
		Sid      string
		Effect   string
		Action   stringOrList
		Resource stringOrList
	}
}

type stringOrList []string

func (s *stringOrList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = []string{one}
		return nil
	}
	var many []string
	err := json.Unmarshal(b, &many)
	*s = many
	return err
}

// loadPolicy returns the allowed actions of a policy file, each with the Sid
// of its statement.
func loadPolicy(t *testing.T, policyFile string) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(policyFile)
	if err != nil {
		t.Fatal(err)
	}
	var p iamPolicy
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatalf("%s: %v", policyFile, err)
	}
	if p.Version != "2012-10-17" {
		t.Fatalf("%s: Version %q, want 2012-10-17", policyFile, p.Version)
	}
	allowed := map[string]string{}
	for _, st := range p.Statement {
		if st.Effect != "Allow" || st.Sid == "" || len(st.Resource) == 0 {
			t.Fatalf("%s: statement %q must be an Allow with a Sid and a Resource", policyFile, st.Sid)
		}
		for _, a := range st.Action {
			if strings.Contains(a, "*") {
				t.Fatalf("%s: %s in %s: name actions one by one, no wildcards", policyFile, a, st.Sid)
			}
			if prev, dup := allowed[a]; dup {
				t.Fatalf("%s: %s is in both %s and %s", policyFile, a, prev, st.Sid)
			}
			allowed[a] = st.Sid
		}
	}
	return allowed
}

// sourceActions scans the provider's Go code (internal/, without tests, the
// emulator and the demo) for the request types of AWS SDK operations, e.g.
// &ssm.PutParameterInput{}, and returns the actions with the files that
// use each.
func sourceActions(t *testing.T) map[string][]string {
	t.Helper()
	found := map[string][]string{}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "emulator" || d.Name() == "demo") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		imports := map[string]string{} // local name → IAM prefix
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			svc, ok := strings.CutPrefix(p, "github.com/aws/aws-sdk-go-v2/service/")
			if !ok || sdkServices[svc] == "" {
				continue
			}
			name := svc
			if im.Name != nil {
				name = im.Name.Name
			}
			imports[name] = sdkServices[svc]
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			pkg, ok := sel.X.(*ast.Ident)
			if !ok || imports[pkg.Name] == "" {
				return true
			}
			if op, ok := strings.CutSuffix(sel.Sel.Name, "Input"); ok && op != "" {
				action, file := imports[pkg.Name]+":"+op, filepath.ToSlash(path)
				if !slices.Contains(found[action], file) {
					found[action] = append(found[action], file)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// TestIAMPolicy_coversSourceCalls compares the policies with the operations
// the provider's code can call, per client: the ledger's calls (internal/ledger)
// must be granted by the ledger policy, every other call by the workload
// policy (or be listed in notThisPolicy); and neither policy may grant
// anything else but the permission-only actions those calls need.
func TestIAMPolicy_coversSourceCalls(t *testing.T) {
	policies := map[string]map[string]string{workloadPolicyFile: loadPolicy(t, workloadPolicyFile), ledgerPolicyFile: loadPolicy(t, ledgerPolicyFile)}
	src := sourceActions(t)
	// ledger.CreateTable (and its waiter's DescribeTable) set up tests and
	// the demo; modules/ledger creates the table for users. The provider
	// must not call it.
	for _, a := range []string{"dynamodb:CreateTable", "dynamodb:DescribeTable"} {
		if len(src[a]) != 1 || src[a][0] != "../ledger/ledger.go" {
			t.Errorf("%s is used in %q; expected only ledger.CreateTable: review the policy", a, src[a])
		}
		delete(src, a)
	}
	if uses := grepProvider(t, "CreateTable("); len(uses) > 0 {
		t.Errorf("the provider calls CreateTable (%v): grant dynamodb:CreateTable in the policy", uses)
	}
	for _, fn := range operatorOnly {
		if uses := grepProvider(t, fn); len(uses) > 0 {
			t.Errorf("the provider calls %s (%v), which needs an action the policy does not grant: review notThisPolicy", fn, uses)
		}
	}
	if len(src) < 30 {
		t.Fatalf("the source scan found only %d actions: %v", len(src), slices.Sorted(maps.Keys(src)))
	}
	called := map[string]map[string]bool{workloadPolicyFile: {}, ledgerPolicyFile: {}}
	for a, files := range src {
		for _, file := range files {
			policy := workloadPolicyFile
			if strings.HasPrefix(file, ledgerSource) {
				policy = ledgerPolicyFile
			}
			called[policy][a] = true
			if _, ok := policies[policy][a]; !ok && notThisPolicy[a] == "" {
				t.Errorf("%s (called in %s) is not in %s", a, file, policy)
			}
		}
	}
	for policy, allowed := range policies {
		for a, sid := range allowed {
			if !called[policy][a] && permissionOnly[a] == "" && (policy != ledgerPolicyFile || ledgerPermissionOnly[a] == "") {
				t.Errorf("%s (statement %s of %s) is granted but no code of that client calls it: remove it, or list in permissionOnly the call that needs it", a, sid, policy)
			}
		}
	}
	for a := range permissionOnly {
		if _, ok := policies[workloadPolicyFile][a]; !ok {
			t.Errorf("%s is needed by %s but not granted by %s", a, permissionOnly[a], workloadPolicyFile)
		}
	}
	for a := range ledgerPermissionOnly {
		if _, ok := policies[ledgerPolicyFile][a]; !ok {
			t.Errorf("%s is needed by %s but not granted by %s", a, ledgerPermissionOnly[a], ledgerPolicyFile)
		}
	}
	t.Logf("%d actions granted to the workload, %d to the ledger; the code calls %d operations",
		len(policies[workloadPolicyFile]), len(policies[ledgerPolicyFile]), len(src))
}

// grepProvider lists the non-test files of this package containing s.
func grepProvider(t *testing.T, s string) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), s) {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}

// TestIAMPolicy_ledgerModuleRole checks that the role modules/ledger
// creates for other accounts may call exactly what the ledger policy
// grants.
func TestIAMPolicy_ledgerModuleRole(t *testing.T) {
	const roleFile = "../../modules/ledger/role.tf"
	raw, err := os.ReadFile(roleFile)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*ledger_actions\s*=\s*\[([^\]]*)\]`).FindSubmatch(raw)
	if m == nil {
		t.Fatalf("%s: no ledger_actions list", roleFile)
	}
	var module []string
	for _, q := range regexp.MustCompile(`"([^"]+)"`).FindAllSubmatch(m[1], -1) {
		module = append(module, string(q[1]))
	}
	slices.Sort(module)
	policy := slices.Sorted(maps.Keys(loadPolicy(t, ledgerPolicyFile)))
	if !slices.Equal(module, policy) {
		t.Errorf("the ledger role of %s may call %v, but %s grants %v", roleFile, module, ledgerPolicyFile, policy)
	}
}
