package verify

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

// FieldError is a problem with one attribute of a metric gate. Path leads
// to it from the metric block: attribute and block names (string) and list
// indexes (int), e.g. ["query", 1, "id"].
type FieldError struct {
	Path    []any
	Message string
}

func (e FieldError) Error() string { return PathString(e.Path) + ": " + e.Message }

// PathString is "query[1].id" for ["query", 1, "id"].
func PathString(path []any) string {
	var b strings.Builder
	for _, p := range path {
		switch p := p.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", p)
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			fmt.Fprint(&b, p)
		}
	}
	return b.String()
}

// FieldErrors joins field errors into one error.
type FieldErrors []FieldError

func (e FieldErrors) Error() string {
	parts := make([]string, len(e))
	for i, f := range e {
		parts[i] = f.Error()
	}
	return strings.Join(parts, "; ")
}

var (
	// queryIDPattern is CloudWatch's rule for MetricDataQuery ids, which
	// also makes them names in the expression.
	queryIDPattern = regexp.MustCompile(`^[a-z][a-zA-Z0-9_]*$`)
	basicStats     = []string{"SampleCount", "Average", "Sum", "Minimum", "Maximum"}
	// extendedStat matches CloudWatch's extended statistics: percentiles
	// (p99, p99.9), trimmed/winsorized means, trimmed counts and sums in
	// short (tm90) or range (TM(10%:90%)) form, PR(...) and IQM.
	extendedStat = regexp.MustCompile(`^((p|tm|wm|tc|ts)(\d{1,2}(\.\d{1,10})?|100)|(TM|WM|TC|TS|PR)\([^()]*\)|IQM)$`)
)

// maxValueNodes bounds the size of a value expression.
const maxValueNodes = 500

// maxQueries is the most MetricDataQuery structures one GetMetricData call
// takes; a check reads every query of both sides in one call.
const maxQueries = 500

// Validate checks the spec without calling AWS; every error names the
// attribute. Durations are checked as CloudWatch needs them: whole minutes.
func (s MetricSpec) Validate() []FieldError {
	var errs []FieldError
	add := func(msg string, path ...any) { errs = append(errs, FieldError{Path: path, Message: msg}) }
	if strings.TrimSpace(s.Name) == "" {
		add("must not be empty: it names the gate in errors and the ledger", "name")
	}
	errs = append(errs, validateQueries(s.Queries)...)
	reads := len(s.Queries)
	if s.Baseline != nil {
		reads *= 2 // each query for the canary and the baseline
	}
	if reads > maxQueries {
		add(fmt.Sprintf("%d queries to read (a baseline reads each twice), more than the %d one GetMetricData call takes", reads, maxQueries), "query")
	}
	if strings.TrimSpace(s.Value) == "" {
		add("must not be empty: write an expression over the query ids, e.g. \"100 * errors / requests\"", "value")
	} else if _, err := compileValue(s.Value, s.Queries); err != nil {
		add(err.Error(), "value")
	}
	switch {
	case s.Period < time.Minute || s.Period%time.Minute != 0:
		add(fmt.Sprintf("must be a whole number of minutes (60s, 1m, 5m, ...), got %s: golive reads standard-resolution metrics", s.Period), "period")
	case s.Window < s.Period:
		add(fmt.Sprintf("%s is shorter than period %s: a check must read at least one period", s.Window, s.Period), "window")
	case s.Window%s.Period != 0:
		add(fmt.Sprintf("%s is not a whole number of periods of %s", s.Window, s.Period), "window")
	}
	if s.Min != nil && s.Max != nil && *s.Min > *s.Max {
		add(fmt.Sprintf("%s is greater than max %s: no value could pass", num(*s.Min), num(*s.Max)), "min")
	}
	if s.Min == nil && s.Max == nil && s.Baseline == nil {
		add("set min, max or a baseline block: without them the gate judges nothing", "max")
	}
	if s.NoData != "" && !slices.Contains(NoDataValues, string(s.NoData)) {
		add(fmt.Sprintf("%q is not one of %s", s.NoData, strings.Join(NoDataValues, ", ")), "no_data")
	}
	if s.Baseline != nil {
		errs = append(errs, s.validateBaseline()...)
	}
	return errs
}

