// Package awsclient builds the aws-sdk-go-v2 configuration and the per-service
// clients golive uses. Clients are built once, lazily, and shared by every
// resource of a provider instance.
package awsclient

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Services lists the endpoint keys accepted in Config.Endpoints, in the
// provider's `endpoints` block.
var Services = []string{"cloudwatch", "dynamodb", "ecs", "elbv2", "eventbridge", "lambda", "route53", "sns", "ssm", "sts"}

// Defaults for the SDK retryer. AWS throttles per account, and every pipeline
// in an account shares the budget, so golive retries more patiently than the
// SDK's default of 3 attempts.
const (
	DefaultMaxAttempts = 10
	DefaultMaxBackoff  = 20 * time.Second
)

// AssumeRole configures an sts:AssumeRole hop on top of other credentials.
type AssumeRole struct {
	RoleARN     string
	SessionName string
	ExternalID  string
	Duration    time.Duration
	// Setting names, in errors, what configured the hop (e.g. "the
	// provider's ledger.assume_role"), so a refusal says what to fix.
	Setting string
}

// Config is what the provider block says about reaching AWS.
type Config struct {
	Region     string
	Profile    string
	AssumeRole *AssumeRole
	// Endpoints maps a key of Services to a URL. Services without an entry
	// use the SDK's resolution, which honours AWS_ENDPOINT_URL and
	// AWS_ENDPOINT_URL_<SERVICE>.
	Endpoints   map[string]string
	MaxAttempts int
	MaxBackoff  time.Duration
	// HTTPClient replaces the SDK's HTTP client; tests use it to inject faults.
	HTTPClient aws.HTTPClient
	UserAgent  string
}

// Identity is the caller as STS reports it.
type Identity struct {
	Account string
	ARN     string
	UserID  string
}

// Clients holds the resolved AWS configuration and the lazily built clients.
type Clients struct {
	cfg       aws.Config
	endpoints map[string]string

	cloudwatch lazy[*cloudwatch.Client]
	dynamodb   lazy[*dynamodb.Client]
	ecs        lazy[*ecs.Client]
	elbv2      lazy[*elasticloadbalancingv2.Client]
	events     lazy[*eventbridge.Client]
	lambda     lazy[*lambda.Client]
	route53    lazy[*route53.Client]
	sns        lazy[*sns.Client]
	ssm        lazy[*ssm.Client]
	sts        lazy[*sts.Client]

	identityMu sync.Mutex
	identity   *Identity
}

type lazy[T any] struct {
	once sync.Once
	v    T
}

func (l *lazy[T]) get(build func() T) T {
	l.once.Do(func() { l.v = build() })
	return l.v
}

// New resolves credentials and region through the aws-sdk-go-v2 config chain.
// It makes no network call; credentials are fetched on first use.
func New(ctx context.Context, c Config) (*Clients, error) {
	for key := range c.Endpoints {
		if !isService(key) {
			return nil, fmt.Errorf("unknown endpoint service %q: expected one of %s", key, strings.Join(Services, ", "))
		}
	}
	attempts := c.MaxAttempts
	if attempts <= 0 {
		attempts = DefaultMaxAttempts
	}
	backoff := c.MaxBackoff
	if backoff <= 0 {
		backoff = DefaultMaxBackoff
	}
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = attempts
				o.MaxBackoff = backoff
				// The client-side retry quota would turn a burst of
				// throttling into hard failures mid-cutover; attempts and
				// backoff already bound the retries.
				o.RateLimiter = ratelimit.None
				o.Backoff = newBackoff(backoff, retry.IsErrorThrottles(o.Throttles))
			})
		}),
	}
	if c.Region != "" {
		opts = append(opts, config.WithRegion(c.Region))
	}
	if c.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(c.Profile))
	}
	if c.HTTPClient != nil {
		opts = append(opts, config.WithHTTPClient(c.HTTPClient))
	}
	if c.UserAgent != "" {
		opts = append(opts, config.WithAppID(c.UserAgent))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("loading AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, fmt.Errorf("no AWS region: set region in the provider block or AWS_REGION")
	}
	cl := &Clients{cfg: cfg, endpoints: c.Endpoints}
	if ar := c.AssumeRole; ar != nil && ar.RoleARN != "" {
		// The hop itself uses the base credentials; every other client then
		// uses the assumed role's.
		cl.cfg.Credentials = assumeRole(cl, *ar)
	}
	return cl, nil
}

func isService(key string) bool {
	i := sort.SearchStrings(Services, key)
	return i < len(Services) && Services[i] == key
}

// Region is the resolved region.
func (c *Clients) Region() string { return c.cfg.Region }

// AWSConfig returns a copy of the resolved configuration.
func (c *Clients) AWSConfig() aws.Config { return c.cfg.Copy() }

// CallerIdentity asks STS who the credentials belong to, once per provider
// instance. A failure is not kept: the next caller asks again, so one call
// that ran out of retries does not fail every resource of the run.
func (c *Clients) CallerIdentity(ctx context.Context) (Identity, error) {
	c.identityMu.Lock()
	defer c.identityMu.Unlock()
	if c.identity != nil {
		return *c.identity, nil
	}
	out, err := c.STS().GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return Identity{}, fmt.Errorf("reading caller identity from STS: %w", err)
	}
	c.identity = &Identity{
		Account: aws.ToString(out.Account),
		ARN:     aws.ToString(out.Arn),
		UserID:  aws.ToString(out.UserId),
	}
	return *c.identity, nil
}
