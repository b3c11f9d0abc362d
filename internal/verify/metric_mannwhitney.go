package verify

// The Mann-Whitney U test (Wilcoxon rank-sum) compares two samples without
// assuming a distribution: it asks whether a value drawn from one tends to
// be greater than a value drawn from the other. golive uses it one-sided,
// on the per-period values of a metric gate: "are the canary's values
// higher than the baseline's?".
//
// What it needs to mean something:
//   - Enough values on each side: with n against n values the smallest
//     possible p-value is 1/C(2n, n) (1/70 for 4, 1/252 for 5), so a test at
//     95% confidence needs 4 a side and at 99% needs 5; more give it power
//     to see smaller differences. MannWhitney.MinSamples sets the floor.
//   - Independent values: the test assumes them, and successive periods of
//     a time series are correlated (a slow minute follows a slow minute), so
//     p is optimistic. Longer periods make values more independent; treat
//     the confidence as a threshold, not a probability.
//   - The two sides measured alike: the same window, comparable traffic. A
//     canary at 10% against a baseline at 90% is fine for rates and
//     latencies, not for counts (compare error rates, not error counts).
//   - Ties: discrete values (0 errors in most minutes) tie often. Ties get
//     mid-ranks and the normal approximation's variance is corrected for
//     them; when every value is tied the test finds no difference (p = 1).
//
// p is exact (from the distribution of the rank sum) when both sides have
// fewer than 50 values and nothing ties, as R's wilcox.test does; otherwise
// the normal approximation with tie and continuity corrections is used, as
// in R and SciPy.

import (
	"math"
	"sort"
)

// MannWhitneyResult is the outcome of a one-sided test.
type MannWhitneyResult struct {
	// U is the statistic of the first sample: the number of pairs (x, y)
	// with x > y, ties counting one half.
	U float64
	// P is the probability of a U at least this large if neither sample
	// tends to be greater than the other.
	P float64
	// Exact says whether P comes from the exact distribution rather than
	// the normal approximation.
	Exact bool
}

// exactLimit: samples smaller than this on both sides, without ties, get an
// exact p-value.
const exactLimit = 50

// MannWhitneyGreater tests whether x tends to be greater than y (the
// alternative hypothesis), one-sided. Both samples must be non-empty.
func MannWhitneyGreater(x, y []float64) MannWhitneyResult {
	m, n := len(x), len(y)
	ranks, tieTerm := midRanks(append(append([]float64{}, x...), y...))
	var rx float64
	for i := range m {
		rx += ranks[i]
	}
	u := rx - float64(m*(m+1))/2
	if tieTerm == 0 && m < exactLimit && n < exactLimit {
		return MannWhitneyResult{U: u, P: exactUpperTail(m, n, int(math.Round(rx))), Exact: true}
	}
	N := float64(m + n)
	variance := float64(m*n) / 12 * ((N + 1) - tieTerm/(N*(N-1)))
	if variance <= 0 {
		return MannWhitneyResult{U: u, P: 1}
	}
	z := (u - float64(m*n)/2 - 0.5) / math.Sqrt(variance)
	return MannWhitneyResult{U: u, P: 0.5 * math.Erfc(z/math.Sqrt2)}
}

// midRanks ranks values 1..N, ties sharing the mean of their ranks, and
// returns Σ(t³ - t) over groups of t tied values.
func midRanks(values []float64) (ranks []float64, tieTerm float64) {
	idx := make([]int, len(values))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return values[idx[a]] < values[idx[b]] })
	ranks = make([]float64, len(values))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && values[idx[j+1]] == values[idx[i]] {
			j++
		}
		mid := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			ranks[idx[k]] = mid
		}
		if t := float64(j - i + 1); t > 1 {
			tieTerm += t*t*t - t
		}
		i = j + 1
	}
	return ranks, tieTerm
}

// exactUpperTail is P(S ≥ s) for S the sum of the ranks of m values drawn
// at random from ranks 1..m+n: the number of m-subsets of {1..m+n} with sum
// at least s, over C(m+n, m). Counts are built by additions only.
func exactUpperTail(m, n, s int) float64 {
	N := m + n
	maxSum := m * (2*N - m + 1) / 2
	// ways[j][t]: subsets of j of the ranks seen so far with sum t.
	ways := make([][]float64, m+1)
	for j := range ways {
		ways[j] = make([]float64, maxSum+1)
	}
	ways[0][0] = 1
	for k := 1; k <= N; k++ {
		for j := min(k, m); j >= 1; j-- {
			for t := maxSum; t >= k; t-- {
				ways[j][t] += ways[j-1][t-k]
			}
		}
	}
	var tail, total float64
	for t, w := range ways[m] {
		total += w
		if t >= s {
			tail += w
		}
	}
	return tail / total
}
