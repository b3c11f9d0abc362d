package deploy

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// HTTPHook calls a URL; any answer but 2xx fails the deployment. POST and
// PUT send the release as a JSON body (Release.JSON).
type HTTPHook struct {
	URL    string
	Method string // default POST
	// Headers are sent with the request, e.g. Authorization. Their values
	// may be secrets: no error or log line repeats them.
	Headers map[string]string
	Timeout time.Duration // default 5m
}

// RunRelease calls the hook for release r.
func (h HTTPHook) RunRelease(ctx context.Context, r Release) error { return h.call(ctx, r.JSON()) }

func (h HTTPHook) call(ctx context.Context, body []byte) error {
	method := h.Method
	if method == "" {
		method = http.MethodPost
	}
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var reader io.Reader
	if body != nil && method != http.MethodGet {
		reader = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, h.URL, reader)
	if err != nil {
		return fmt.Errorf("hook %s %s: %w", method, h.URL, err)
	}
	req.Header.Set("User-Agent", "golive-hook")
	if reader != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range h.Headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("hook %s %s: %w", method, h.URL, err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("hook %s %s answered HTTP %d: %s", method, h.URL, resp.StatusCode, strings.TrimSpace(string(answer)))
	}
	return nil
}

// ECSTaskHook runs a task to completion; a non-zero exit of any container
// fails the deployment. A database migration is the typical use. The
// container given (default: the task definition's first) gets Command, if
// any, and the release as GOLIVE_* environment variables (Release.Env).
type ECSTaskHook struct {
	Client         *ecs.Client
	Cluster        string
	TaskDefinition string
	Command        []string
	Container      string // container whose command and environment are overridden; default: the task's first
	LaunchType     string
	Subnets        []string
	SecurityGroups []string
	Timeout        time.Duration // default 30m
	// PollInterval is the time between DescribeTasks calls; default 2s.
	PollInterval time.Duration
}

// RunRelease runs the task for release r.
func (h ECSTaskHook) RunRelease(ctx context.Context, r Release) error {
	in, err := h.runTaskInput(ctx, r)
	if err != nil {
		return err
	}
	out, err := h.Client.RunTask(ctx, in)
	if err != nil {
		return fmt.Errorf("hook task %s: starting it: %w", h.TaskDefinition, err)
	}
	if len(out.Failures) > 0 || len(out.Tasks) == 0 {
		var why []string
		for _, f := range out.Failures {
			why = append(why, strings.TrimSpace(aws.ToString(f.Reason)+" "+aws.ToString(f.Detail)))
		}
		return fmt.Errorf("hook task %s did not start: %s", h.TaskDefinition, strings.Join(why, "; "))
	}
	return h.waitStopped(ctx, aws.ToString(out.Tasks[0].TaskArn))
}

// runTaskInput is the RunTask request: the task with its container's
// command and the release's variables.
func (h ECSTaskHook) runTaskInput(ctx context.Context, r Release) (*ecs.RunTaskInput, error) {
	in := &ecs.RunTaskInput{Cluster: aws.String(h.Cluster), TaskDefinition: aws.String(h.TaskDefinition), Count: aws.Int32(1), StartedBy: aws.String("golive-hook")}
	if h.LaunchType != "" {
		in.LaunchType = ecstypes.LaunchType(h.LaunchType)
	}
	if len(h.Subnets) > 0 {
		in.NetworkConfiguration = &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{Subnets: h.Subnets, SecurityGroups: h.SecurityGroups}}
	}
	container := h.Container
	if container == "" {
		td, err := h.Client.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(h.TaskDefinition)})
		if err != nil {
			return nil, fmt.Errorf("hook task %s: reading its containers: %w", h.TaskDefinition, err)
		}
		if len(td.TaskDefinition.ContainerDefinitions) == 0 {
			return nil, fmt.Errorf("hook task %s: the task definition has no containers", h.TaskDefinition)
		}
		container = aws.ToString(td.TaskDefinition.ContainerDefinitions[0].Name)
	}
	o := ecstypes.ContainerOverride{Name: aws.String(container), Command: h.Command}
	for _, kv := range r.Env() {
		o.Environment = append(o.Environment, ecstypes.KeyValuePair{Name: aws.String(kv[0]), Value: aws.String(kv[1])})
	}
	in.Overrides = &ecstypes.TaskOverride{ContainerOverrides: []ecstypes.ContainerOverride{o}}
	return in, nil
}

// waitStopped polls the task until it stops, then judges its containers'
// exit codes.
func (h ECSTaskHook) waitStopped(ctx context.Context, arn string) error {
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Minute
	}
	poll := h.PollInterval
	if poll <= 0 {
		poll = 2 * time.Second
	}
	deadline := time.Now().Add(timeout)
	for {
		d, err := h.Client.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(h.Cluster), Tasks: []string{arn}})
		if err != nil {
			return fmt.Errorf("hook task %s: %w", arn, err)
		}
		if len(d.Tasks) == 1 && aws.ToString(d.Tasks[0].LastStatus) == "STOPPED" {
			return taskOutcome(arn, d.Tasks[0])
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("hook task %s did not finish within %s", arn, timeout)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("hook task %s: %w", arn, context.Cause(ctx))
		case <-time.After(poll):
		}
	}
}

// taskOutcome fails a stopped task unless every container exited 0,
// naming the container and its exit code, or why it never ran.
func taskOutcome(arn string, t ecstypes.Task) error {
	st := stoppedTaskOf(t)
	for _, c := range st.Containers {
		switch {
		case c.ExitCode == nil:
			return fmt.Errorf("hook task %s: container %s stopped without an exit code: %s", arn, c.Name, st.why())
		case *c.ExitCode != 0:
			return fmt.Errorf("hook task %s: container %s exited with code %d: %s", arn, c.Name, *c.ExitCode, st.why())
		}
	}
	return nil
}