func validateQueries(queries []MetricQuery) []FieldError {
	var errs []FieldError
	add := func(msg string, path ...any) { errs = append(errs, FieldError{Path: path, Message: msg}) }
	if len(queries) == 0 {
		add("at least one query block is needed: the value is computed from the queries", "query")
	}
	seen := map[string]bool{}
	for i, q := range queries {
		switch {
		case !queryIDPattern.MatchString(q.ID):
			add(fmt.Sprintf("%q must start with a lower-case letter and hold only letters, digits and _ (CloudWatch's rule for query ids)", q.ID), "query", i, "id")
		case reservedName(q.ID):
			add(fmt.Sprintf("%q is a word of the expression language; choose another id", q.ID), "query", i, "id")
		case seen[q.ID]:
			add(fmt.Sprintf("%q is the id of an earlier query; ids must be unique", q.ID), "query", i, "id")
		}
		seen[q.ID] = true
		if strings.TrimSpace(q.Namespace) == "" {
			add("must not be empty, e.g. \"AWS/ApplicationELB\"", "query", i, "namespace")
		}
		if strings.TrimSpace(q.MetricName) == "" {
			add("must not be empty, e.g. \"RequestCount\"", "query", i, "metric_name")
		}
		if !slices.Contains(basicStats, q.Stat) && !extendedStat.MatchString(q.Stat) {
			add(fmt.Sprintf("%q is not a CloudWatch statistic: use one of %s, or a percentile such as p99", q.Stat, strings.Join(basicStats, ", ")), "query", i, "stat")
		}
		errs = append(errs, validateDimensions(q.Dimensions, "query", i, "dimensions")...)
	}
	return errs
}

// maxDimensions is CloudWatch's limit of dimensions per metric.
const maxDimensions = 30

func validateDimensions(dims map[string]string, path ...any) []FieldError {
	var errs []FieldError
	if len(dims) > maxDimensions {
		errs = append(errs, FieldError{Path: path, Message: fmt.Sprintf("has %d dimensions; CloudWatch allows %d", len(dims), maxDimensions)})
	}
	for _, k := range slices.Sorted(maps.Keys(dims)) {
		if strings.TrimSpace(k) == "" || dims[k] == "" {
			errs = append(errs, FieldError{Path: path, Message: fmt.Sprintf("dimension %q: names and values must not be empty", k)})
		}
	}
	return errs
}

func (s MetricSpec) validateBaseline() []FieldError {
	var errs []FieldError
	add := func(msg string, path ...any) { errs = append(errs, FieldError{Path: path, Message: msg}) }
	b := s.Baseline
	if len(b.Dimensions) == 0 {
		add("must name the dimensions that select the baseline, e.g. { TargetGroup = \"targetgroup/blue/...\" }", "baseline", "dimensions")
	} else {
		errs = append(errs, validateDimensions(b.Dimensions, "baseline", "dimensions")...)
		same := true
		for _, q := range s.Queries {
			same = same && maps.Equal(q.Dimensions, withDimensions(q.Dimensions, b.Dimensions))
		}
		if same && len(s.Queries) > 0 {
			add("select the same metrics as the queries: the baseline would be compared with itself", "baseline", "dimensions")
		}
	}
	switch {
	case b.MaxRatio < 0 || math.IsNaN(b.MaxRatio) || math.IsInf(b.MaxRatio, 0):
		add(fmt.Sprintf("must be a positive number, got %s", num(b.MaxRatio)), "baseline", "max_ratio")
	case b.MaxRatio == 0 && b.MannWhitney == nil:
		add("set max_ratio, a mann_whitney block or both: without them the baseline judges nothing", "baseline", "max_ratio")
	}
	if mw := b.MannWhitney; mw != nil {
		errs = append(errs, mw.validate(s.Period, s.Window)...)
	}
	return errs
}

