// Package policy holds golive's release rules as plain functions: freeze
// windows, recurring deploy windows, promotion and parity. It has no AWS or
// Terraform types, so every rule is unit tested on its own.
package policy

import (
	"fmt"
	"strings"
	"time"
)

// Freeze is a period in which nothing may be released.
type Freeze struct {
	Start  time.Time
	End    time.Time
	Reason string
}

// ParseFreeze reads RFC 3339 bounds. The error names the bound at fault.
func ParseFreeze(start, end, reason string) (Freeze, *FieldError) {
	s, err := time.Parse(time.RFC3339, start)
	if err != nil {
		return Freeze{}, &FieldError{Field: "start", Index: -1, Msg: fmt.Sprintf("%q is not an RFC 3339 time such as 2026-12-24T00:00:00Z", start)}
	}
	e, err := time.Parse(time.RFC3339, end)
	if err != nil {
		return Freeze{}, &FieldError{Field: "end", Index: -1, Msg: fmt.Sprintf("%q is not an RFC 3339 time such as 2026-12-27T00:00:00Z", end)}
	}
	if !e.After(s) {
		return Freeze{}, &FieldError{Field: "end", Index: -1, Msg: fmt.Sprintf("end %s must be after start %s", end, start)}
	}
	return Freeze{Start: s, End: e, Reason: reason}, nil
}

// Active reports whether t falls inside the freeze (start inclusive, end
// exclusive).
func (f Freeze) Active(t time.Time) bool { return !t.Before(f.Start) && t.Before(f.End) }

func (f Freeze) String() string {
	r := f.Reason
	if r == "" {
		r = "freeze"
	}
	return fmt.Sprintf("%q from %s to %s", r, f.Start.UTC().Format(time.RFC3339), f.End.UTC().Format(time.RFC3339))
}

// DeployWindow is a recurring weekly window in which releases may happen.
// When End is not after Start the window runs past midnight into the next day.
type DeployWindow struct {
	Days     []time.Weekday
	Start    int // minutes after midnight
	End      int
	Location *time.Location
	// Enforce is when a release outside the window is refused: EnforcePlan
	// (also "") or EnforceApply.
	Enforce string
}

// When a deploy window refuses a release outside it.
const (
	// EnforcePlan refuses it at plan, and again at apply.
	EnforcePlan = "plan"
	// EnforceApply plans it with a warning, so that a release can be
	// reviewed outside the window, and refuses it at apply.
	EnforceApply = "apply"
)

// EnforceModes are the values of a deploy window's enforce setting.
var EnforceModes = []string{EnforcePlan, EnforceApply}

// Stage is when a release rule is checked: when the release is planned,
// and again when it is applied.
type Stage int

const (
	// AtPlan is the check made when the release is planned.
	AtPlan Stage = iota
	// AtApply is the check made again when the release is applied.
	AtApply
)

// FieldError is a problem with one field of a block.
type FieldError struct {
	Field string
	Index int // for list fields, the element at fault; -1 otherwise
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// WeekdayNames are the accepted spellings of days, in order.
var WeekdayNames = []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

// ParseWeekday accepts Mon..Sun in any case, and full names.
func ParseWeekday(s string) (time.Weekday, bool) {
	k := strings.ToLower(s)
	if len(k) > 3 {
		for _, d := range []time.Weekday{0, 1, 2, 3, 4, 5, 6} {
			if strings.EqualFold(d.String(), s) {
				return d, true
			}
		}
		return 0, false
	}
	d, ok := weekdays[k]
	return d, ok
}

// ParseClock reads HH:MM (24-hour) as minutes after midnight.
func ParseClock(s string) (int, bool) {
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

// ParseDeployWindow checks every field and returns all problems found.
func ParseDeployWindow(days []string, start, end, timezone string) (DeployWindow, []*FieldError) {
	var w DeployWindow
	var errs []*FieldError
	if len(days) == 0 {
		errs = append(errs, &FieldError{Field: "days", Index: -1, Msg: "list at least one day, e.g. [\"Mon\", \"Tue\"]"})
	}
	for i, d := range days {
		wd, ok := ParseWeekday(d)
		if !ok {
			errs = append(errs, &FieldError{Field: "days", Index: i, Msg: fmt.Sprintf("%q is not a weekday: use one of %s", d, strings.Join(WeekdayNames, ", "))})
			continue
		}
		w.Days = append(w.Days, wd)
	}
	var ok, startOK bool
	if w.Start, startOK = ParseClock(start); !startOK {
		errs = append(errs, &FieldError{Field: "start", Index: -1, Msg: fmt.Sprintf("%q is not a time of day in HH:MM (24-hour), e.g. 09:00", start)})
	}
	if w.End, ok = ParseClock(end); !ok {
		errs = append(errs, &FieldError{Field: "end", Index: -1, Msg: fmt.Sprintf("%q is not a time of day in HH:MM (24-hour), e.g. 16:00", end)})
	} else if startOK && w.End == w.Start {
		errs = append(errs, &FieldError{Field: "end", Index: -1, Msg: "end must differ from start"})
	}
	if timezone == "" {
		timezone = "UTC"
	}
	loc, err := time.LoadLocation(timezone)
	if err != nil || strings.EqualFold(timezone, "local") {
		errs = append(errs, &FieldError{Field: "timezone", Index: -1, Msg: fmt.Sprintf("%q is not an IANA time zone such as Europe/Berlin or UTC", timezone)})
	}
	w.Location = loc
	return w, errs
}

// Open reports whether t falls inside the window.
func (w DeployWindow) Open(t time.Time) bool {
	lt := t.In(w.Location)
	minute := lt.Hour()*60 + lt.Minute()
	if w.Start < w.End {
		return w.hasDay(lt.Weekday()) && minute >= w.Start && minute < w.End
	}
	// Overnight: the evening part belongs to today, the morning part to the
	// window that opened yesterday.
	if minute >= w.Start {
		return w.hasDay(lt.Weekday())
	}
	if minute < w.End {
		return w.hasDay((lt.Weekday() + 6) % 7)
	}
	return false
}

func (w DeployWindow) hasDay(d time.Weekday) bool {
	for _, x := range w.Days {
		if x == d {
			return true
		}
	}
	return false
}

func (w DeployWindow) String() string {
	names := make([]string, len(w.Days))
	for i, d := range w.Days {
		names[i] = d.String()[:3]
	}
	return fmt.Sprintf("%s %02d:%02d–%02d:%02d %s", strings.Join(names, ","),
		w.Start/60, w.Start%60, w.End/60, w.End%60, w.Location)
}

// Violation says why a release may not happen now.
type Violation struct {
	Reason string
	// Deferred: the release is outside a window enforced at apply only and
	// is being planned. The plan goes ahead (with a warning); the apply is
	// judged again.
	Deferred bool
}

func (v *Violation) Error() string { return v.Reason }

// CheckSchedule returns the first rule that forbids a release at now, or
// nil. Freezes forbid at every stage; a window forbids at plan only when it
// is enforced at plan.
func CheckSchedule(now time.Time, stage Stage, freezes []Freeze, window *DeployWindow) *Violation {
	for _, f := range freezes {
		if f.Active(now) {
			return &Violation{Reason: fmt.Sprintf("inside freeze window %s", f)}
		}
	}
	if window != nil && !window.Open(now) {
		lt := now.In(window.Location)
		return &Violation{Reason: fmt.Sprintf("outside the deploy window %s (it is %s %s there now)",
			window, lt.Weekday().String()[:3], lt.Format("15:04")),
			Deferred: stage == AtPlan && window.Enforce == EnforceApply}
	}
	return nil
}
