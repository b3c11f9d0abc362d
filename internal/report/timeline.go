package report

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// Timeline is one environment's events on a time axis, one lane per
// service (and one for the environment's own changes).
type Timeline struct {
	Width, Height float64
	Left, Right   float64
	Lanes         []Lane
	Spans         []Span
	Markers       []Marker
	XTicks        []Tick
}

// Lane is a horizontal track.
type Lane struct {
	Name string
	Y    float64
}

// Span is a change in progress: from its start to its end (or the last
// event of the report, when it has not ended).
type Span struct {
	X, Y, W float64
	Class   string // deployment | cutover
	Title   string
}

// Marker is one event. Shape is circle (drawn at X, Y with radius R) or a
// polygon with the given points.
type Marker struct {
	X, Y, R float64
	Shape   string // circle | polygon
	Points  string
	Class   string // ok | fail | start | step | override | lock | env | other
	Kind    string
	Title   string
}

// Timeline geometry, in user units.
const (
	timelineWidth = 1000
	timelineLeft  = 120
	timelineRight = timelineWidth - 24
	laneHeight    = 42
	laneTop       = 14
	axisHeight    = 28
	// environmentLane holds events without a service.
	environmentLane = "(environment)"
)

// newTimeline lays out events (oldest first) on xs.
func newTimeline(events []ledger.Event, xs timeScale) Timeline {
	xs.x0, xs.x1 = timelineLeft, timelineRight
	lanes := laneNames(events)
	tl := Timeline{Width: timelineWidth, Left: timelineLeft, Right: timelineRight}
	laneY := map[string]float64{}
	for i, name := range lanes {
		y := laneTop + laneHeight*float64(i) + laneHeight/2
		laneY[name] = y
		tl.Lanes = append(tl.Lanes, Lane{Name: name, Y: y})
	}
	tl.Height = laneTop + laneHeight*float64(len(lanes)) + axisHeight
	tl.XTicks = xs.ticks(6)
	tl.Spans = spans(events, xs, laneY)
	stack := map[string]*laneStack{}
	for _, e := range events {
		lane := laneOf(e)
		if stack[lane] == nil {
			stack[lane] = &laneStack{}
		}
		x := xs.x(e.At)
		tl.Markers = append(tl.Markers, marker(e, x, laneY[lane]+stack[lane].offset(x)))
	}
	return tl
}

// Markers closer than markerGap to the previous one of their row move to a
// row above or below the lane's line, so a burst of events (a canary's
// steps within seconds) stays readable.
const markerGap = 11

var markerRows = []float64{0, -12, 12}

// laneStack remembers where each row of a lane last drew a marker.
type laneStack struct{ last [3]*float64 }

// offset is the vertical offset of a marker at x: the first row with room,
// or the lane's line when every row is crowded.
func (l *laneStack) offset(x float64) float64 {
	for i, prev := range l.last {
		if prev == nil || x-*prev >= markerGap {
			l.last[i] = &x
			return markerRows[i]
		}
	}
	l.last[0] = &x
	return 0
}

func laneOf(e ledger.Event) string {
	if e.Service == "" {
		return environmentLane
	}
	return e.Service
}

// laneNames are the services, sorted, then the environment lane if any
// event needs it.
func laneNames(events []ledger.Event) []string {
	set := map[string]bool{}
	env := false
	for _, e := range events {
		if e.Service == "" {
			env = true
		} else {
			set[e.Service] = true
		}
	}
	names := make([]string, 0, len(set)+1)
	for s := range set {
		names = append(names, s)
	}
	sort.Strings(names)
	if env {
		names = append(names, environmentLane)
	}
	return names
}

