package provider

import (
	"context"
	"fmt"
	"sync"

	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/golive-dev/terraform-provider-golive/internal/awsclient"
	"github.com/golive-dev/terraform-provider-golive/internal/deploy"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
	"github.com/golive-dev/terraform-provider-golive/internal/router"
)

// readCache lets the Read of every resource of one environment share two
// reads: the environment's ledger records (one Query) and the ECS services
// its releases name (DescribeServices, ten at a time); and the Read of every
// traffic split whose listener rule is on one listener share one read of
// the listener's rules. A refresh then costs at most one call per resource
// instead of two or three.
//
// It lives as long as one configured provider: Terraform configures the
// provider afresh for every walk (plan, apply, import), and a plan walk
// only reads, so nothing the cache holds can be outdated by the provider's
// own writes; and in case a walk both writes and reads (an apply that reads
// a data source depending on a resource it changed), every write forgets the
// cache. Read, the plan-time gates of traffic splits and the golive_release
// data source use it; Create, Update and Delete read the ledger directly.
type readCache struct {
	ledger *ledger.Ledger
	aws    *awsclient.Clients

	mu        sync.Mutex
	envs      map[string]*envReads
	listeners map[string]*listenerReads // by listener ARN
}

// listenerReads are the rules of one ALB listener, read once for every
// split whose rule is on it (a platform stack's services share their
// environment's listener). A failed read is not kept.
type listenerReads struct {
	mu    sync.Mutex
	rules map[string]elbtypes.Rule // by rule ARN; nil until read
}

// envReads is what one environment's resources share. Its lock makes
// concurrent Reads of the environment wait for the first one's calls
// instead of repeating them; a failed read is not kept, so the next Read
// tries again.
type envReads struct {
	mu        sync.Mutex
	partition *ledger.Partition
	// services are the environment's ECS services by ecsKey, read once;
	// asked lists every service that read asked for.
	services map[string]*deploy.Live
	asked    map[string]bool
}

func newReadCache(l *ledger.Ledger, clients *awsclient.Clients) *readCache {
	c := &readCache{ledger: l, aws: clients}
	c.forget()
	return c
}

// forget drops everything read so far. Every Create, Update and Delete calls
// it when it ends, so a read made after a write of this provider instance
// (a data source Terraform reads during apply) never sees what was there
// before the write.
func (c *readCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.envs = map[string]*envReads{}
	c.listeners = map[string]*listenerReads{}
}

// ListenerRule answers as the rule's own DescribeRules does, from one read
// of every rule of its listener; false when the listener has no such rule.
func (c *readCache) ListenerRule(ctx context.Context, listenerARN, ruleARN string) (elbtypes.Rule, bool, error) {
	c.mu.Lock()
	l, ok := c.listeners[listenerARN]
	if !ok {
		l = &listenerReads{}
		c.listeners[listenerARN] = l
	}
	c.mu.Unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.rules == nil {
		rules, err := router.ListenerRules(ctx, c.aws.ELBv2(), listenerARN)
		if err != nil {
			return elbtypes.Rule{}, false, err
		}
		l.rules = rules
	}
	r, ok := l.rules[ruleARN]
	return r, ok, nil
}

func (c *readCache) env(id string) *envReads {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.envs[id]
	if !ok {
		e = &envReads{}
		c.envs[id] = e
	}
	return e
}

// partitionLocked reads the environment's ledger records once; e.mu held.
func (c *readCache) partitionLocked(ctx context.Context, e *envReads, env string) (*ledger.Partition, error) {
	if e.partition == nil {
		p, err := c.ledger.ReadPartition(ctx, env)
		if err != nil {
			return nil, err
		}
		e.partition = p
	}
	return e.partition, nil
}

func (c *readCache) partition(ctx context.Context, env string) (*ledger.Partition, error) {
	e := c.env(env)
	e.mu.Lock()
	defer e.mu.Unlock()
	return c.partitionLocked(ctx, e, env)
}

// Environment answers as ledger.GetEnvironment does.
func (c *readCache) Environment(ctx context.Context, id string) (*ledger.Environment, error) {
	p, err := c.partition(ctx, id)
	if err != nil {
		return nil, err
	}
	return p.GetEnvironment()
}

// environmentIfRead is the environment record if this walk read its
// records already, without reading.
func (c *readCache) environmentIfRead(id string) (*ledger.Environment, bool) {
	e := c.env(id)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.partition == nil {
		return nil, false
	}
	env, err := e.partition.GetEnvironment()
	return env, err == nil
}

// Release answers as ledger.GetRelease does.
func (c *readCache) Release(ctx context.Context, env, service string) (*ledger.Release, error) {
	p, err := c.partition(ctx, env)
	if err != nil {
		return nil, err
	}
	return p.GetRelease(service)
}

// Split answers as ledger.GetSplit does.
func (c *readCache) Split(ctx context.Context, env, service string) (*ledger.Split, error) {
	p, err := c.partition(ctx, env)
	if err != nil {
		return nil, err
	}
	return p.GetSplit(service)
}

func ecsKey(cluster, name string) string { return cluster + "\x00" + name }

// ECSService answers as deploy.ECS.Describe does. The first call of an
// environment reads every ECS service its release records name, and the
// asked one, grouped by cluster.
func (c *readCache) ECSService(ctx context.Context, env, cluster, name string) (*deploy.Live, error) {
	e := c.env(env)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.services == nil {
		if err := c.readServicesLocked(ctx, e, env, cluster, name); err != nil {
			return nil, err
		}
	}
	key := ecsKey(cluster, name)
	if live, ok := e.services[key]; ok {
		return live, nil
	}
	if e.asked[key] {
		return nil, fmt.Errorf("ECS service %s in %s: %w", name, cluster, deploy.ErrServiceNotFound)
	}
	// Not named by the ledger when the environment was read: ask alone.
	return (&deploy.ECS{Client: c.aws.ECS()}).Describe(ctx, cluster, name)
}

func (c *readCache) readServicesLocked(ctx context.Context, e *envReads, env, cluster, name string) error {
	p, err := c.partitionLocked(ctx, e, env)
	if err != nil {
		return err
	}
	byCluster := map[string][]string{cluster: {name}}
	asked := map[string]bool{ecsKey(cluster, name): true}
	for _, rel := range p.Releases() {
		for _, s := range rel.Slots {
			if s.ECSService == "" || asked[ecsKey(s.Cluster, s.ECSService)] {
				continue
			}
			asked[ecsKey(s.Cluster, s.ECSService)] = true
			byCluster[s.Cluster] = append(byCluster[s.Cluster], s.ECSService)
		}
	}
	services := map[string]*deploy.Live{}
	client := &deploy.ECS{Client: c.aws.ECS()}
	for cl, names := range byCluster {
		live, err := client.DescribeAll(ctx, cl, names)
		if err != nil {
			return err
		}
		for n, l := range live {
			services[ecsKey(cl, n)] = l
		}
	}
	e.services, e.asked = services, asked
	return nil
}
