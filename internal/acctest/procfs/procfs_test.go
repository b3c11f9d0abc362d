package procfs

import (
	"os"
	"os/exec"
	"reflect"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      string
		want    stat
		wantErr bool
	}{
		{
			name: "plain command",
			in:   "4242 (terraform) S 17 4242 17 0 -1 4194560 1 0 0 0 250 50 0 0 20 0 12 0 100 0 0\n",
			want: stat{ppid: 17, cpu: 3 * time.Second},
		},
		{
			name: "command with spaces and parentheses",
			in:   "7 (a b) c) (d) R 1 7 7 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 0 0 0",
			want: stat{ppid: 1, cpu: 30 * time.Millisecond},
		},
		{name: "no command", in: "7 a b", wantErr: true},
		{name: "too short", in: "7 (x) S 1 7 7", wantErr: true},
		{name: "malformed parent", in: "7 (x) S p 7 7 0 -1 0 0 0 0 0 1 2 0", wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseStat([]byte(tc.in))
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Fatalf("parseStat(%q) = %+v, %v; want %+v, error %v", tc.in, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestParseCmdline(t *testing.T) {
	for in, want := range map[string][]string{
		"moto_server\x00-H\x00127.0.0.1\x00-p\x005000\x00": {"moto_server", "-H", "127.0.0.1", "-p", "5000"},
		"terraform\x00":         {"terraform"},
		"no-trailing-nul":       {"no-trailing-nul"},
		"with\x00\x00empty\x00": {"with", "", "empty"},
		"":                      nil,
	} {
		if got := parseCmdline([]byte(in)); !reflect.DeepEqual(got, want) {
			t.Errorf("parseCmdline(%q) = %q, want %q", in, got, want)
		}
	}
}

// The test process and a child it starts, read back through /proc.
func TestProcesses(t *testing.T) {
	child := exec.Command("sleep", "30")
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Kill fails only when sleep has exited already; Wait reaps it
		// either way.
		_ = child.Process.Kill()
		_ = child.Wait()
	})

	self, ok, err := Find(func(p Process) bool { return p.PID == os.Getpid() })
	if err != nil || !ok {
		t.Fatalf("this process not found: %v", err)
	}
	if self.PPID != os.Getppid() || !reflect.DeepEqual(self.Args, os.Args) {
		t.Errorf("this process read as %+v; want parent %d and args %q", self, os.Getppid(), os.Args)
	}
	kids, err := Children(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, k := range kids {
		if k.PID == child.Process.Pid {
			found = true
			if k.Name() != "sleep" || !reflect.DeepEqual(k.Args, []string{"sleep", "30"}) {
				t.Errorf("child read as %+v (name %q)", k, k.Name())
			}
		}
	}
	if !found {
		t.Errorf("child %d not among the children %+v", child.Process.Pid, kids)
	}

	exe, err := Exe(os.Getpid())
	if want, _ := os.Executable(); err != nil || exe != want {
		t.Errorf("Exe = %q, %v; want %q", exe, err, want)
	}
	if rss, err := PeakRSS(os.Getpid()); err != nil || rss <= 0 {
		t.Errorf("PeakRSS = %d, %v", rss, err)
	}
	if _, err := CPU(os.Getpid()); err != nil {
		t.Errorf("CPU: %v", err)
	}
	if _, err := CPU(-1); err == nil {
		t.Error("CPU of no process: no error")
	}
	if (Process{}).Name() != "" {
		t.Error("a process without arguments has a name")
	}
}
