package policy

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// mustRFC3339 parses an RFC 3339 time or fails the test.
func mustRFC3339(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("bad test time %q: %v", s, err)
	}
	return ts
}

// mustWindow builds a deploy window or fails the test.
func mustWindow(t *testing.T, days []string, start, end, tz string) DeployWindow {
	t.Helper()
	w, errs := ParseDeployWindow(days, start, end, tz)
	if len(errs) != 0 {
		t.Fatalf("ParseDeployWindow(%q, %q, %q, %q): unexpected errors %v", days, start, end, tz, errs)
	}
	return w
}

func TestParseFreeze(t *testing.T) {
	tests := []struct {
		name       string
		start, end string
		reason     string
		wantField  string // "" means no error
		wantMsg    string // substring of the error message
		wantStart  string // RFC 3339 in UTC, checked when there is no error
		wantEnd    string
	}{
		{
			name: "valid", start: "2026-12-24T00:00:00Z", end: "2026-12-27T00:00:00Z", reason: "holiday",
			wantStart: "2026-12-24T00:00:00Z", wantEnd: "2026-12-27T00:00:00Z",
		},
		{
			name: "valid with offsets", start: "2026-12-24T00:00:00+01:00", end: "2026-12-27T00:00:00-05:00",
			wantStart: "2026-12-23T23:00:00Z", wantEnd: "2026-12-27T05:00:00Z",
		},
		{
			name: "one second long", start: "2026-12-24T00:00:00Z", end: "2026-12-24T00:00:01Z",
			wantStart: "2026-12-24T00:00:00Z", wantEnd: "2026-12-24T00:00:01Z",
		},
		{
			name: "bad start", start: "24.12.2026", end: "2026-12-27T00:00:00Z",
			wantField: "start", wantMsg: `"24.12.2026" is not an RFC 3339 time`,
		},
		{
			name: "date-only start", start: "2026-12-24", end: "2026-12-27T00:00:00Z",
			wantField: "start", wantMsg: `"2026-12-24"`,
		},
		{
			name: "empty start", start: "", end: "2026-12-27T00:00:00Z",
			wantField: "start", wantMsg: `"" is not an RFC 3339 time`,
		},
		{
			name: "both bad reports start first", start: "x", end: "y",
			wantField: "start", wantMsg: `"x"`,
		},
		{
			name: "bad end", start: "2026-12-24T00:00:00Z", end: "soon",
			wantField: "end", wantMsg: `"soon" is not an RFC 3339 time`,
		},
		{
			name: "end equals start", start: "2026-12-24T00:00:00Z", end: "2026-12-24T00:00:00Z",
			wantField: "end", wantMsg: "must be after start",
		},
		{
			name: "same instant in different offsets", start: "2026-12-24T01:00:00+01:00", end: "2026-12-24T00:00:00Z",
			wantField: "end", wantMsg: "must be after start",
		},
		{
			name: "end before start", start: "2026-12-27T00:00:00Z", end: "2026-12-24T00:00:00Z",
			wantField: "end", wantMsg: "end 2026-12-24T00:00:00Z must be after start 2026-12-27T00:00:00Z",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ParseFreeze(tc.start, tc.end, tc.reason)
			if tc.wantField == "" {
				if err != nil {
					t.Fatalf("ParseFreeze(%q, %q) error = %v, want none", tc.start, tc.end, err)
				}
				if got := f.Start.UTC().Format(time.RFC3339); got != tc.wantStart {
					t.Errorf("Start = %s, want %s", got, tc.wantStart)
				}
				if got := f.End.UTC().Format(time.RFC3339); got != tc.wantEnd {
					t.Errorf("End = %s, want %s", got, tc.wantEnd)
				}
				if f.Reason != tc.reason {
					t.Errorf("Reason = %q, want %q", f.Reason, tc.reason)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseFreeze(%q, %q) = %+v, want error on %q", tc.start, tc.end, f, tc.wantField)
			}
			if err.Field != tc.wantField {
				t.Errorf("Field = %q, want %q (err %v)", err.Field, tc.wantField, err)
			}
			if !strings.Contains(err.Msg, tc.wantMsg) {
				t.Errorf("Msg = %q, want it to contain %q", err.Msg, tc.wantMsg)
			}
			if want := err.Field + ": " + err.Msg; err.Error() != want {
				t.Errorf("Error() = %q, want %q", err.Error(), want)
			}
			if !reflect.DeepEqual(f, Freeze{}) {
				t.Errorf("freeze on error = %+v, want zero value", f)
			}
		})
	}
}

