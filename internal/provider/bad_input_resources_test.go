package provider_test

import (
	"fmt"
	"strings"
)

// env is the golive_environment shop/prod with body.
func env(body string) string { return envAs("shop", "prod", body) }

func envAs(application, name, body string) string {
	return fmt.Sprintf("resource \"golive_environment\" \"x\" {\n  application = %q\n  name = %q\n%s\n}\n", application, name, body)
}

// environmentBadInputs took over the table of environment_resource_test.go.
func environmentBadInputs() []badInput {
	return []badInput{
		{name: "environment upper-case application", config: envAs("Shop_App", "prod", ""),
			attr: `Attribute application`, fix: `must be 1-40 lower-case letters, digits or '-'`},
		{name: "environment empty name", config: envAs("shop", "", ""),
			attr: `Attribute name`, fix: `must be 1-40 lower-case letters, digits or '-', starting and ending with a letter or digit`},
		{name: "environment name ending in a dash", config: envAs("shop", "prod-", ""),
			attr: `Attribute name`, fix: `starting and ending with a letter or digit`},
		{name: "environment unknown tier", config: env(`  tier = "prod"`),
			attr: `Attribute tier value`, fix: `must be one of: \["development" "staging" "production"\]`},
		{name: "environment unknown parity", config: env(`  parity = "loose"`),
			attr: `Attribute parity value`, fix: `must be one of: \["off" "warn" "strict"\]`},
		{name: "environment promotes from itself", config: env(`  promotes_from = "prod"`),
			attr: `promotes_from "prod" is this environment's own name`, fix: `name the environment releases come from`},
		{name: "environment variable key with a space", config: env(`  variables = { "LOG LEVEL" = "x" }`),
			attr: `variables: key "LOG LEVEL"`, fix: `may contain only letters, digits, '_', '.' and '-'`},
		{name: "environment variable key reserved by SSM", config: env(`  variables = { aws_region = "x" }`),
			attr: `variables: key "aws_region"`, fix: `may not begin with "aws" or "ssm"`},
		{name: "environment secret key with a slash", config: env("  secrets_wo = { \"db/password\" = \"x\" }\n  secrets_wo_version = 1"),
			attr: `secrets_wo: key "db/password"`, fix: `may contain only letters, digits`},
		{name: "environment secrets without version", config: env(`  secrets_wo = { TOKEN = "x" }`),
			attr: `secrets_wo_version is required with secrets_wo`, fix: `bump secrets_wo_version \(e.g. 1, then 2\)`},
		{name: "environment freeze start not RFC 3339", config: env(freeze("24.12.2026", "2026-12-27T00:00:00Z")),
			attr: `freeze\[0\]\.start: "24.12.2026"`, fix: `is not an RFC 3339 time such as 2026-12-24T00:00:00Z`},
		{name: "environment freeze ending before it starts", config: env(freeze("2026-12-27T00:00:00Z", "2026-12-24T00:00:00Z")),
			attr: `freeze\[0\]\.end:`, fix: `must be after start`},
		{name: "environment freeze ending as it starts", config: env(freeze("2026-12-24T00:00:00Z", "2026-12-24T00:00:00Z")),
			attr: `freeze\[0\]\.end:`, fix: `must be after start`},
		{name: "environment deploy_window unknown weekday", config: env(window(`["Mon", "Funday"]`, "09:00", "16:00", "")),
			attr: `deploy_window\.days: "Funday" is not a weekday`, fix: `use one of Mon, Tue`},
		{name: "environment deploy_window 9am", config: env(window(`["Mon"]`, "9am", "16:00", "")),
			attr: `deploy_window\.start: "9am"`, fix: `is not a time of day in HH:MM \(24-hour\)`},
		{name: "environment deploy_window hour 25", config: env(window(`["Mon"]`, "09:00", "25:00", "")),
			attr: `deploy_window\.end: "25:00"`, fix: `is not a time of day in HH:MM \(24-hour\)`},
		{name: "environment deploy_window enforce at review", config: env("  deploy_window {\n    days = [\"Mon\"]\n    start = \"09:00\"\n    end = \"16:00\"\n    enforce = \"review\"\n  }"),
			attr: `Attribute deploy_window\[0\]\.enforce value`, fix: `must be one of: \["plan" "apply"\]`},
		{name: "environment deploy_window unknown time zone", config: env(window(`["Mon"]`, "09:00", "16:00", "Mars/Olympus")),
			attr: `deploy_window\.timezone: "Mars/Olympus"`, fix: `is not an IANA time zone such as Europe/Berlin`},
		{name: "environment notify with an SQS ARN", config: env(`  notify { sns_topic_arn = "arn:aws:sqs:us-east-1:123456789012:deploys" }`),
			attr: `Attribute notify\[0\]\.sns_topic_arn`, fix: `must be an SNS topic ARN such as arn:aws:sns:`},
		{name: "environment notify webhook over FTP", config: env(`  notify { webhook_url = "ftp://hooks" }`),
			attr: `notify\[0\]\.webhook_url: "ftp://hooks"`, fix: `is not an absolute http:// or https:// URL`},
		{name: "environment empty notify block", config: env("  notify {\n  }"),
			attr: `empty notify block`, fix: `set sns_topic_arn, event_bus_arn, webhook_url or any of them, or remove the notify block`},
		{name: "environment short account id", config: env(`  aws_account_id = "12345"`),
			attr: `Attribute aws_account_id`, fix: `must be a 12-digit AWS account ID`},
		{name: "environment override reason too short", config: env(`  override { reason = "x" }`),
			attr: `Attribute override\[0\]\.reason string length`, fix: `must be at least 3`},
	}
}

