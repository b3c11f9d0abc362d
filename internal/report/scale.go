package report

import (
	"fmt"
	"math"
	"time"
)

// Tick is one labelled position on an axis (in SVG user units).
type Tick struct {
	Pos   float64
	Label string
	// Anchor is "end" for a label too close to the right edge to be
	// centred on its tick ("" centres it).
	Anchor string
}

// edgeRoom is how close to the right end of an axis a label is right-aligned.
const edgeRoom = 40

// timeScale maps times in [from, to] to [x0, x1].
type timeScale struct {
	from, to time.Time
	x0, x1   float64
}

// newTimeScale spans the times given, padded by 3% on each side so the
// first and last markers are not cut by the plot's edges; a single instant
// gets an hour either side.
func newTimeScale(times []time.Time, x0, x1 float64) timeScale {
	s := timeScale{x0: x0, x1: x1}
	for i, t := range times {
		if i == 0 || t.Before(s.from) {
			s.from = t
		}
		if i == 0 || t.After(s.to) {
			s.to = t
		}
	}
	span := s.to.Sub(s.from)
	if span <= 0 {
		s.from, s.to = s.from.Add(-time.Hour), s.to.Add(time.Hour)
		return s
	}
	pad := span * 3 / 100
	s.from, s.to = s.from.Add(-pad), s.to.Add(pad)
	return s
}

func (s timeScale) x(t time.Time) float64 {
	span := s.to.Sub(s.from)
	if span <= 0 {
		return (s.x0 + s.x1) / 2
	}
	return s.x0 + (s.x1-s.x0)*float64(t.Sub(s.from))/float64(span)
}

// tickSteps are the time axis intervals, smallest first.
var tickSteps = []time.Duration{
	time.Second, 5 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour,
	24 * time.Hour, 2 * 24 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour, 30 * 24 * time.Hour,
}

// ticks are at most about n ticks at a round interval (UTC). A label
// carries the date on the first tick and where the day changes.
func (s timeScale) ticks(n int) []Tick {
	span := s.to.Sub(s.from)
	step := tickSteps[len(tickSteps)-1]
	for _, st := range tickSteps {
		if float64(span)/float64(st) <= float64(n) {
			step = st
			break
		}
	}
	first := s.from.UTC().Truncate(step)
	if step >= 24*time.Hour {
		y, m, d := s.from.UTC().Date()
		first = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	var out []Tick
	var prev time.Time
	for t := first; !t.After(s.to); t = t.Add(step) {
		if t.Before(s.from) {
			continue
		}
		newDay := len(out) == 0 || t.YearDay() != prev.YearDay() || t.Year() != prev.Year()
		tick := Tick{Pos: s.x(t), Label: timeLabel(t, step, newDay)}
		if tick.Pos > s.x1-edgeRoom {
			tick.Anchor = "end"
		}
		out = append(out, tick)
		prev = t
	}
	return out
}

func timeLabel(t time.Time, step time.Duration, newDay bool) string {
	t = t.UTC()
	layout := "15:04"
	switch {
	case step >= 24*time.Hour:
		return t.Format("Jan 2")
	case step < time.Minute:
		layout = "15:04:05"
	}
	if newDay {
		layout = "Jan 2 " + layout
	}
	return t.Format(layout)
}

// valueScale maps [0, max] to [y0, y1] (y0 the bottom of the plot).
type valueScale struct {
	max    float64
	y0, y1 float64
}

// niceMax rounds v up to 1, 2 or 5 times a power of ten (v > 0), and gives
// the tick step that divides it into about four parts.
func niceMax(v float64) (top, step float64) {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 1, 0.25
	}
	raw := v / 4
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, f := range []float64{1, 2, 5, 10} {
		if step = f * mag; step >= raw {
			break
		}
	}
	n := math.Ceil(v/step - 1e-9)
	return math.Round(n*step/mag*1e6) / 1e6 * mag, step
}

func (s valueScale) y(v float64) float64 {
	if s.max <= 0 {
		return s.y0
	}
	return s.y0 - (s.y0-s.y1)*v/s.max
}

// ticks label every step from 0 to max with format.
func (s valueScale) ticks(step float64, format func(float64) string) []Tick {
	var out []Tick
	for v := 0.0; v <= s.max+step/1e6; v += step {
		out = append(out, Tick{Pos: s.y(v), Label: format(v)})
	}
	return out
}

// number formats v with no more decimals than it needs (up to two).
func number(v float64) string {
	for _, prec := range []int{0, 1, 2} {
		s := fmt.Sprintf("%.*f", prec, v)
		var back float64
		_, _ = fmt.Sscanf(s, "%g", &back)
		if math.Abs(back-v) < 1e-9 {
			return s
		}
	}
	return fmt.Sprintf("%.2f", v)
}
