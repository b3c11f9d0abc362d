package verify_test

import (
	"math"
	"testing"

	"github.com/golive-dev/terraform-provider-golive/internal/verify"
)

// The reference values come from R (wilcox.test, alternative = "greater")
// and SciPy 1.10 (scipy.stats.mannwhitneyu, alternative="greater", exact
// or asymptotic with continuity correction), which agree on them.
func TestMannWhitneyGreater_knownValues(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		x, y  []float64
		u, p  float64
		exact bool
	}{
		{
			// R's ?wilcox.test example (Hollander & Wolfe): W = 35, p = 0.1272.
			name: "R documentation example, exact",
			x:    []float64{0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46},
			y:    []float64{1.15, 0.88, 0.90, 0.74, 1.21},
			u:    35, p: 0.1272061272061272, exact: true,
		},
		{
			name: "clearly greater, exact",
			x:    []float64{1.2, 3.4, 2.2, 5.1, 4.4, 6.0},
			y:    []float64{0.5, 1.1, 0.9, 2.0, 1.5, 0.7},
			u:    34, p: 0.004329004329004329, exact: true,
		},
		{
			name: "30 against 25, exact",
			x: []float64{10.691, 11.643, 10.661, 7.394, 11.811, 10.893, 8.926, 11.162, 10.729, 10.588, 10.057, 11.093, 8.527, 9.674, 9.036,
				11.198, 10.079, 9.415, 8.436, 9.486, 10.016, 9.449, 12.588, 12.013, 4.578, 6.222, 9.65, 9.156, 10.427, 10.435},
			y: []float64{13.236, 6.776, 8.245, 13.086, 10.293, 10.326, 7.972, 5.704, 9.335, 9.218, 6.545, 7.634, 8.856, 7.11, 8.803,
				9.191, 9.071, 7.987, 10.187, 10.782, 9.642, 7.364, 10.463, 7.997, 10.758},
			u: 504, p: 0.014519269603409485, exact: true,
		},
		{
			name: "ties, normal approximation",
			x:    []float64{3, 5, 4, 6, 3, 7, 5},
			y:    []float64{1, 2, 2, 3, 1, 0, 2},
			u:    48, p: 0.0014809274660733365,
		},
		{
			name: "mostly zeros, normal approximation",
			x:    []float64{0, 0, 1, 0, 2, 0, 0, 3},
			y:    []float64{0, 0, 0, 0, 1, 0, 0, 0},
			u:    41, p: 0.12015139660238217,
		},
		{
			name: "every value tied: no difference",
			x:    []float64{0, 0, 0, 0, 0},
			y:    []float64{0, 0, 0, 0, 0},
			u:    12.5, p: 1,
		},
	}
	// 60 against 55 distinct values: too many for the exact distribution.
	// SciPy: x = [(i*37 % 101) + 0.5 for i in range(60)], y = [i*53 % 97
	// for i in range(55)].
	large := struct{ x, y []float64 }{}
	for i := range 60 {
		large.x = append(large.x, float64(i*37%101)+0.5)
	}
	for i := range 55 {
		large.y = append(large.y, float64(i*53%97))
	}
	cases = append(cases, struct {
		name  string
		x, y  []float64
		u, p  float64
		exact bool
	}{name: "60 against 55, normal approximation", x: large.x, y: large.y, u: 1767, p: 0.257111964794001})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := verify.MannWhitneyGreater(c.x, c.y)
			if r.U != c.u || r.Exact != c.exact || math.Abs(r.P-c.p) > 1e-12 {
				t.Fatalf("got U=%v p=%.17g exact=%v, want U=%v p=%.17g exact=%v", r.U, r.P, r.Exact, c.u, c.p, c.exact)
			}
		})
	}
}

// The exact p-value agrees with counting every way of splitting the
// combined ranks between the two samples.
func TestMannWhitneyGreater_exactMatchesEnumeration(t *testing.T) {
	t.Parallel()
	for m := 1; m <= 6; m++ {
		for n := 1; n <= 6; n++ {
			// A fixed shuffle of the ranks 1..m+n: x takes the first m.
			N := m + n
			ranks := make([]float64, N)
			for i := range ranks {
				ranks[i] = float64(i + 1)
			}
			seed := uint32(m*31 + n)
			for i := N - 1; i > 0; i-- {
				seed = seed*1664525 + 1013904223
				j := int(seed>>16) % (i + 1)
				ranks[i], ranks[j] = ranks[j], ranks[i]
			}
			x, y := ranks[:m], ranks[m:]
			r := verify.MannWhitneyGreater(x, y)
			want := enumerateTail(m, n, rankSum(x, y))
			if !r.Exact || math.Abs(r.P-want) > 1e-12 {
				t.Fatalf("m=%d n=%d: p=%v exact=%v, enumeration %v", m, n, r.P, r.Exact, want)
			}
		}
	}
}

// rankSum is the rank sum of x among x ∪ y, which here hold distinct
// whole numbers 1..m+n.
func rankSum(x, _ []float64) int {
	s := 0
	for _, v := range x {
		s += int(v)
	}
	return s
}

// enumerateTail counts m-subsets of 1..m+n with a sum of at least s.
func enumerateTail(m, n, s int) float64 {
	N := m + n
	var tail, total float64
	for mask := 0; mask < 1<<N; mask++ {
		count, sum := 0, 0
		for b := 0; b < N; b++ {
			if mask&(1<<b) != 0 {
				count++
				sum += b + 1
			}
		}
		if count != m {
			continue
		}
		total++
		if sum >= s {
			tail++
		}
	}
	return tail / total
}