func (mw *MannWhitney) validate(period, window time.Duration) []FieldError {
	var errs []FieldError
	add := func(msg string, path ...any) {
		errs = append(errs, FieldError{Path: append([]any{"baseline", "mann_whitney"}, path...), Message: msg})
	}
	if !(mw.Confidence > 0.5 && mw.Confidence < 1) {
		add(fmt.Sprintf("must be between 0.5 and 1 (exclusive), e.g. 0.95; got %s", num(mw.Confidence)), "confidence")
		return errs
	}
	n := mw.MinSamples
	if n == 0 {
		n = DefaultMinSamples
	}
	// The smallest one-sided p-value of n against n values, 1/C(2n, n),
	// must be able to fall below 1 - confidence.
	if smallest := 1 / binomial(2*n, n); n < 2 || smallest >= mw.alpha() {
		add(fmt.Sprintf("%d values a side can never reach %s confidence (the smallest p-value is %s); raise min_samples", n, num(mw.Confidence), num(smallest)), "min_samples")
	} else if period >= time.Minute && period%time.Minute == 0 && window >= period && window%period == 0 && window/period-1 < time.Duration(n) {
		// The last period of a window is the one in progress, which the
		// test leaves out.
		errs = append(errs, FieldError{Path: []any{"window"}, Message: fmt.Sprintf(
			"%s holds %d complete periods of %s (the last is in progress and not tested), fewer than baseline.mann_whitney.min_samples = %d: "+
				"the test could never run; make window at least %s, or a period or two more, as CloudWatch publishes a period a minute or more after it ends",
			window, window/period-1, period, n, rollout.ShortDuration(time.Duration(n+1)*period))})
	}
	return errs
}

func binomial(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}

// reservedName says whether id is a keyword or builtin of the expression
// language, which an id must not shadow.
func reservedName(id string) bool {
	if _, ok := builtin.Index[id]; ok {
		return true
	}
	tree, err := parser.Parse(id)
	if err != nil {
		return true
	}
	n, ok := tree.Node.(*ast.IdentifierNode)
	return !ok || n.Value != id
}

// compileValue parses and type-checks the value expression over the query
// ids: it must use only declared ids and yield a number.
func compileValue(value string, queries []MetricQuery) (*vm.Program, error) {
	ids := make([]string, 0, len(queries))
	env := make(map[string]float64, len(queries))
	for _, q := range queries {
		ids = append(ids, q.ID)
		env[q.ID] = 0
	}
	tree, err := parser.Parse(value)
	if err != nil {
		return nil, fmt.Errorf("%q is not a valid expression: %s", value, firstLine(err))
	}
	if unknown := unknownNames(tree.Node, env); len(unknown) > 0 {
		return nil, fmt.Errorf("%q refers to %s, which no query declares (query ids: %s)", value,
			quoteList(unknown), strings.Join(ids, ", "))
	}
	program, err := expr.Compile(value, expr.Env(env), expr.AsFloat64(), expr.MaxNodes(maxValueNodes))
	if err != nil {
		return nil, fmt.Errorf("%q is not a numeric expression over the query ids: %s", value, firstLine(err))
	}
	return program, nil
}

// unknownNames lists the names used in the expression, other than called
// functions, that are not in env.
func unknownNames(node ast.Node, env map[string]float64) []string {
	c := &nameCollector{callees: map[ast.Node]bool{}}
	ast.Walk(&node, c)
	var unknown []string
	for _, n := range c.names {
		if _, ok := env[n.Value]; !ok && !c.callees[n] && !slices.Contains(unknown, n.Value) {
			unknown = append(unknown, n.Value)
		}
	}
	return unknown
}

type nameCollector struct {
	names   []*ast.IdentifierNode
	callees map[ast.Node]bool
}

func (c *nameCollector) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		c.names = append(c.names, n)
	case *ast.CallNode:
		c.callees[n.Callee] = true
	}
}

func evalValue(program *vm.Program, env map[string]float64) (float64, error) {
	out, err := expr.Run(program, env)
	if err != nil {
		return 0, errors.New(firstLine(err))
	}
	x, ok := out.(float64)
	if !ok {
		return 0, fmt.Errorf("the expression gave %T, not a number", out)
	}
	return x, nil
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// withDimensions is dims with over's entries replacing or adding to them.
func withDimensions(dims, over map[string]string) map[string]string {
	out := maps.Clone(dims)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, over)
	return out
}
