package awsclient

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwschemas "github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"
)

// configFor returns the shared configuration with the service's endpoint
// override applied.
func (c *Clients) configFor(service string) aws.Config {
	cfg := c.cfg.Copy()
	if url := c.endpoints[service]; url != "" {
		cfg.BaseEndpoint = aws.String(url)
	}
	return cfg
}

// CloudWatch uses the SDK's default protocol (Smithy RPCv2-CBOR) against AWS.
// Only when an endpoint override is in effect (the provider's endpoints
// block, AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_CLOUDWATCH, or a shared config
// services section) does it speak the older query protocol, which AWS also
// accepts on every endpoint and which AWS-compatible servers such as
// emulators understand where they do not understand CBOR yet.
func (c *Clients) CloudWatch() *cloudwatch.Client {
	return c.cloudwatch.get(func() *cloudwatch.Client {
		return cloudwatch.NewFromConfig(c.configFor("cloudwatch"), queryProtocolAtOverride)
	})
}

// queryProtocolAtOverride selects the query protocol for a CloudWatch client
// whose endpoint was overridden. NewFromConfig resolves BaseEndpoint from
// every override source before it applies option functions, so this sees
// them all.
func queryProtocolAtOverride(o *cloudwatch.Options) {
	if o.BaseEndpoint != nil {
		o.Protocol = awsquery.New(cwschemas.GraniteServiceVersion20100801)
	}
}

func (c *Clients) DynamoDB() *dynamodb.Client {
	return c.dynamodb.get(func() *dynamodb.Client { return dynamodb.NewFromConfig(c.configFor("dynamodb")) })
}

func (c *Clients) ECS() *ecs.Client {
	return c.ecs.get(func() *ecs.Client { return ecs.NewFromConfig(c.configFor("ecs")) })
}

func (c *Clients) ELBv2() *elasticloadbalancingv2.Client {
	return c.elbv2.get(func() *elasticloadbalancingv2.Client {
		return elasticloadbalancingv2.NewFromConfig(c.configFor("elbv2"))
	})
}

func (c *Clients) Lambda() *lambda.Client {
	return c.lambda.get(func() *lambda.Client { return lambda.NewFromConfig(c.configFor("lambda")) })
}

func (c *Clients) Route53() *route53.Client {
	return c.route53.get(func() *route53.Client { return route53.NewFromConfig(c.configFor("route53")) })
}

func (c *Clients) SNS() *sns.Client {
	return c.sns.get(func() *sns.Client { return sns.NewFromConfig(c.configFor("sns")) })
}

func (c *Clients) SSM() *ssm.Client {
	return c.ssm.get(func() *ssm.Client { return ssm.NewFromConfig(c.configFor("ssm")) })
}

func (c *Clients) STS() *sts.Client {
	return c.sts.get(func() *sts.Client { return sts.NewFromConfig(c.configFor("sts")) })
}