func TestFreezeActive(t *testing.T) {
	f, err := ParseFreeze("2026-12-24T00:00:00Z", "2026-12-27T00:00:00Z", "holiday")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		at   string
		want bool
	}{
		{"2026-12-23T23:59:59Z", false},
		{"2026-12-24T00:00:00Z", true}, // start is inclusive
		{"2026-12-25T12:00:00Z", true},
		{"2026-12-26T23:59:59Z", true},
		{"2026-12-27T00:00:00Z", false}, // end is exclusive
		{"2026-12-27T00:00:01Z", false},
		{"2026-12-24T00:30:00+01:00", false}, // 23:30 UTC the day before
		{"2026-12-24T00:30:00-01:00", true},  // 01:30 UTC
		{"2026-12-27T00:30:00+01:00", true},  // 23:30 UTC on the 26th
	}
	for _, tc := range tests {
		if got := f.Active(mustRFC3339(t, tc.at)); got != tc.want {
			t.Errorf("Active(%s) = %v, want %v", tc.at, got, tc.want)
		}
	}
	// Sub-second precision at the boundaries.
	if !f.Active(f.Start) {
		t.Error("Active(Start) = false, want true")
	}
	if f.Active(f.End) {
		t.Error("Active(End) = true, want false")
	}
	if !f.Active(f.End.Add(-time.Nanosecond)) {
		t.Error("Active(End-1ns) = false, want true")
	}
	if f.Active(f.Start.Add(-time.Nanosecond)) {
		t.Error("Active(Start-1ns) = true, want false")
	}
}