func freeze(start, end string) string {
	return fmt.Sprintf("  freeze {\n    start = %q\n    end = %q\n  }", start, end)
}

func window(days, start, end, timezone string) string {
	tz := ""
	if timezone != "" {
		tz = fmt.Sprintf("    timezone = %q\n", timezone)
	}
	return fmt.Sprintf("  deploy_window {\n    days = %s\n    start = %q\n    end = %q\n%s  }", days, start, end, tz)
}

// deployment is a golive_deployment of api 1.0.0 in shop/prod with body.
func deployment(body string) string { return deploymentAs("shop/prod", "api", "1.0.0", body) }

func deploymentAs(environment, service, version, body string) string {
	return fmt.Sprintf("resource \"golive_deployment\" \"x\" {\n  environment = %q\n  service = %q\n  version = %q\n%s\n}\n", environment, service, version, body)
}

const (
	lambdaOK = "  lambda {\n    function_name = \"api\"\n    version = \"3\"\n  }\n"
	ecsTD    = "    cluster_arn = \"arn:aws:ecs:us-east-1:123456789012:cluster/shop\"\n    task_definition_arn = \"arn:aws:ecs:us-east-1:123456789012:task-definition/api:7\"\n"
)

func ecsBlock(extra string) string { return "  ecs {\n" + ecsTD + extra + "  }\n" }

