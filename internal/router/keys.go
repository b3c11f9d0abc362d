package router

import (
	"fmt"
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
		if _, dup := byTarget[d.Target]; !dup {
			byTarget[d.Target] = d.Name
		}
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

// checkPercents rejects weights outside 0-100 before anything is sent.
func checkPercents(w rollout.Weights) error {
	for _, k := range extraKeys(w, nil) {
		if w[k] < 0 || w[k] > 100 {
			return fmt.Errorf("weight of %q is %d; weights are percentages from 0 to 100", k, w[k])
		}
	}
	return nil
}

// targetWeight is the weight to set on one raw target (a target group ARN
// or a Lambda version).
type targetWeight struct {
	target   string
	weight   int
	declared bool // some destination routes to target
}

// byTarget resolves w to raw targets: every destination in declared order
// (weight 0 when absent from w), then the keys of w that name no
// destination, sorted, as raw targets. A raw key that is a destination's
// target, or two destinations sharing a target, add up on one entry.
func byTarget(w rollout.Weights, dests []rollout.Destination) []targetWeight {
	var out []targetWeight
	at := map[string]int{}
	add := func(target string, weight int, declared bool) {
		if i, ok := at[target]; ok {
			out[i].weight += weight
			out[i].declared = out[i].declared || declared
			return
		}
		at[target] = len(out)
		out = append(out, targetWeight{target: target, weight: weight, declared: declared})
	}
	for _, d := range dests {
		add(d.Target, w[d.Name], true)
	}
	for _, k := range extraKeys(w, dests) {
		add(k, w[k], false)
	}
	return out
}