func TestFreezeString(t *testing.T) {
	tests := []struct {
		name   string
		freeze Freeze
		want   string
	}{
		{
			name:   "reason",
			freeze: Freeze{Start: mustRFC3339(t, "2026-12-24T00:00:00Z"), End: mustRFC3339(t, "2026-12-27T00:00:00Z"), Reason: "holiday"},
			want:   `"holiday" from 2026-12-24T00:00:00Z to 2026-12-27T00:00:00Z`,
		},
		{
			name:   "no reason, shown in UTC",
			freeze: Freeze{Start: mustRFC3339(t, "2026-12-24T00:00:00+01:00"), End: mustRFC3339(t, "2026-12-27T00:00:00+01:00")},
			want:   `"freeze" from 2026-12-23T23:00:00Z to 2026-12-26T23:00:00Z`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.freeze.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParseWeekday(t *testing.T) {
	tests := []struct {
		in     string
		want   time.Weekday
		wantOK bool
	}{
		{"Mon", time.Monday, true},
		{"mon", time.Monday, true},
		{"MON", time.Monday, true},
		{"MONDAY", time.Monday, true},
		{"Monday", time.Monday, true},
		{"monday", time.Monday, true},
		{"Tue", time.Tuesday, true},
		{"Wednesday", time.Wednesday, true},
		{"thu", time.Thursday, true},
		{"Fri", time.Friday, true},
		{"Saturday", time.Saturday, true},
		{"Sun", time.Sunday, true},
		{"Sunday", time.Sunday, true},
		{"SUNDAY", time.Sunday, true},
		{"Funday", 0, false},
		{"", 0, false},
		{"Mo", 0, false},
		{"Tues", 0, false},
		{"Mondays", 0, false},
		{" Mon", 0, false},
		{"Mon ", 0, false},
		{"1", 0, false},
	}
	for _, tc := range tests {
		got, ok := ParseWeekday(tc.in)
		if ok != tc.wantOK || (ok && got != tc.want) {
			t.Errorf("ParseWeekday(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.wantOK)
		}
	}
	// Every advertised spelling must parse.
	for i, name := range WeekdayNames {
		got, ok := ParseWeekday(name)
		if want := time.Weekday((i + 1) % 7); !ok || got != want {
			t.Errorf("ParseWeekday(%q) = %v, %v; want %v, true", name, got, ok, want)
		}
	}
}

func TestParseClock(t *testing.T) {
	tests := []struct {
		in     string
		want   int
		wantOK bool
	}{
		{"09:00", 540, true},
		{"00:00", 0, true},
		{"00:01", 1, true},
		{"12:30", 750, true},
		{"16:00", 960, true},
		{"23:59", 1439, true},
		{"24:00", 0, false},
		{"9:00", 0, false},
		{"09:60", 0, false},
		{"0900", 0, false},
		{"", 0, false},
		{"9am", 0, false},
		{"09:00:00", 0, false},
		{"09:0", 0, false},
		{" 9:00", 0, false},
		{"09:00 ", 0, false},
		{"-1:00", 0, false},
		{"ab:cd", 0, false},
	}
	for _, tc := range tests {
		got, ok := ParseClock(tc.in)
		if ok != tc.wantOK || got != tc.want {
			t.Errorf("ParseClock(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.wantOK)
		}
	}
}

func TestParseDeployWindow(t *testing.T) {
	type fe struct {
		field string
		index int
	}
	tests := []struct {
		name     string
		days     []string
		start    string
		end      string
		tz       string
		wantErrs []fe
		wantMsgs []string // substrings, one per wanted error (optional)
		// checked only when wantErrs is empty
		wantDays  []time.Weekday
		wantStart int
		wantEnd   int
		wantLoc   string
	}{
		{
			name: "all fields valid", days: []string{"Mon", "tue", "WEDNESDAY", "Thu"}, start: "09:00", end: "16:00", tz: "Europe/Berlin",
			wantDays: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday}, wantStart: 540, wantEnd: 960, wantLoc: "Europe/Berlin",
		},
		{
			name: "empty timezone means UTC", days: []string{"Sun"}, start: "00:00", end: "23:59", tz: "",
			wantDays: []time.Weekday{time.Sunday}, wantStart: 0, wantEnd: 1439, wantLoc: "UTC",
		},
		{
			name: "overnight", days: []string{"Fri"}, start: "22:00", end: "06:00", tz: "America/New_York",
			wantDays: []time.Weekday{time.Friday}, wantStart: 1320, wantEnd: 360, wantLoc: "America/New_York",
		},
		{
			name: "invalid day reported with its index", days: []string{"Mon", "Tue", "Funday"}, start: "09:00", end: "16:00", tz: "UTC",
			wantErrs: []fe{{"days", 2}}, wantMsgs: []string{`"Funday" is not a weekday: use one of Mon, Tue, Wed, Thu, Fri, Sat, Sun`},
		},
		{
			name: "several invalid days", days: []string{"x", "Mon", "", "Sun"}, start: "09:00", end: "16:00", tz: "UTC",
			wantErrs: []fe{{"days", 0}, {"days", 2}}, wantMsgs: []string{`"x"`, `""`},
		},
		{
			name: "nil days", days: nil, start: "09:00", end: "16:00", tz: "UTC",
			wantErrs: []fe{{"days", -1}}, wantMsgs: []string{"at least one day"},
		},
		{
			name: "empty days", days: []string{}, start: "09:00", end: "16:00", tz: "UTC",
			wantErrs: []fe{{"days", -1}}, wantMsgs: []string{"at least one day"},
		},
		{
			name: "invalid start", days: []string{"Mon"}, start: "9am", end: "16:00", tz: "UTC",
			wantErrs: []fe{{"start", -1}}, wantMsgs: []string{`"9am" is not a time of day in HH:MM`},
		},
		{
			name: "invalid end", days: []string{"Mon"}, start: "09:00", end: "24:00", tz: "UTC",
			wantErrs: []fe{{"end", -1}}, wantMsgs: []string{`"24:00" is not a time of day in HH:MM`},
		},
		{
			name: "end equals start", days: []string{"Mon"}, start: "09:00", end: "09:00", tz: "UTC",
			wantErrs: []fe{{"end", -1}}, wantMsgs: []string{"end must differ from start"},
		},
		{
			name: "unknown timezone", days: []string{"Mon"}, start: "09:00", end: "16:00", tz: "Mars/Olympus",
			wantErrs: []fe{{"timezone", -1}}, wantMsgs: []string{`"Mars/Olympus" is not an IANA time zone`},
		},
		{
			name: "Local is refused", days: []string{"Mon"}, start: "09:00", end: "16:00", tz: "Local",
			wantErrs: []fe{{"timezone", -1}}, wantMsgs: []string{`"Local"`},
		},
		{
			name: "empty days and end equals start", days: nil, start: "09:00", end: "09:00", tz: "",
			wantErrs: []fe{{"days", -1}, {"end", -1}},
		},
		{
			name: "days, start and timezone wrong, end fine", days: []string{"Mon", "Funday"}, start: "9am", end: "16:00", tz: "Mars/Olympus",
			wantErrs: []fe{{"days", 1}, {"start", -1}, {"timezone", -1}},
		},
		{
			// An unreadable start is not compared with end (it would read as 00:00).
			name: "invalid start does not also blame an end of 00:00", days: []string{"Mon"}, start: "9am", end: "00:00", tz: "UTC",
			wantErrs: []fe{{"start", -1}},
		},
		{
			name: "every field wrong, in field order", days: []string{"Mon", "Funday"}, start: "9am", end: "0900", tz: "Mars/Olympus",
			wantErrs: []fe{{"days", 1}, {"start", -1}, {"end", -1}, {"timezone", -1}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, errs := ParseDeployWindow(tc.days, tc.start, tc.end, tc.tz)
			var got []fe
			for _, e := range errs {
				got = append(got, fe{e.Field, e.Index})
			}
			if !reflect.DeepEqual(got, tc.wantErrs) {
				t.Fatalf("errors = %v (%v), want %v", got, errs, tc.wantErrs)
			}
			for i, sub := range tc.wantMsgs {
				if !strings.Contains(errs[i].Msg, sub) {
					t.Errorf("errs[%d].Msg = %q, want it to contain %q", i, errs[i].Msg, sub)
				}
			}
			if len(tc.wantErrs) > 0 {
				return
			}
			if !reflect.DeepEqual(w.Days, tc.wantDays) {
				t.Errorf("Days = %v, want %v", w.Days, tc.wantDays)
			}
			if w.Start != tc.wantStart || w.End != tc.wantEnd {
				t.Errorf("Start, End = %d, %d; want %d, %d", w.Start, w.End, tc.wantStart, tc.wantEnd)
			}
			if w.Location == nil || w.Location.String() != tc.wantLoc {
				t.Errorf("Location = %v, want %s", w.Location, tc.wantLoc)
			}
		})
	}
}

func TestDeployWindowOpen(t *testing.T) {
	type probe struct {
		name string
		at   string
		want bool
	}
	tests := []struct {
		name   string
		window DeployWindow
		probes []probe
	}{
		{
			// Weekdays plus the weekends on which Europe/Berlin changes clocks.
			name:   "Mon-Thu, Sat, Sun 09:00-16:00 Europe/Berlin",
			window: mustWindow(t, []string{"Mon", "Tue", "Wed", "Thu", "Sat", "Sun"}, "09:00", "16:00", "Europe/Berlin"),
			probes: []probe{
				{"Wed 09:00 CET, start inclusive", "2026-12-02T08:00:00Z", true},
				{"Wed 08:59 CET", "2026-12-02T07:59:00Z", false},
				{"Wed 09:00 UTC is 10:00 CET", "2026-12-02T09:00:00Z", true},
				{"Wed 15:59 CET", "2026-12-02T14:59:00Z", true},
				{"Wed 16:00 CET, end exclusive", "2026-12-02T15:00:00Z", false},
				{"Wed 15:30 UTC is 16:30 CET", "2026-12-02T15:30:00Z", false},
				{"Fri 10:00 CET, day not listed", "2026-12-04T09:00:00Z", false},
				{"Thu 23:30 UTC is Fri 00:30 CET", "2026-12-03T23:30:00Z", false},
				{"Sun 23:30 UTC is Mon 00:30 CET", "2026-12-06T23:30:00Z", false},
				{"Wed 09:30 CEST (summer)", "2026-07-01T07:30:00Z", true},
				{"Wed 15:30 UTC is 17:30 CEST", "2026-07-01T15:30:00Z", false},
				{"Wed 14:30 UTC is 16:30 CEST", "2026-07-01T14:30:00Z", false},
				// 2026-03-29: clocks go forward at 02:00 CET to 03:00 CEST.
				{"Sat 08:30 CET before the change", "2026-03-28T07:30:00Z", false},
				{"Sun 09:30 CEST after the change", "2026-03-29T07:30:00Z", true},
				{"Sun 08:59 CEST after the change", "2026-03-29T06:59:00Z", false},
				{"Sun 15:59 CEST after the change", "2026-03-29T13:59:00Z", true},
				{"Sun 16:00 CEST after the change", "2026-03-29T14:00:00Z", false},
				// 2026-10-25: clocks go back at 03:00 CEST to 02:00 CET.
				{"Sat 16:30 CEST before the change", "2026-10-24T14:30:00Z", false},
				{"Sat 15:30 CEST before the change", "2026-10-24T13:30:00Z", true},
				{"Sun 15:30 CET after the change", "2026-10-25T14:30:00Z", true},
				{"Sun 16:00 CET after the change", "2026-10-25T15:00:00Z", false},
				{"Sun 09:00 CET after the change", "2026-10-25T08:00:00Z", true},
				{"Sun 08:00 CET after the change", "2026-10-25T07:00:00Z", false},
			},
		},
		{
			name:   "Mon-Thu 09:00-16:00 Europe/Berlin",
			window: mustWindow(t, []string{"Mon", "Tue", "Wed", "Thu"}, "09:00", "16:00", "Europe/Berlin"),
			probes: []probe{
				{"Wed 09:00 CET", "2026-12-02T08:00:00Z", true},
				{"Wed 08:59 CET", "2026-12-02T07:59:00Z", false},
				{"Wed 16:00 CET, end exclusive", "2026-12-02T15:00:00Z", false},
				{"Wed 09:30 CEST (summer time)", "2026-07-01T07:30:00Z", true},
				{"Fri 11:00 CET", "2026-12-04T10:00:00Z", false},
			},
		},
		{
			name:   "Fri 22:00-06:00 UTC",
			window: mustWindow(t, []string{"Fri"}, "22:00", "06:00", "UTC"),
			probes: []probe{
				{"Fri 23:00 open", "2026-12-04T23:00:00Z", true},
				{"Sat 05:00 open, the window that opened Friday", "2026-12-05T05:00:00Z", true},
				{"Sat 23:00 closed", "2026-12-05T23:00:00Z", false},
				{"Fri 05:00 closed, would belong to Thursday", "2026-12-04T05:00:00Z", false},
				{"Fri 21:59 closed", "2026-12-04T21:59:00Z", false},
				{"Fri 22:00 open, start inclusive", "2026-12-04T22:00:00Z", true},
				{"Sat 00:00 open", "2026-12-05T00:00:00Z", true},
				{"Sat 05:59 open", "2026-12-05T05:59:00Z", true},
				{"Sat 06:00 closed, end exclusive", "2026-12-05T06:00:00Z", false},
				{"Sat 12:00 closed, between end and start", "2026-12-05T12:00:00Z", false},
				{"Thu 23:00 closed", "2026-12-03T23:00:00Z", false},
				{"Sun 05:00 closed", "2026-12-06T05:00:00Z", false},
			},
		},
		{
			// Sunday (0) must wrap back to Saturday (6) for the morning part.
			name:   "Sat 22:00-06:00 UTC",
			window: mustWindow(t, []string{"Sat"}, "22:00", "06:00", "UTC"),
			probes: []probe{
				{"Sun 05:00 open", "2026-12-06T05:00:00Z", true},
				{"Sat 05:00 closed", "2026-12-05T05:00:00Z", false},
				{"Sun 23:00 closed", "2026-12-06T23:00:00Z", false},
			},
		},
		{
			name:   "Sun 22:00-06:00 UTC",
			window: mustWindow(t, []string{"Sun"}, "22:00", "06:00", "UTC"),
			probes: []probe{
				{"Sun 22:30 open", "2026-12-06T22:30:00Z", true},
				{"Mon 01:00 open", "2026-12-07T01:00:00Z", true},
				{"Sun 01:00 closed", "2026-12-06T01:00:00Z", false},
			},
		},
		{
			// A window that ends at midnight is written with end 00:00.
			name:   "Mon 16:00-00:00 UTC",
			window: mustWindow(t, []string{"Mon"}, "16:00", "00:00", "UTC"),
			probes: []probe{
				{"Mon 23:59 open", "2026-12-07T23:59:00Z", true},
				{"Mon 16:00 open", "2026-12-07T16:00:00Z", true},
				{"Mon 15:59 closed", "2026-12-07T15:59:00Z", false},
				{"Tue 00:00 closed", "2026-12-08T00:00:00Z", false},
			},
		},
		{
			name:   "Fri 22:00-06:00 Europe/Berlin",
			window: mustWindow(t, []string{"Fri"}, "22:00", "06:00", "Europe/Berlin"),
			probes: []probe{
				{"Fri 22:30 CET open", "2026-12-04T21:30:00Z", true},
				{"Fri 21:30 CET closed", "2026-12-04T20:30:00Z", false},
				{"Sat 05:30 CET open", "2026-12-05T04:30:00Z", true},
				{"Sat 06:30 CET closed", "2026-12-05T05:30:00Z", false},
				{"Fri 23:30 CET open", "2026-12-04T22:30:00Z", true},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, p := range tc.probes {
				if got := tc.window.Open(mustRFC3339(t, p.at)); got != p.want {
					lt := mustRFC3339(t, p.at).In(tc.window.Location)
					t.Errorf("%s: Open(%s) [%s] = %v, want %v", p.name, p.at, lt.Format("Mon 15:04 MST"), got, p.want)
				}
			}
		})
	}
}

func TestDeployWindowString(t *testing.T) {
	tests := []struct {
		days       []string
		start, end string
		tz         string
		want       string
	}{
		{[]string{"Mon", "tuesday"}, "09:00", "16:30", "Europe/Berlin", "Mon,Tue 09:00–16:30 Europe/Berlin"},
		{[]string{"Fri"}, "22:00", "06:05", "", "Fri 22:00–06:05 UTC"},
	}
	for _, tc := range tests {
		w := mustWindow(t, tc.days, tc.start, tc.end, tc.tz)
		if got := w.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
}

func TestCheckSchedule(t *testing.T) {
	holiday, err := ParseFreeze("2026-12-24T00:00:00Z", "2026-12-27T00:00:00Z", "holiday freeze")
	if err != nil {
		t.Fatal(err)
	}
	other, err := ParseFreeze("2026-12-25T00:00:00Z", "2026-12-26T00:00:00Z", "")
	if err != nil {
		t.Fatal(err)
	}
	weekdays := mustWindow(t, []string{"Mon", "Tue", "Wed", "Thu", "Fri"}, "09:00", "17:00", "UTC")
	berlin := mustWindow(t, []string{"Mon", "Tue", "Wed", "Thu"}, "09:00", "16:00", "Europe/Berlin")

	tests := []struct {
		name    string
		now     string
		freezes []Freeze
		window  *DeployWindow
		want    string // "" means no violation
	}{
		{
			name: "freeze wins over an open window", now: "2026-12-24T10:00:00Z", // Thu 10:00, window open
			freezes: []Freeze{holiday}, window: &weekdays,
			want: `inside freeze window "holiday freeze" from 2026-12-24T00:00:00Z to 2026-12-27T00:00:00Z`,
		},
		{
			name: "freeze wins over a closed window", now: "2026-12-26T10:00:00Z", // Sat
			freezes: []Freeze{holiday}, window: &weekdays,
			want: `inside freeze window "holiday freeze" from 2026-12-24T00:00:00Z to 2026-12-27T00:00:00Z`,
		},
		{
			name: "freeze on Christmas Day, a Friday with the window open", now: "2026-12-25T10:00:00Z",
			freezes: []Freeze{holiday}, window: &weekdays,
			want: `inside freeze window "holiday freeze" from 2026-12-24T00:00:00Z to 2026-12-27T00:00:00Z`,
		},
		{
			name: "first active freeze is reported", now: "2026-12-25T10:00:00Z",
			freezes: []Freeze{other, holiday}, window: nil,
			want: `inside freeze window "freeze" from 2026-12-25T00:00:00Z to 2026-12-26T00:00:00Z`,
		},
		{
			name: "skips inactive freezes", now: "2026-12-24T10:00:00Z",
			freezes: []Freeze{other, holiday}, window: nil,
			want: `inside freeze window "holiday freeze" from 2026-12-24T00:00:00Z to 2026-12-27T00:00:00Z`,
		},
		{
			name: "window closed on a weekend", now: "2026-12-05T10:00:00Z",
			freezes: []Freeze{holiday}, window: &weekdays,
			want: "outside the deploy window Mon,Tue,Wed,Thu,Fri 09:00–17:00 UTC (it is Sat 10:00 there now)",
		},
		{
			name: "window closed after hours, freeze ended (end exclusive)", now: "2026-12-27T00:00:00Z", // Sun
			freezes: []Freeze{holiday}, window: &weekdays,
			want: "outside the deploy window Mon,Tue,Wed,Thu,Fri 09:00–17:00 UTC (it is Sun 00:00 there now)",
		},
		{
			name: "closed message uses the window's zone", now: "2026-12-02T15:30:00Z", // Wed 16:30 CET
			window: &berlin,
			want:   "outside the deploy window Mon,Tue,Wed,Thu 09:00–16:00 Europe/Berlin (it is Wed 16:30 there now)",
		},
		{
			name: "open window, no freeze", now: "2026-12-02T10:00:00Z",
			freezes: []Freeze{holiday}, window: &weekdays,
		},
		{
			name: "open Berlin window", now: "2026-12-02T08:00:00Z", // Wed 09:00 CET
			window: &berlin,
		},
		{
			name: "no rules at all", now: "2026-12-25T03:00:00Z",
		},
		{
			name: "only freezes, none active", now: "2026-12-28T03:00:00Z",
			freezes: []Freeze{holiday, other},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := CheckSchedule(mustRFC3339(t, tc.now), AtPlan, tc.freezes, tc.window)
			if tc.want == "" {
				if v != nil {
					t.Fatalf("CheckSchedule = %q, want nil", v.Reason)
				}
				return
			}
			if v == nil {
				t.Fatalf("CheckSchedule = nil, want %q", tc.want)
			}
			if v.Reason != tc.want {
				t.Errorf("Reason = %q\nwant     %q", v.Reason, tc.want)
			}
			if v.Error() != v.Reason {
				t.Errorf("Error() = %q, want %q", v.Error(), v.Reason)
			}
		})
	}
}

// A window enforced at apply lets a release outside it be planned (deferred,
// so the plan warns) and refuses it at apply; one enforced at plan (or with
// no setting, as records written before the setting) refuses at both.
// Freezes refuse at both whatever the window says.
func TestCheckScheduleEnforcement(t *testing.T) {
	holiday, err := ParseFreeze("2026-12-24T00:00:00Z", "2026-12-27T00:00:00Z", "holiday freeze")
	if err != nil {
		t.Fatal(err)
	}
	window := func(enforce string) *DeployWindow {
		w := mustWindow(t, []string{"Mon", "Tue", "Wed", "Thu", "Fri"}, "09:00", "17:00", "UTC")
		w.Enforce = enforce
		return &w
	}
	const saturday, tuesday, christmas = "2026-12-05T10:00:00Z", "2026-12-01T10:00:00Z", "2026-12-25T10:00:00Z"
	for _, tc := range []struct {
		name     string
		now      string
		stage    Stage
		freezes  []Freeze
		window   *DeployWindow
		violated bool
		deferred bool
	}{
		{name: "apply-enforced window, outside, at plan", now: saturday, stage: AtPlan, window: window(EnforceApply), violated: true, deferred: true},
		{name: "apply-enforced window, outside, at apply", now: saturday, stage: AtApply, window: window(EnforceApply), violated: true},
		{name: "apply-enforced window, inside, at plan", now: tuesday, stage: AtPlan, window: window(EnforceApply)},
		{name: "apply-enforced window, inside, at apply", now: tuesday, stage: AtApply, window: window(EnforceApply)},
		{name: "plan-enforced window, outside, at plan", now: saturday, stage: AtPlan, window: window(EnforcePlan), violated: true},
		{name: "plan-enforced window, outside, at apply", now: saturday, stage: AtApply, window: window(EnforcePlan), violated: true},
		{name: "no setting, outside, at plan", now: saturday, stage: AtPlan, window: window(""), violated: true},
		{name: "freeze with an apply-enforced window, at plan", now: christmas, stage: AtPlan, freezes: []Freeze{holiday}, window: window(EnforceApply), violated: true},
		{name: "freeze with an apply-enforced window, at apply", now: christmas, stage: AtApply, freezes: []Freeze{holiday}, window: window(EnforceApply), violated: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := CheckSchedule(mustRFC3339(t, tc.now), tc.stage, tc.freezes, tc.window)
			if (v != nil) != tc.violated {
				t.Fatalf("CheckSchedule = %v, want violated %v", v, tc.violated)
			}
			if v != nil && v.Deferred != tc.deferred {
				t.Errorf("Deferred = %v, want %v (%s)", v.Deferred, tc.deferred, v.Reason)
			}
		})
	}
}