func deploymentBadInputs() []badInput {
	return []badInput{
		{name: "deployment environment without name", config: deploymentAs("shop", "api", "1", lambdaOK),
			attr: `Attribute environment`, fix: `must be an environment id <application>/<name>`},
		{name: "deployment upper-case service", config: deploymentAs("shop/prod", "API", "1", lambdaOK),
			attr: `Attribute service`, fix: `must be 1-40 lower-case letters`},
		{name: "deployment version with a space", config: deploymentAs("shop/prod", "api", "1.0 beta", lambdaOK),
			attr: `Attribute version`, fix: `must be 1-128 letters, digits, '.', '_', '\+' or '-'`},
		{name: "deployment upper-case slot", config: deployment("  slot = \"Blue\"\n" + lambdaOK),
			attr: `Attribute slot`, fix: `must be 1-40 lower-case letters`},
		{name: "deployment with both ecs and lambda", config: deployment(lambdaOK + ecsBlock("")),
			attr: `exactly one of ecs and lambda`, fix: `set exactly one of the two blocks`},
		{name: "deployment with neither ecs nor lambda", config: deployment(""),
			attr: `exactly one of ecs and lambda`, fix: `set exactly one of the two blocks`},
		{name: "deployment Lambda version LATEST", config: deployment("  lambda {\n    function_name = \"api\"\n    version = \"$LATEST\"\n  }"),
			attr: `Attribute lambda\[0\]\.version`, fix: `must be a published version number such as 3`},
		{name: "deployment ECS desired_count negative", config: deployment(ecsBlock("    desired_count = -1\n")),
			attr: `Attribute ecs\[0\]\.desired_count value`, fix: `must be between 0 and 5000`},
		{name: "deployment ECS launch type SPOT", config: deployment(ecsBlock("    launch_type = \"SPOT\"\n")),
			attr: `Attribute ecs\[0\]\.launch_type value`, fix: `must be one of: \["FARGATE" "EC2" "EXTERNAL"\]`},
		{name: "deployment ECS cluster that is a task definition ARN", config: deployment("  ecs {\n    cluster_arn = \"arn:aws:ecs:us-east-1:123456789012:task-definition/api:7\"\n    task_definition_arn = \"api:7\"\n  }"),
			attr: `Attribute ecs\[0\]\.cluster_arn`, fix: `must be an ECS cluster ARN or name`},
		{name: "deployment ECS task definition ARN of a service", config: deployment("  ecs {\n    cluster_arn = \"shop\"\n    task_definition_arn = \"arn:aws:ecs:us-east-1:123456789012:service/shop/api\"\n  }"),
			attr: `Attribute ecs\[0\]\.task_definition_arn`, fix: `must be a task definition ARN or family:revision`},
		{name: "deployment ECS service_name with a slash", config: deployment(ecsBlock("    service_name = \"api/blue\"\n")),
			attr: `Attribute ecs\[0\]\.service_name`, fix: `must be 1-255 letters, digits, '_' or '-'`},
		{name: "deployment ECS target group that is a listener", config: deployment(ecsBlock("    load_balancer {\n      target_group_arn = \"arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/1/2\"\n      container_name = \"api\"\n      container_port = 8080\n    }\n")),
			attr: `Attribute ecs\[0\]\.load_balancer\[0\]\.target_group_arn`, fix: `must be a target group ARN such as arn:aws:elasticloadbalancing:`},
		{name: "deployment ECS container port 70000", config: deployment(ecsBlock("    load_balancer {\n      target_group_arn = \"" + tgA + "\"\n      container_name = \"api\"\n      container_port = 70000\n    }\n")),
			attr: `Attribute ecs\[0\]\.load_balancer\[0\]\.container_port value`, fix: `must be between 1 and 65535`},
		{name: "deployment verify status 700", config: deployment(lambdaOK + "  verify {\n    http {\n      url = \"https://api.example.com/healthz\"\n      expect_status = 700\n    }\n  }"),
			attr: `Attribute verify\[0\]\.http\[0\]\.expect_status value`, fix: `must be between 100 and 599`},
		{name: "deployment verify relative URL", config: deployment(lambdaOK + "  verify {\n    http { url = \"/healthz\" }\n  }"),
			attr: `verify\[0\]\.http\[0\]\.url: "/healthz"`, fix: `is not an absolute http:// or https:// URL`},
		{name: "deployment verify interval of 10ms", config: deployment(lambdaOK + "  verify {\n    http {\n      url = \"https://api.example.com/healthz\"\n      interval = \"10ms\"\n    }\n  }"),
			attr: `verify\[0\]\.http\[0\]\.interval: 10ms`, fix: `is outside 100ms to 10m0s`},
		{name: "deployment verify zero successes", config: deployment(lambdaOK + "  verify {\n    http {\n      url = \"https://api.example.com/healthz\"\n      successes = 0\n    }\n  }"),
			attr: `Attribute verify\[0\]\.http\[0\]\.successes value`, fix: `must be between 1 and 100`},
		{name: "deployment hook at an unknown time", config: deployment(lambdaOK + "  hook {\n    when = \"during_verify\"\n    http { url = \"https://api.example.com/migrate\" }\n  }"),
			attr: `Attribute hook\[0\]\.when value`, fix: `must be one of: \["before_verify" "after_verify"\]`},
		{name: "deployment hook with http and ecs_task", config: deployment(lambdaOK + "  hook {\n    when = \"before_verify\"\n    http { url = \"https://api.example.com/migrate\" }\n" + strings.Replace(ecsBlock(""), "  ecs {", "    ecs_task {", 1) + "  }"),
			attr: `hook\[0\] needs exactly one of http`, fix: `and ecs_task \{ ... \}`},
		{name: "deployment hook with neither http nor ecs_task", config: deployment(lambdaOK + "  hook {\n    when = \"before_verify\"\n  }"),
			attr: `hook\[0\] needs exactly one of http`, fix: `and ecs_task \{ ... \}`},
		{name: "deployment hook method DELETE", config: deployment(lambdaOK + "  hook {\n    when = \"after_verify\"\n    http {\n      url = \"https://api.example.com/x\"\n      method = \"DELETE\"\n    }\n  }"),
			attr: `Attribute hook\[0\]\.http\[0\]\.method value`, fix: `must be one of: \["GET" "POST" "PUT"\]`},
		{name: "deployment ECS launch type and capacity provider strategy", config: deployment(ecsBlock("    launch_type = \"FARGATE\"\n    capacity_provider_strategy {\n      capacity_provider = \"FARGATE_SPOT\"\n    }\n")),
			attr: `ecs\[0\]\.capacity_provider_strategy\[0\]`, fix: `cannot be specified when .*ecs\[0\]\.launch_type`},
		{name: "deployment ECS capacity provider weight 2000", config: deployment(ecsBlock("    capacity_provider_strategy {\n      capacity_provider = \"FARGATE_SPOT\"\n      weight = 2000\n    }\n")),
			attr: `Attribute ecs\[0\]\.capacity_provider_strategy\[0\]\.weight value`, fix: `must be between 0 and 1000`},
		{name: "deployment ECS grace period without load balancer", config: deployment(ecsBlock("    health_check_grace_period = \"60s\"\n")),
			attr: `ecs\[0\]\.health_check_grace_period`, fix: `"ecs\[0\]\.load_balancer" must be specified`},
		{name: "deployment ECS grace period that is no duration", config: deployment(ecsBlock("    health_check_grace_period = \"soon\"\n")),
			attr: `ecs\[0\]\.health_check_grace_period`, fix: `duration`},
		{name: "deployment ECS propagate_tags ALL", config: deployment(ecsBlock("    propagate_tags = \"ALL\"\n")),
			attr: `Attribute ecs\[0\]\.propagate_tags value`, fix: `must be one of: \["SERVICE" "TASK_DEFINITION" "NONE"\]`},
		{name: "deployment ECS platform version 1.4", config: deployment(ecsBlock("    platform_version = \"1.4\"\n")),
			attr: `Attribute ecs\[0\]\.platform_version`, fix: `must be LATEST or a version such as 1.4.0`},
		{name: "deployment verify target health timeout of 3h", config: deployment(ecsBlock("") + "  verify {\n    target_health = true\n    target_health_timeout = \"3h\"\n  }"),
			attr: `verify\[0\]\.target_health_timeout: 3h`, fix: `is outside 1s to 2h0m0s`},
	}
}