// spans pair each deployment and cutover start with the next end of the
// same service.
func spans(events []ledger.Event, xs timeScale, laneY map[string]float64) []Span {
	type open struct {
		at    time.Time
		title string
	}
	started := map[string]open{} // by class|service
	var out []Span
	add := func(class, service string, o open, end time.Time) {
		x0, x1 := xs.x(o.at), xs.x(end)
		out = append(out, Span{X: x0, Y: laneY[service], W: max(x1-x0, 2), Class: class, Title: o.title})
	}
	for _, e := range events {
		switch e.Kind {
		case ledger.KindDeploymentStarted, ledger.KindCutoverStarted:
			class := spanClass(e.Kind)
			started[class+"|"+e.Service] = open{at: e.At, title: fmt.Sprintf("%s of %s from %s", class, versioned(e), stampOf(e.At))}
		case ledger.KindDeploymentVerified, ledger.KindDeploymentFailed, ledger.KindCutoverCompleted, ledger.KindRolledBack:
			class := "deployment"
			if e.Kind == ledger.KindCutoverCompleted || (e.Kind == ledger.KindRolledBack && e.Outcome != ledger.OutcomePutBack && e.Outcome != ledger.OutcomePutBackFailed) {
				class = "cutover"
			}
			if o, ok := started[class+"|"+e.Service]; ok {
				o.title += " to " + stampOf(e.At) + ": " + strings.ReplaceAll(e.Outcome, "_", " ")
				add(class, e.Service, o, e.At)
				delete(started, class+"|"+e.Service)
			}
		}
	}
	if len(events) > 0 {
		last := events[len(events)-1].At
		for k, o := range started {
			class, service, _ := strings.Cut(k, "|")
			o.title += ", not ended"
			add(class, service, o, last)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].X < out[j].X })
	return out
}

func spanClass(kind string) string {
	if kind == ledger.KindCutoverStarted {
		return "cutover"
	}
	return "deployment"
}

// markerStyle is how each kind of event is drawn.
var markerStyle = map[string]struct{ shape, class string }{
	ledger.KindDeploymentStarted:  {"circle-small", "start"},
	ledger.KindDeploymentVerified: {"circle", "ok"},
	ledger.KindDeploymentFailed:   {"cross", "fail"},
	ledger.KindCutoverStarted:     {"diamond-small", "start"},
	ledger.KindTrafficStep:        {"bar", "step"},
	ledger.KindCutoverCompleted:   {"diamond", "ok"},
	ledger.KindRolledBack:         {"triangle", "fail"},
	ledger.KindOverride:           {"square", "override"},
	ledger.KindLockTakenOver:      {"square", "lock"},
	ledger.KindLockBroken:         {"square", "lock"},
}

// marker draws event e at (x, y).
func marker(e ledger.Event, x, y float64) Marker {
	st, ok := markerStyle[e.Kind]
	if !ok {
		st.shape, st.class = "circle-small", "other"
		if strings.HasPrefix(e.Kind, "environment_") {
			st.class = "env"
		}
	}
	m := Marker{X: x, Y: y, Class: st.class, Kind: e.Kind, Title: eventTitle(e), Shape: "polygon"}
	pts := func(coords ...float64) string {
		parts := make([]string, 0, len(coords)/2)
		for i := 0; i+1 < len(coords); i += 2 {
			parts = append(parts, fmt.Sprintf("%.1f,%.1f", x+coords[i], y+coords[i+1]))
		}
		return strings.Join(parts, " ")
	}
	switch st.shape {
	case "circle":
		m.Shape, m.R = "circle", 6
	case "circle-small":
		m.Shape, m.R = "circle", 3.5
	case "diamond":
		m.Points = pts(0, -7, 7, 0, 0, 7, -7, 0)
	case "diamond-small":
		m.Points = pts(0, -4.5, 4.5, 0, 0, 4.5, -4.5, 0)
	case "bar":
		m.Points = pts(-1.5, -8, 1.5, -8, 1.5, 8, -1.5, 8)
	case "triangle":
		m.Points = pts(-7, -6, 7, -6, 0, 7)
	case "cross":
		m.Points = pts(-6, -4, -4, -6, 0, -2, 4, -6, 6, -4, 2, 0, 6, 4, 4, 6, 0, 2, -4, 6, -6, 4, -2, 0)
	default: // square
		m.Points = pts(-5, -5, 5, -5, 5, 5, -5, 5)
	}
	return m
}

func eventTitle(e ledger.Event) string {
	parts := []string{stampOf(e.At), e.Kind}
	if e.Service != "" {
		parts = append(parts, versioned(e))
	}
	if e.Outcome != "" {
		parts = append(parts, e.Outcome)
	}
	s := strings.Join(parts, " · ")
	if e.Detail != "" {
		s += "\n" + e.Detail
	}
	if e.Reason != "" {
		s += "\nreason: " + e.Reason
	}
	if e.Actor != "" {
		s += "\nby " + e.Actor
	}
	return s
}

func versioned(e ledger.Event) string {
	if e.Version == "" {
		return e.Service
	}
	return e.Service + "@" + e.Version
}

func stampOf(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") }
