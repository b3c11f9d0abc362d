package oncall

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/rollout"
)

// WriteStatus renders st for a terminal: slots, live weights and locks.
func WriteStatus(w io.Writer, st *Status) error {
	ew := &errWriter{w: w}
	head := st.Environment
	if st.Tier != "" {
		head += " (" + st.Tier
		if st.PromotesFrom != "" {
			head += ", promotes from " + st.PromotesFrom
		}
		head += ")"
	}
	ew.printf("%s, read %s\n\n", head, stamp(st.ReadAt))
	if len(st.Services) == 0 {
		ew.printf("No services deployed yet.\n")
		return ew.err
	}
	tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVICE\tSLOT\tVERSION\tSTATUS\tTRAFFIC\tDEPLOYED")
	for _, svc := range st.Services {
		name := svc.Service
		if len(svc.Slots) == 0 {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\n", name)
		}
		for _, sl := range svc.Slots {
			slot := sl.Slot
			if sl.Live {
				slot += " *"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", name, slot, sl.Version, sl.Status, percent(sl.Traffic), stamp(sl.DeployedAt))
			name = ""
		}
	}
	_ = tw.Flush()
	ew.printf("(* live slot; TRAFFIC is read from the router now)\n")
	writeRouters(ew, st)
	writeLocks(ew, st)
	return ew.err
}

func writeRouters(ew *errWriter, st *Status) {
	var lines []string
	for _, svc := range st.Services {
		r := svc.Router
		if r == nil {
			continue
		}
		line := fmt.Sprintf("  %s\t%s\t", svc.Service, r.Object)
		switch {
		case r.Error != "":
			line += "unreadable: " + r.Error
		default:
			line += rollout.Weights(r.Weights).String()
			if !sameWeights(r.Weights, r.Declared) {
				line += "   (declared by the last apply: " + rollout.Weights(r.Declared).String() + ")"
			}
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return
	}
	ew.printf("\nLIVE WEIGHTS\n")
	tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', 0)
	for _, l := range lines {
		fmt.Fprintln(tw, l)
	}
	_ = tw.Flush()
}

func writeLocks(ew *errWriter, st *Status) {
	ew.printf("\nLOCKS\n")
	held := false
	for _, svc := range st.Services {
		lk := svc.Lock
		if lk == nil {
			continue
		}
		held = true
		lease := "lease expired at " + stamp(lk.Expires) + " (holder gone: `golive unlock` may release it)"
		if lk.Live {
			lease = fmt.Sprintf("lease until %s (%s left; holder may be at work)", stamp(lk.Expires), lk.Expires.Sub(st.ReadAt).Round(time.Second))
		}
		ew.printf("  %s/%s held by %s\n    doing: %s\n    since %s, %s\n", st.Environment, svc.Service, lk.Holder, lk.Operation, stamp(lk.Since), lease)
	}
	if !held {
		ew.printf("  none\n")
	}
}

func sameWeights(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

func percent(p *int) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprintf("%d%%", *p)
}

// stamp is a time as the command prints it: UTC, to the second.
func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

// errWriter keeps the first write error, so renderers write freely and
// report it once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }
