// Package emulator runs the moto AWS emulator for golive's tests: one server
// per test binary on a free loopback port, an isolated AWS account per test,
// and the server's request recorder for counting calls.
//
// It is test support only; no product code imports it.
package emulator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// Server is a running moto_server.
type Server struct {
	URL  string
	cmd  *exec.Cmd
	logs *bytes.Buffer
	// patch is the directory of motopatch, on moto's PYTHONPATH.
	patch string
	// recording is moto's request recording file (see recorder.go); moto
	// writes it to its working directory unless told otherwise.
	recording string
}

// Options tune the emulator process.
type Options struct {
	// ECSServiceRunning is passed as MOTO_ECS_SERVICE_RUNNING: the number of
	// running tasks moto reports for a new ECS service (0 never gets steady).
	ECSServiceRunning int
}

// Start launches moto_server on a free loopback port and waits until it
// answers. A missing moto_server is an error that says how to install it.
func Start(opts Options) (*Server, error) {
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		return nil, fmt.Errorf("moto_server not found on PATH: install the AWS emulator with `pip install 'moto[server]'`")
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &Server{URL: "http://127.0.0.1:" + strconv.Itoa(port), logs: &bytes.Buffer{}}
	s.cmd = exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	rec, err := os.CreateTemp("", "golive-moto-recording-*.jsonl")
	if err != nil {
		return nil, fmt.Errorf("creating the emulator's recording file: %w", err)
	}
	s.recording = rec.Name()
	if err := rec.Close(); err != nil {
		os.Remove(s.recording)
		return nil, fmt.Errorf("creating the emulator's recording file: %w", err)
	}
	if s.patch, err = writeMotoPatch(); err != nil {
		os.Remove(s.recording)
		return nil, fmt.Errorf("writing the emulator's patch: %w", err)
	}
	pythonPath := s.patch
	if p := os.Getenv("PYTHONPATH"); p != "" {
		pythonPath += string(os.PathListSeparator) + p
	}
	s.cmd.Env = append(os.Environ(), "MOTO_ECS_SERVICE_RUNNING="+strconv.Itoa(opts.ECSServiceRunning),
		"MOTO_RECORDER_FILEPATH="+s.recording, "PYTHONPATH="+pythonPath)
	s.cmd.Stdout = s.logs
	s.cmd.Stderr = s.logs
	// Own process group, so Stop also ends anything moto spawned; and a
	// parent death signal, so a test binary killed by `go test -timeout`
	// (which skips TestMain's Stop) does not leave moto running.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := s.cmd.Start(); err != nil {
		os.Remove(s.recording)
		os.RemoveAll(s.patch)
		return nil, fmt.Errorf("starting moto_server: %w", err)
	}
	if err := s.waitReady(30 * time.Second); err != nil {
		s.Stop()
		return nil, fmt.Errorf("%w\nmoto_server output:\n%s", err, s.logs.String())
	}
	// Lambda Invoke would otherwise need Docker.
	if err := s.post("/moto-api/config", `{"lambda":{"use_docker":false}}`); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// Stop ends the server and its process group.
func (s *Server) Stop() {
	if s == nil || s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
	os.Remove(s.recording)
	os.RemoveAll(s.patch)
}

// Reset wipes every account's state.
func (s *Server) Reset() error { return s.post("/moto-api/reset", "") }

func (s *Server) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		resp, err := http.Get(s.URL + "/moto-api/data.json")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if s.cmd.ProcessState != nil {
			return errors.New("moto_server exited before it was ready")
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("moto_server did not answer on %s within %s", s.URL, limit)
}

func (s *Server) post(path, body string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+path, bytes.NewBufferString(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("emulator %s: %w", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("emulator %s: HTTP %d", path, resp.StatusCode)
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
