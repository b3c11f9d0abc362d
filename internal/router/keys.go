package router

import (
	"sort"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

// keyed turns weights by raw target into weights by destination name;
// targets no destination declares keep their raw key. Destinations without
// live weight are present with 0.
func keyed(raw map[string]int, dests []rollout.Destination) rollout.Weights {
	w := rollout.Weights{}
	byTarget := map[string]string{}
	for _, d := range dests {
		byTarget[d.Target] = d.Name
		w[d.Name] = 0
	}
	for target, v := range raw {
		if name, ok := byTarget[target]; ok {
			w[name] += v
		} else {
			w[target] += v
		}
	}
	return w
}

// normalise scales relative weights (ALB and Route 53 weights need not sum
// to 100) to whole percentages summing to 100, remainders to the largest
// fractions; all-zero stays zero.
func normalise(w rollout.Weights) rollout.Weights {
	total := 0
	for _, v := range w {
		total += v
	}
	if total == 0 || total == 100 {
		return w
	}
	type part struct {
		key  string
		frac int
	}
	out := rollout.Weights{}
	var parts []part
	sum := 0
	for k, v := range w {
		out[k] = v * 100 / total
		sum += out[k]
		parts = append(parts, part{k, v * 100 % total})
	}
	sort.Slice(parts, func(i, j int) bool {
		if parts[i].frac != parts[j].frac {
			return parts[i].frac > parts[j].frac
		}
		return parts[i].key < parts[j].key
	})
	for i := 0; sum < 100; i++ {
		out[parts[i%len(parts)].key]++
		sum++
	}
	return out
}

// extraKeys are keys of w that are not destination names, sorted.
func extraKeys(w rollout.Weights, dests []rollout.Destination) []string {
	names := map[string]bool{}
	for _, d := range dests {
		names[d.Name] = true
	}
	var extra []string
	for k := range w {
		if !names[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	return extra
}
