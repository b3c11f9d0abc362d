package oncall

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// HistoryQuery selects the events `golive history` shows.
type HistoryQuery struct {
	Environment string
	Service     string
	Since       time.Duration // 0: no lower bound
	Limit       int           // 0: every event (within Since)
}

// History is events of one environment, newest first.
type History struct {
	Environment string     `json:"environment"`
	Service     string     `json:"service,omitempty"`
	Since       *time.Time `json:"since,omitempty"`
	Events      []Event    `json:"events"`
	// More says whether older events were left out by the limit.
	More bool `json:"more"`
}

// Event is a ledger event with the fields, names and types of golive's
// notifications (golive.event/v1, without the schema field).
type Event struct {
	ID          string    `json:"id"`
	Environment string    `json:"environment"`
	Service     string    `json:"service,omitempty"`
	Kind        string    `json:"kind"`
	Version     string    `json:"version,omitempty"`
	Outcome     string    `json:"outcome,omitempty"`
	Actor       string    `json:"actor"`
	At          time.Time `json:"at"`
	Reason      string    `json:"reason,omitempty"`
	Detail      string    `json:"detail,omitempty"`
}

func eventOf(e ledger.Event) Event {
	return Event{ID: e.ID, Environment: e.Environment, Service: e.Service, Kind: e.Kind, Version: e.Version,
		Outcome: e.Outcome, Actor: e.Actor, At: e.At.UTC(), Reason: e.Reason, Detail: e.Detail}
}

// historyPage is how many events one ledger Query asks for.
const historyPage = 200

// ReadHistory reads the events q selects, page by page.
func ReadHistory(ctx context.Context, s *Session, q HistoryQuery) (*History, error) {
	if _, err := s.Ledger.GetEnvironment(ctx, q.Environment); err != nil {
		return nil, err
	}
	h := &History{Environment: q.Environment, Service: q.Service, Events: []Event{}}
	eq := ledger.EventQuery{Environment: q.Environment, Service: q.Service, Limit: historyPage}
	if q.Since > 0 {
		since := s.Now().Add(-q.Since).UTC()
		h.Since, eq.Since = &since, since
	}
	for {
		if q.Limit > 0 && q.Limit-len(h.Events) < historyPage {
			eq.Limit = int32(q.Limit - len(h.Events))
		}
		page, next, err := s.Ledger.Events(ctx, eq)
		if err != nil {
			return nil, err
		}
		for _, e := range page {
			h.Events = append(h.Events, eventOf(e))
		}
		if next == "" {
			return h, nil
		}
		if q.Limit > 0 && len(h.Events) >= q.Limit {
			h.More = true
			return h, nil
		}
		eq.After = next
	}
}

// WriteHistory renders h as a table, newest first.
func WriteHistory(w io.Writer, h *History) error {
	ew := &errWriter{w: w}
	scope := h.Environment
	if h.Service != "" {
		scope += "/" + h.Service
	}
	if h.Since != nil {
		scope += " since " + stamp(*h.Since)
	}
	if len(h.Events) == 0 {
		ew.printf("No events for %s.\n", scope)
		return ew.err
	}
	ew.printf("Events of %s, newest first\n\n", scope)
	tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "AT\tSERVICE\tKIND\tVERSION\tOUTCOME\tACTOR\tDETAIL")
	for _, e := range h.Events {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", stamp(e.At), dash(e.Service), e.Kind, dash(e.Version), dash(e.Outcome), shortActor(e.Actor), dash(eventText(e)))
	}
	_ = tw.Flush()
	if h.More {
		ew.printf("\n(older events left out: raise --limit, or 0 for all)\n")
	}
	return ew.err
}

// eventText is an event's reason and detail on one line.
func eventText(e Event) string {
	var parts []string
	if e.Detail != "" {
		parts = append(parts, e.Detail)
	}
	if e.Reason != "" {
		parts = append(parts, "reason: "+e.Reason)
	}
	return strings.ReplaceAll(strings.Join(parts, "; "), "\n", " ")
}

// shortActor keeps the role and session of an assumed-role ARN, the part
// that says who: arn:aws:sts::1234:assumed-role/ci/run-42 → ci/run-42.
func shortActor(arn string) string {
	if i := strings.Index(arn, ":assumed-role/"); i >= 0 {
		return arn[i+len(":assumed-role/"):]
	}
	if i := strings.LastIndex(arn, ":"); i >= 0 && strings.HasPrefix(arn, "arn:") {
		return arn[i+1:]
	}
	return dash(arn)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
