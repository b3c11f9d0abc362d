package policy

import (
	"strings"
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseFreeze(t *testing.T) {
	tests := []struct{ start, end, field string }{
		{"2026-12-24T00:00:00Z", "2026-12-27T00:00:00Z", ""},
		{"24.12.2026", "2026-12-27T00:00:00Z", "start"},
		{"2026-12-24T00:00:00Z", "soon", "end"},
		{"2026-12-24T00:00:00Z", "2026-12-24T00:00:00Z", "end"},
		{"2026-12-27T00:00:00Z", "2026-12-24T00:00:00Z", "end"},
	}
	for _, tc := range tests {
		_, err := ParseFreeze(tc.start, tc.end, "")
		if (err == nil) != (tc.field == "") || err != nil && err.Field != tc.field {
			t.Errorf("ParseFreeze(%q, %q) = %v, want field %q", tc.start, tc.end, err, tc.field)
		}
	}
	f, _ := ParseFreeze("2026-12-24T00:00:00Z", "2026-12-27T00:00:00Z", "holiday")
	for ts, want := range map[string]bool{
		"2026-12-23T23:59:59Z": false, "2026-12-24T00:00:00Z": true, "2026-12-26T23:59:59Z": true, "2026-12-27T00:00:00Z": false,
		"2026-12-24T00:30:00+01:00": false, // 23:30 UTC the day before
	} {
		if got := f.Active(at(ts)); got != want {
			t.Errorf("Active(%s) = %v, want %v", ts, got, want)
		}
	}
}

func TestParseWeekdayAndClock(t *testing.T) {
	for s, want := range map[string]bool{"Mon": true, "mon": true, "MONDAY": true, "Sunday": true, "Funday": false, "": false, "Mo": false} {
		if _, ok := ParseWeekday(s); ok != want {
			t.Errorf("ParseWeekday(%q) ok = %v", s, ok)
		}
	}
	for s, want := range map[string]int{"09:00": 540, "23:59": 1439, "00:00": 0, "24:00": -1, "9:00": -1, "09:60": -1, "0900": -1} {
		got, ok := ParseClock(s)
		if want < 0 && ok || want >= 0 && (!ok || got != want) {
			t.Errorf("ParseClock(%q) = %d, %v", s, got, ok)
		}
	}
}

func TestParseDeployWindowReportsEveryField(t *testing.T) {
	_, errs := ParseDeployWindow([]string{"Mon", "Funday"}, "9am", "16:00", "Mars/Olympus")
	var got []string
	for _, e := range errs {
		got = append(got, e.Field)
	}
	if strings.Join(got, ",") != "days,start,timezone" || errs[0].Index != 1 {
		t.Fatalf("errors %v", errs)
	}
	if _, errs := ParseDeployWindow(nil, "09:00", "09:00", ""); len(errs) != 2 {
		t.Fatalf("empty days and end==start: %v", errs)
	}
}

func TestDeployWindowOpen(t *testing.T) {
	berlin, _ := ParseDeployWindow([]string{"Mon", "Tue", "Wed", "Thu"}, "09:00", "16:00", "Europe/Berlin")
	for ts, want := range map[string]bool{
		"2026-12-02T08:00:00Z": true,  // Wed 09:00 CET
		"2026-12-02T07:59:00Z": false, // Wed 08:59 CET
		"2026-12-02T15:00:00Z": false, // Wed 16:00 CET: end is exclusive
		"2026-07-01T07:30:00Z": true,  // Wed 09:30 CEST (summer time)
		"2026-12-04T10:00:00Z": false, // Friday
	} {
		if got := berlin.Open(at(ts)); got != want {
			t.Errorf("Berlin window at %s: %v, want %v", ts, got, want)
		}
	}
	night, _ := ParseDeployWindow([]string{"Fri"}, "22:00", "06:00", "UTC")
	for ts, want := range map[string]bool{
		"2026-12-04T23:00:00Z": true,  // Fri 23:00
		"2026-12-05T05:00:00Z": true,  // Sat 05:00, the window that opened Friday
		"2026-12-05T23:00:00Z": false, // Sat 23:00
		"2026-12-04T05:00:00Z": false, // Fri 05:00 belongs to Thursday's window
	} {
		if got := night.Open(at(ts)); got != want {
			t.Errorf("overnight window at %s: %v, want %v", ts, got, want)
		}
	}
}

func TestCheckSchedule(t *testing.T) {
	f, _ := ParseFreeze("2026-12-24T00:00:00Z", "2026-12-27T00:00:00Z", "holiday freeze")
	w, _ := ParseDeployWindow([]string{"Mon", "Tue", "Wed", "Thu", "Fri"}, "09:00", "17:00", "UTC")
	if v := CheckSchedule(at("2026-12-25T10:00:00Z"), []Freeze{f}, &w); v == nil || !strings.Contains(v.Reason, `inside freeze window "holiday freeze"`) {
		t.Fatalf("in freeze: %v", v)
	}
	if v := CheckSchedule(at("2026-12-05T10:00:00Z"), []Freeze{f}, &w); v == nil || v.Reason != "outside the deploy window Mon,Tue,Wed,Thu,Fri 09:00–17:00 UTC (it is Sat 10:00 there now)" {
		t.Fatalf("weekend: %v", v)
	}
	if v := CheckSchedule(at("2026-12-02T10:00:00Z"), []Freeze{f}, &w); v != nil {
		t.Fatalf("open: %v", v)
	}
}

func TestCheckKeyAndName(t *testing.T) {
	for key, ok := range map[string]bool{
		"LOG_LEVEL": true, "db.url": true, "a-b": true, "": false, "A/B": false, "A B": false,
		"aws_region": false, "SSMfoo": false, strings.Repeat("k", 129): false,
	} {
		if err := CheckKey(key); (err == nil) != ok {
			t.Errorf("CheckKey(%q) = %v", key, err)
		}
	}
	for name, ok := range map[string]bool{"shop": true, "prod-2": true, "Shop": false, "-x": false, "": false, strings.Repeat("a", 41): false} {
		if err := CheckName(name); (err == nil) != ok {
			t.Errorf("CheckName(%q) = %v", name, err)
		}
	}
}

func TestMissingKeys(t *testing.T) {
	if got := MissingKeys([]string{"C", "A", "B"}, []string{"B"}); strings.Join(got, ",") != "A,C" {
		t.Fatalf("got %v", got)
	}
	if got := MissingKeys(nil, []string{"A"}); got != nil {
		t.Fatalf("got %v", got)
	}
}

func TestInvalidStartDoesNotAlsoBlameEnd(t *testing.T) {
	_, errs := ParseDeployWindow([]string{"Mon"}, "9am", "00:00", "UTC")
	if len(errs) != 1 || errs[0].Field != "start" {
		t.Fatalf("errors %v", errs)
	}
	if got := MissingKeys([]string{"A", "A"}, nil); len(got) != 1 {
		t.Fatalf("repeated source key listed %d times", len(got))
	}
}
