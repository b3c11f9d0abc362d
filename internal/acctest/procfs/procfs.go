// Package procfs reads Linux /proc for the tests and benchmarks that watch
// processes they started: which children a process has, their command line
// and executable, how much memory and CPU they used.
//
// It is test support only; no product code imports it.
package procfs

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Root is where the proc file system is mounted.
const Root = "/proc"

// Process is one process as /proc shows it.
type Process struct {
	PID  int
	PPID int
	// Args is the command line; empty for kernel threads and zombies.
	Args []string
}

// List reads every process in /proc. A process that exits while List reads
// it is left out.
func List() ([]Process, error) {
	entries, err := os.ReadDir(Root)
	if err != nil {
		return nil, fmt.Errorf("listing processes: %w", err)
	}
	var out []Process
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join(Root, e.Name(), "stat"))
		if err != nil {
			continue
		}
		st, err := parseStat(stat)
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join(Root, e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		out = append(out, Process{PID: pid, PPID: st.ppid, Args: parseCmdline(cmdline)})
	}
	return out, nil
}

// Find returns the first process that match accepts.
func Find(match func(Process) bool) (Process, bool, error) {
	ps, err := List()
	if err != nil {
		return Process{}, false, err
	}
	for _, p := range ps {
		if match(p) {
			return p, true, nil
		}
	}
	return Process{}, false, nil
}

// Children are the processes whose parent is pid.
func Children(pid int) ([]Process, error) {
	ps, err := List()
	if err != nil {
		return nil, err
	}
	var out []Process
	for _, p := range ps {
		if p.PPID == pid {
			out = append(out, p)
		}
	}
	return out, nil
}

// Name is the base name of the process's first argument ("" if it has none).
func (p Process) Name() string {
	if len(p.Args) == 0 {
		return ""
	}
	return filepath.Base(p.Args[0])
}

// Exe is the path of pid's executable.
func Exe(pid int) (string, error) {
	return os.Readlink(filepath.Join(Root, strconv.Itoa(pid), "exe"))
}

// PeakRSS is pid's resident set high-water mark (VmHWM) in bytes.
func PeakRSS(pid int) (int64, error) {
	b, err := os.ReadFile(filepath.Join(Root, strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "VmHWM:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("reading VmHWM of process %d: %w", pid, err)
			}
			return kb * 1024, nil
		}
	}
	return 0, fmt.Errorf("process %d has no VmHWM (a kernel thread or a zombie)", pid)
}

// CPU is the user plus system time pid has used.
func CPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(filepath.Join(Root, strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, err
	}
	st, err := parseStat(b)
	if err != nil {
		return 0, fmt.Errorf("reading process %d: %w", pid, err)
	}
	return st.cpu, nil
}

// clockTicks is USER_HZ, the unit of the times in /proc/<pid>/stat: 100 on
// every Linux architecture Go supports.
const clockTicks = 100

type stat struct {
	ppid int
	cpu  time.Duration
}

// parseStat reads /proc/<pid>/stat: "pid (comm) state ppid ... utime stime
// ...". comm may hold spaces and parentheses, so fields are counted from
// its last closing parenthesis.
func parseStat(b []byte) (stat, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return stat{}, fmt.Errorf("stat %q has no command", b)
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is the state (field 3), f[1] the parent (4), f[11] and f[12]
	// utime and stime (14 and 15).
	if len(f) < 13 {
		return stat{}, fmt.Errorf("stat %q is too short", b)
	}
	ppid, err1 := strconv.Atoi(f[1])
	ut, err2 := strconv.ParseInt(f[11], 10, 64)
	st, err3 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return stat{}, fmt.Errorf("stat %q has a malformed number", b)
	}
	return stat{ppid: ppid, cpu: time.Duration(ut+st) * time.Second / clockTicks}, nil
}

// parseCmdline splits /proc/<pid>/cmdline, NUL-separated and NUL-ended.
func parseCmdline(b []byte) []string {
	b = bytes.TrimRight(b, "\x00")
	if len(b) == 0 {
		return nil
	}
	return strings.Split(string(b), "\x00")
}
