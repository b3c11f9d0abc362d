package report

import (
	"fmt"
	"strings"
	"time"
)

// Chart is a line chart of one measure, one series per environment, laid
// out in SVG user units (the template only draws it).
type Chart struct {
	ID       string // the svg element's id
	Title    string
	Subtitle string
	Width    float64
	Height   float64
	// The plot area.
	Left, Top, Right, Bottom float64
	XTicks, YTicks           []Tick
	Series                   []Series
}

// Series is one environment's points, joined by a line.
type Series struct {
	Name   string
	Color  string
	Line   string // SVG polyline points
	Points []Point
}

// Point is one release.
type Point struct {
	X, Y   float64
	Failed bool
	Title  string // the tooltip
	Label  string // the value, for data-value
}

// Chart geometry, in user units of a 1000 × 260 viewBox.
const (
	chartWidth  = 1000
	chartHeight = 260
	chartLeft   = 64
	chartRight  = chartWidth - 24
	chartTop    = 16
	chartBottom = chartHeight - 36
)

// measure picks one figure of a release; ok is false when there is none.
type measure func(Release) (v float64, ok bool)

func frequencyOf(r Release) (float64, bool) { return r.DeploymentFrequency, true }

func failureRateOf(r Release) (float64, bool) {
	if r.ChangeFailureRate == nil {
		return 0, false
	}
	return 100 * *r.ChangeFailureRate, true
}

// newChart lays out one chart of m over every environment's releases;
// times is the x scale shared with the timelines. fixedMax, when above 0,
// fixes the y axis (percentages).
func newChart(id, title, subtitle string, envs []envReleases, xs timeScale, m measure, fixedMax float64, format func(float64) string) Chart {
	c := Chart{ID: id, Title: title, Subtitle: subtitle, Width: chartWidth, Height: chartHeight,
		Left: chartLeft, Top: chartTop, Right: chartRight, Bottom: chartBottom}
	xs.x0, xs.x1 = chartLeft, chartRight
	c.XTicks = xs.ticks(6)
	top := 0.0
	for _, e := range envs {
		for _, r := range e.releases {
			if v, ok := m(r); ok && v > top {
				top = v
			}
		}
	}
	yMax, step := niceMax(top)
	if fixedMax > 0 {
		yMax, step = fixedMax, fixedMax/4
	}
	ys := valueScale{max: yMax, y0: chartBottom, y1: chartTop}
	c.YTicks = ys.ticks(step, format)
	for _, e := range envs {
		s := Series{Name: e.name, Color: e.color}
		var line []string
		for _, r := range e.releases {
			v, ok := m(r)
			if !ok {
				continue
			}
			p := Point{X: xs.x(r.At), Y: ys.y(v), Failed: r.Failed, Label: format(v), Title: pointTitle(r, format(v))}
			s.Points = append(s.Points, p)
			line = append(line, fmt.Sprintf("%.1f,%.1f", p.X, p.Y))
		}
		s.Line = strings.Join(line, " ")
		c.Series = append(c.Series, s)
	}
	return c
}

func pointTitle(r Release, value string) string {
	what := r.Service
	if r.Version != "" {
		what += "@" + r.Version
	}
	return fmt.Sprintf("%s: %s, %s %s %s at %s", r.Environment, value, what, r.Change, strings.ReplaceAll(r.Outcome, "_", " "), r.At.Format(time.RFC3339))
}

// envReleases are one environment's releases and its colour.
type envReleases struct {
	name     string
	color    string
	releases []Release
}
