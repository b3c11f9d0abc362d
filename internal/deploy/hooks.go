package deploy

import (
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

// HTTPHook calls a URL; any answer but 2xx fails the deployment.
type HTTPHook struct {
	URL     string
	Method  string
	Timeout time.Duration
}

func (h HTTPHook) Run(ctx context.Context) error {
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
	req, err := http.NewRequestWithContext(ctx, method, h.URL, nil)
	if err != nil {
		return fmt.Errorf("hook %s %s: %w", method, h.URL, err)
	}
	req.Header.Set("User-Agent", "golive-hook")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("hook %s %s: %w", method, h.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("hook %s %s answered HTTP %d: %s", method, h.URL, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return nil
}

// ECSTaskHook runs a task to completion; a non-zero exit of any essential
// container fails the deployment. A database migration is the typical use.
type ECSTaskHook struct {
	Client         *ecs.Client
	Cluster        string
	TaskDefinition string
	Command        []string
	Container      string // container whose command is overridden; default: the task's first
	LaunchType     string
	Subnets        []string
	SecurityGroups []string
	Timeout        time.Duration
}

func (h ECSTaskHook) Run(ctx context.Context) error {
	in := &ecs.RunTaskInput{Cluster: aws.String(h.Cluster), TaskDefinition: aws.String(h.TaskDefinition), Count: aws.Int32(1), StartedBy: aws.String("golive-hook")}
	if h.LaunchType != "" {
		in.LaunchType = ecstypes.LaunchType(h.LaunchType)
	}
	if len(h.Subnets) > 0 {
		in.NetworkConfiguration = &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{Subnets: h.Subnets, SecurityGroups: h.SecurityGroups}}
	}
	if len(h.Command) > 0 {
		container := h.Container
		if container == "" {
			td, err := h.Client.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(h.TaskDefinition)})
			if err != nil || len(td.TaskDefinition.ContainerDefinitions) == 0 {
				return fmt.Errorf("hook task %s: reading its containers: %v", h.TaskDefinition, err)
			}
			container = aws.ToString(td.TaskDefinition.ContainerDefinitions[0].Name)
		}
		in.Overrides = &ecstypes.TaskOverride{ContainerOverrides: []ecstypes.ContainerOverride{{Name: aws.String(container), Command: h.Command}}}
	}
	out, err := h.Client.RunTask(ctx, in)
	if err != nil {
		return fmt.Errorf("hook task %s: %w", h.TaskDefinition, err)
	}
	if len(out.Failures) > 0 || len(out.Tasks) == 0 {
		return fmt.Errorf("hook task %s did not start: %v", h.TaskDefinition, out.Failures)
	}
	arn := aws.ToString(out.Tasks[0].TaskArn)
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Minute
	}
	deadline := time.Now().Add(timeout)
	for {
		d, err := h.Client.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(h.Cluster), Tasks: []string{arn}})
		if err != nil {
			return fmt.Errorf("hook task %s: %w", arn, err)
		}
		if len(d.Tasks) == 1 && aws.ToString(d.Tasks[0].LastStatus) == "STOPPED" {
			for _, c := range d.Tasks[0].Containers {
				if c.ExitCode == nil {
					return fmt.Errorf("hook task %s: container %s stopped without an exit code: %s", arn, aws.ToString(c.Name), aws.ToString(c.Reason))
				}
				if *c.ExitCode != 0 {
					return fmt.Errorf("hook task %s: container %s exited with %d", arn, aws.ToString(c.Name), *c.ExitCode)
				}
			}
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("hook task %s did not finish within %s", arn, timeout)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("hook task %s: %w", arn, context.Cause(ctx))
		case <-time.After(2 * time.Second):
		}
	}
}