// split is the golive_traffic_split of shop/prod's api with body.
func split(body string) string { return splitAs("shop/prod", "api", body) }

func splitAs(environment, service, body string) string {
	return fmt.Sprintf("resource \"golive_traffic_split\" \"x\" {\n  environment = %q\n  service = %q\n%s\n}\n", environment, service, body)
}

// splitBadInputs adds to splitBadInput (traffic_split_validation_test.go)
// what that table does not cover: the identity attributes, Route 53's
// record type and TTL, destination names and the override, and the formats
// of routers, targets, deployment ids and alarm names.
func splitBadInputs() []badInput {
	return []badInput{
		{name: "split environment with a service", config: splitAs("shop/prod/api", "api", albBlock+dest("blue", tgA, 100)),
			attr: `Attribute environment`, fix: `must be an environment id <application>/<name>, e.g. shop/prod`},
		{name: "split upper-case service", config: splitAs("shop/prod", "Api", albBlock+dest("blue", tgA, 100)),
			attr: `Attribute service`, fix: `must be 1-40 lower-case letters`},
		{name: "split destination name with a space", config: split(albBlock + dest("blue green", tgA, 100)),
			attr: `Attribute destination\[0\]\.name`, fix: `must be 1-64 letters, digits, '_' or '-'`},
		{name: "split Route 53 MX record", config: split("  route53 {\n    zone_id = \"Z123\"\n    name = \"api.example.com\"\n    type = \"MX\"\n    ttl = 60\n  }" + dest("blue", "blue.example.com", 100)),
			attr: `Attribute route53\[0\]\.type value`, fix: `must be one of: \["CNAME" "A" "AAAA" "TXT"\]`},
		{name: "split Route 53 negative TTL", config: split("  route53 {\n    zone_id = \"Z123\"\n    name = \"api.example.com\"\n    type = \"CNAME\"\n    ttl = -1\n  }" + dest("blue", "blue.example.com", 100)),
			attr: `Attribute route53\[0\]\.ttl value`, fix: `must be between 0 and 172800`},
		{name: "split override reason too short", config: split(albBlock + dest("blue", tgA, 100) + "\n  override { reason = \"ok\" }"),
			attr: `Attribute override\[0\]\.reason string length`, fix: `must be at least 3`},
		{name: "split rollback HTTP timeout of 2m", config: split(albBlock + dest("blue", tgA, 100) + "\n  rollback {\n    http {\n      url = \"https://api.example.com/healthz\"\n      timeout = \"2m\"\n    }\n  }"),
			attr: `rollback\[0\]\.http\[0\]\.timeout: 2m`, fix: `is outside 100ms to 1m0s`},
		{name: "split environment ending in a dash", config: splitAs("shop/prod-", "api", albBlock+dest("blue", tgA, 100)),
			attr: `Attribute environment`, fix: `must be an environment id <application>/<name>, e.g. shop/prod`},

		// Destinations: that there is one, and what they point at.
		{name: "split without destination", config: split(albBlock),
			attr: `destination: a traffic split needs at least one destination block`, fix: `e.g. destination \{ name = "blue", target = <target> or deployment = <golive_deployment id>, weight = 100 \}`},
		{name: "split deployment that is not an id", config: split(albBlock + deploymentDest("blue", "api-blue")),
			attr: `Attribute destination\[0\]\.deployment`, fix: `must be a golive_deployment id <application>/<environment>/<service>/<slot or version>, e.g. shop/prod/api/blue`},
		{name: "split deployment that is the split's own id", config: split(albBlock + deploymentDest("blue", "shop/prod/api")),
			attr: `Attribute destination\[0\]\.deployment`, fix: `must be a golive_deployment id`},
		{name: "split deployment of another environment", config: split(albBlock + deploymentDest("blue", "shop/staging/api/blue")),
			attr: `Attribute destination\[0\]\.deployment`, fix: `must start with "shop/prod/api/"`},
		{name: "split deployment of another service", config: split(albBlock + deploymentDest("blue", "shop/prod/web/blue")),
			attr: `Attribute destination\[0\]\.deployment`, fix: `must start with "shop/prod/api/"`},
		{name: "split ALB target that is a listener", config: split(albBlock + dest("blue", tgA, 50) + dest("green", albListener, 50)),
			attr: `Attribute destination\[1\]\.target`, fix: `must be a target group ARN with the alb router`},
		{name: "split Lambda target that is an alias", config: split(lambdaAliasBlock("api", "live") + dest("blue", "live", 100)),
			attr: `Attribute destination\[0\]\.target`, fix: `must be a published version number such as 3 with the lambda_alias router`},
		{name: "split Lambda target LATEST", config: split(lambdaAliasBlock("api", "live") + dest("blue", "2", 90) + dest("green", "$LATEST", 10)),
			attr: `Attribute destination\[1\]\.target`, fix: `not \$LATEST or an alias`},
		{name: "split Route 53 empty record value", config: split(route53Block("Z123", "api.example.com") + dest("blue", "", 100)),
			attr: `Attribute destination\[0\]\.target`, fix: `must be the record value with the route53 router`},

		// Routers.
		{name: "split ALB listener_arn of a target group", config: split("  alb {\n    listener_arn = \"" + tgA + "\"\n  }" + dest("blue", tgB, 100)),
			attr: `Attribute alb\[0\]\.listener_arn`, fix: `must be a load balancer listener ARN such as arn:aws:elasticloadbalancing:`},
		{name: "split ALB rule_arn of a listener", config: split("  alb {\n    rule_arn = \"" + albListener + "\"\n  }" + dest("blue", tgA, 100)),
			attr: `Attribute alb\[0\]\.rule_arn`, fix: `must be a listener rule ARN such as arn:aws:elasticloadbalancing:`},
		{name: "split Route 53 empty zone_id", config: split(route53Block("", "api.example.com") + dest("blue", "blue.example.com", 100)),
			attr: `Attribute route53\[0\]\.zone_id`, fix: `must be a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ`},
		{name: "split Route 53 empty record name", config: split(route53Block("Z123", "") + dest("blue", "blue.example.com", 100)),
			attr: `Attribute route53\[0\]\.name`, fix: `must be a DNS name such as api.example.com`},
		{name: "split Route 53 record name that is a URL", config: split(route53Block("Z123", "https://api.example.com/") + dest("blue", "blue.example.com", 100)),
			attr: `Attribute route53\[0\]\.name`, fix: `must be a DNS name such as api.example.com`},
		{name: "split Lambda empty function_name", config: split(lambdaAliasBlock("", "live") + dest("blue", "3", 100)),
			attr: `Attribute lambda_alias\[0\]\.function_name`, fix: `must be a Lambda function name \(1-64 letters, digits, '_' or '-'\) or its ARN`},
		{name: "split Lambda function_name with a version", config: split(lambdaAliasBlock("api:3", "live") + dest("blue", "3", 100)),
			attr: `Attribute lambda_alias\[0\]\.function_name`, fix: `or its ARN without a qualifier`},
		{name: "split Lambda empty alias", config: split(lambdaAliasBlock("api", "") + dest("blue", "3", 100)),
			attr: `Attribute lambda_alias\[0\]\.alias`, fix: `must be an alias name of 1-128 letters, digits, '_' or '-', not only digits`},
		{name: "split Lambda alias that is a version", config: split(lambdaAliasBlock("api", "3") + dest("blue", "3", 100)),
			attr: `Attribute lambda_alias\[0\]\.alias`, fix: `not only digits \(that is a version\)`},

		// Gates.
		{name: "split rollback empty alarm name", config: split(albBlock + dest("blue", tgA, 100) + "\n  rollback {\n    alarms = [\"\"]\n  }"),
			attr: `Attribute rollback\[0\]\.alarms\[0\]`, fix: `must be a CloudWatch alarm name of 1-255 characters without control characters`},
		{name: "split rollback alarm name of 256 characters", config: split(albBlock + dest("blue", tgA, 100) + "\n  rollback {\n    alarms = [\"shop-prod-5xx\", \"" + strings.Repeat("a", 256) + "\"]\n  }"),
			attr: `Attribute rollback\[0\]\.alarms\[1\]`, fix: `must be a CloudWatch alarm name of 1-255 characters`},
		{name: "split rollback alarm name with a line break", config: split(albBlock + dest("blue", tgA, 100) + "\n  rollback {\n    alarms = [\"shop-prod\\n5xx\"]\n  }"),
			attr: `Attribute rollback\[0\]\.alarms\[0\]`, fix: `without control characters`},
	}
}

const albListener = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/1/2"

func deploymentDest(name, deployment string) string {
	return fmt.Sprintf("\n  destination {\n    name = %q\n    deployment = %q\n    weight = 100\n  }", name, deployment)
}

func lambdaAliasBlock(function, alias string) string {
	return fmt.Sprintf("  lambda_alias {\n    function_name = %q\n    alias = %q\n  }", function, alias)
}

func route53Block(zone, name string) string {
	return fmt.Sprintf("  route53 {\n    zone_id = %q\n    name = %q\n    type = \"CNAME\"\n    ttl = 60\n  }", zone, name)
}
