package deploy

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// StoppedTask is why one task stopped, as DescribeTasks tells it.
type StoppedTask struct {
	ID         string // the task id, the last part of its ARN
	StopCode   string // e.g. TaskFailedToStart, EssentialContainerExited
	Reason     string // the task's stoppedReason
	Containers []StoppedContainer
	StoppedAt  time.Time
}

// StoppedContainer is one container of a stopped task.
type StoppedContainer struct {
	Name     string
	ExitCode *int32 // nil when the container never ran
	Reason   string
}

// maxStoppedTasks bounds the stopped tasks read for an error: one
// ListTasks page, one DescribeTasks call.
const maxStoppedTasks = 100

// stoppedTasks reads the tasks of the ECS deployment (their startedBy) that
// ECS stopped, newest first. ECS lists stopped tasks for about an hour.
func (e *ECS) stoppedTasks(ctx context.Context, cluster, deployment string) ([]StoppedTask, error) {
	list, err := e.Client.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String(cluster), StartedBy: aws.String(deployment),
		DesiredStatus: ecstypes.DesiredStatusStopped, MaxResults: aws.Int32(maxStoppedTasks)})
	if err != nil {
		return nil, fmt.Errorf("listing the stopped tasks of ECS deployment %s: %w", deployment, err)
	}
	if len(list.TaskArns) == 0 {
		return nil, nil
	}
	out, err := e.Client.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: list.TaskArns})
	if err != nil {
		return nil, fmt.Errorf("reading the stopped tasks of ECS deployment %s: %w", deployment, err)
	}
	tasks := make([]StoppedTask, 0, len(out.Tasks))
	for _, t := range out.Tasks {
		tasks = append(tasks, stoppedTaskOf(t))
	}
	slices.SortStableFunc(tasks, func(a, b StoppedTask) int { return b.StoppedAt.Compare(a.StoppedAt) })
	return tasks, nil
}

func stoppedTaskOf(t ecstypes.Task) StoppedTask {
	arn := aws.ToString(t.TaskArn)
	st := StoppedTask{ID: arn[strings.LastIndex(arn, "/")+1:], StopCode: string(t.StopCode), Reason: aws.ToString(t.StoppedReason),
		StoppedAt: aws.ToTime(t.StoppedAt)}
	for _, c := range t.Containers {
		st.Containers = append(st.Containers, StoppedContainer{Name: aws.ToString(c.Name), ExitCode: c.ExitCode, Reason: aws.ToString(c.Reason)})
	}
	return st
}

// why is what a stopped task says, without its id: `Essential container in
// task exited [EssentialContainerExited]; container api exited with code 1
// (OutOfMemoryError: Container killed due to memory usage)`.
func (t StoppedTask) why() string {
	var parts []string
	head := clip(t.Reason, 300)
	if head == "" {
		head = "stopped"
	}
	if t.StopCode != "" {
		head += " [" + t.StopCode + "]"
	}
	parts = append(parts, head)
	for _, c := range t.Containers {
		if c.ExitCode == nil && c.Reason == "" || c.ExitCode != nil && *c.ExitCode == 0 && c.Reason == "" {
			continue
		}
		s := "container " + c.Name
		if c.ExitCode != nil {
			s += fmt.Sprintf(" exited with code %d", *c.ExitCode)
		} else {
			s += " did not run"
		}
		if c.Reason != "" {
			s += " (" + clip(c.Reason, 300) + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// maxReasonGroups bounds the distinct reasons an error lists.
const maxReasonGroups = 5

// summarizeStopped groups stopped tasks by what they say, most frequent
// first, in at most maxReasonGroups lines:
// `3 tasks (1a2b, 3c4d, 5e6f): Essential container in task exited ...`.
func summarizeStopped(tasks []StoppedTask) []string {
	type group struct {
		why string
		ids []string
	}
	var groups []*group
	byWhy := map[string]*group{}
	for _, t := range tasks {
		w := t.why()
		g, ok := byWhy[w]
		if !ok {
			g = &group{why: w}
			byWhy[w] = g
			groups = append(groups, g)
		}
		g.ids = append(g.ids, t.ID)
	}
	slices.SortStableFunc(groups, func(a, b *group) int { return len(b.ids) - len(a.ids) })
	var lines []string
	for i, g := range groups {
		if i == maxReasonGroups {
			lines = append(lines, fmt.Sprintf("and %d more tasks stopped for other reasons", countFrom(groups[i:], func(g *group) int { return len(g.ids) })))
			break
		}
		ids := g.ids
		more := ""
		if len(ids) > 3 {
			ids, more = ids[:3], fmt.Sprintf(" and %d more", len(g.ids)-3)
		}
		noun := "task"
		if len(g.ids) > 1 {
			noun = "tasks"
		}
		lines = append(lines, fmt.Sprintf("%d %s (%s%s): %s", len(g.ids), noun, strings.Join(ids, ", "), more, g.why))
	}
	return lines
}

func countFrom[T any](xs []T, n func(T) int) int {
	total := 0
	for _, x := range xs {
		total += n(x)
	}
	return total
}

// clip shortens s to at most n bytes on a rune boundary, marking the cut.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
