# Resources that other resources refer to by ARN get ARNs the aws provider
# accepts; mocks would give random strings.
mock_provider "aws" {
  mock_resource "aws_lb" {
    defaults = {
      arn        = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop-prod/0123456789abcdef"
      arn_suffix = "app/shop-prod/0123456789abcdef"
    }
  }
  mock_resource "aws_lb_listener" {
    defaults = {
      arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop-prod/0123456789abcdef/0000000000000000"
    }
  }
}
mock_provider "golive" {}

variables {
  application = "shop"
  name        = "prod"
  tier        = "production"
  # terraform test passes an ephemeral variable to apply only if the plan had it.
  secrets = {}
}

run "defaults" {
  command = plan
  assert {
    condition     = golive_environment.this.application == "shop" && golive_environment.this.name == "prod" && golive_environment.this.tier == "production"
    error_message = "the golive environment must carry application, name and tier"
  }
  assert {
    condition     = length(aws_lb.this) == 1 && aws_lb.this[0].name == "shop-prod" && length(aws_lb_listener.https) == 0 && aws_lb_listener.http[0].port == 80
    error_message = "without https: one load balancer shop-prod with an HTTP listener on 80 and no HTTPS listener"
  }
  assert {
    condition     = one(aws_lb_listener.http[0].default_action).type == "fixed-response"
    error_message = "without https, the HTTP listener answers unmatched paths with 404 (services add rules to it)"
  }
  assert {
    condition     = length(aws_subnet.public) == 2 && aws_subnet.public[1].cidr_block == "10.0.1.0/24" && length(aws_subnet.private) == 2 && aws_subnet.private[0].cidr_block == "10.0.10.0/24"
    error_message = "a public and a private /24 per zone: 10.0.0-1.0/24 and 10.0.10-11.0/24"
  }
  assert {
    condition     = length(aws_nat_gateway.this) == 1 && length(aws_vpc_endpoint.interface) == 0 && length(aws_route_table.private) == 2
    error_message = "private_nat by default: one NAT gateway (single_nat_gateway) and no endpoints"
  }
  assert {
    condition     = output.assign_public_ip == false && !aws_subnet.public[0].map_public_ip_on_launch
    error_message = "tasks in private subnets get no public IPs"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.http_5xx.alarm_name == "shop-prod-5xx"
    error_message = "alarm names must follow <application>-<name>-5xx"
  }
  assert {
    condition     = aws_ecs_cluster_capacity_providers.this.capacity_providers == toset(["FARGATE", "FARGATE_SPOT"])
    error_message = "the cluster offers FARGATE and FARGATE_SPOT by default"
  }
  assert {
    condition     = output.config_path == "/golive/shop/prod/"
    error_message = "config_path is /golive/<application>/<name>/"
  }
}

run "task_subnets_are_private" {
  override_resource {
    target = aws_subnet.private
    values = { id = "subnet-0000000000000000a" }
  }
  assert {
    condition     = length(output.subnet_ids) == 2 && alltrue([for s in output.subnet_ids : s == "subnet-0000000000000000a"]) && length(output.private_subnet_ids) == 2
    error_message = "tasks run in the private subnets"
  }
}

run "one_nat_gateway_per_zone" {
  command = plan
  variables {
    single_nat_gateway = false
    availability_zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
  }
  assert {
    condition     = length(aws_nat_gateway.this) == 3 && length(aws_eip.nat) == 3 && length(aws_subnet.private) == 3
    error_message = "one NAT gateway and EIP per zone when single_nat_gateway is false"
  }
}

run "vpc_endpoints_instead_of_nat" {
  command = plan
  variables {
    task_network = "private_endpoints"
  }
  assert {
    condition     = length(aws_nat_gateway.this) == 0 && toset(keys(aws_vpc_endpoint.interface)) == toset(["ecr.api", "ecr.dkr", "logs", "ssm"]) && length(aws_vpc_endpoint.s3) == 1
    error_message = "private_endpoints: interface endpoints for ECR, logs and SSM, a gateway endpoint for S3, no NAT"
  }
  assert {
    condition     = alltrue([for e in aws_vpc_endpoint.interface : e.private_dns_enabled && e.vpc_endpoint_type == "Interface"])
    error_message = "interface endpoints need private DNS so the SDKs in the tasks use them"
  }
}

run "public_tasks" {
  command = plan
  variables {
    task_network = "public"
  }
  assert {
    condition     = length(aws_subnet.private) == 0 && length(aws_nat_gateway.this) == 0 && output.assign_public_ip && aws_subnet.public[0].map_public_ip_on_launch
    error_message = "public: no private subnets, no NAT, tasks with public IPs"
  }
}

run "https_with_redirect" {
  variables {
    https = {
      certificate_arn             = "arn:aws:acm:us-east-1:123456789012:certificate/0123abcd-0123-4567-89ab-0123456789ab"
      additional_certificate_arns = ["arn:aws:acm:us-east-1:123456789012:certificate/1123abcd-0123-4567-89ab-0123456789ab"]
    }
  }
  override_resource {
    target = aws_lb_listener.https
    values = { arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop-prod/0123456789abcdef/1111111111111111" }
  }
  assert {
    condition = (
      aws_lb_listener.https[0].port == 443 && aws_lb_listener.https[0].protocol == "HTTPS" &&
      aws_lb_listener.https[0].certificate_arn == var.https.certificate_arn &&
      aws_lb_listener.https[0].ssl_policy == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    )
    error_message = "HTTPS on 443 with the certificate and a TLS 1.3 policy"
  }
  assert {
    condition     = length(aws_lb_listener_certificate.additional) == 1
    error_message = "additional certificates are attached to the HTTPS listener"
  }
  assert {
    condition = (
      one(aws_lb_listener.http[0].default_action).type == "redirect" &&
      one(one(aws_lb_listener.http[0].default_action).redirect).protocol == "HTTPS" &&
      one(one(aws_lb_listener.http[0].default_action).redirect).port == "443" &&
      one(one(aws_lb_listener.http[0].default_action).redirect).status_code == "HTTP_301"
    )
    error_message = "HTTP redirects to HTTPS (301)"
  }
  assert {
    condition     = output.listener_arn == "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop-prod/0123456789abcdef/1111111111111111"
    error_message = "services add their rules to the HTTPS listener"
  }
  assert {
    condition     = toset([for i in aws_security_group.alb[0].ingress : i.from_port]) == toset([80, 443])
    error_message = "the load balancer accepts 80 (to redirect) and 443"
  }
}

run "existing_network" {
  command = plan
  variables {
    existing_network = {
      vpc_id             = "vpc-0123456789abcdef0"
      public_subnet_ids  = ["subnet-00000000000000001", "subnet-00000000000000002"]
      private_subnet_ids = ["subnet-00000000000000003", "subnet-00000000000000004"]
    }
  }
  assert {
    condition     = length(aws_vpc.this) == 0 && length(aws_subnet.public) == 0 && length(aws_subnet.private) == 0 && length(aws_nat_gateway.this) == 0 && length(aws_internet_gateway.this) == 0
    error_message = "with existing_network, no network object is created"
  }
  assert {
    condition     = output.vpc_id == "vpc-0123456789abcdef0" && jsonencode(output.subnet_ids) == jsonencode(["subnet-00000000000000003", "subnet-00000000000000004"])
    error_message = "the given VPC, tasks in the given private subnets"
  }
  assert {
    condition     = aws_lb.this[0].subnets == toset(["subnet-00000000000000001", "subnet-00000000000000002"]) && aws_security_group.tasks.vpc_id == "vpc-0123456789abcdef0"
    error_message = "the load balancer the module creates sits in the given public subnets"
  }
}

run "existing_listener" {
  variables {
    existing_network = {
      vpc_id             = "vpc-0123456789abcdef0"
      private_subnet_ids = ["subnet-00000000000000003"]
    }
    existing_listener = {
      arn               = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shared/0123456789abcdef/fedcba9876543210"
      security_group_id = "sg-0123456789abcdef0"
    }
  }
  assert {
    condition     = length(aws_lb.this) == 0 && length(aws_lb_listener.http) == 0 && length(aws_lb_listener.https) == 0 && length(aws_security_group.alb) == 0
    error_message = "with existing_listener, no load balancer, listener or load balancer security group is created"
  }
  assert {
    condition     = output.listener_arn == var.existing_listener.arn && output.load_balancer_arn == null && output.http_listener_arn == null
    error_message = "services add their rules to the given listener"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.http_5xx.dimensions.LoadBalancer == "app/shared/0123456789abcdef" && output.load_balancer_arn_suffix == "app/shared/0123456789abcdef"
    error_message = "the LoadBalancer dimension comes from the given listener's ARN"
  }
  assert {
    condition     = one(aws_security_group.tasks.ingress).security_groups == toset(["sg-0123456789abcdef0"])
    error_message = "tasks accept traffic from the given load balancer's security group"
  }
}

run "release_rules_reach_the_environment" {
  command = plan
  variables {
    freezes        = [{ start = "2026-12-24T00:00:00Z", end = "2026-12-27T00:00:00Z", reason = "holiday" }]
    deploy_window  = { days = ["Mon", "Tue"], start = "09:00", end = "16:00", timezone = "Europe/Berlin" }
    notify         = { sns_topic_arn = "arn:aws:sns:us-east-1:123456789012:deploys", webhook_url = "https://hooks.example.com/x" }
    aws_account_id = "123456789012"
    variables      = { LOG_LEVEL = "info" }
  }
  assert {
    condition     = length(golive_environment.this.freeze) == 1 && golive_environment.this.freeze[0].reason == "holiday"
    error_message = "freezes must be passed to golive_environment"
  }
  assert {
    condition     = golive_environment.this.deploy_window[0].days == tolist(["Mon", "Tue"]) && golive_environment.this.deploy_window[0].timezone == "Europe/Berlin"
    error_message = "deploy_window must be passed to golive_environment"
  }
  assert {
    condition     = golive_environment.this.notify[0].sns_topic_arn == "arn:aws:sns:us-east-1:123456789012:deploys" && golive_environment.this.notify[0].webhook_url == "https://hooks.example.com/x"
    error_message = "notify must be passed to golive_environment"
  }
  assert {
    condition     = golive_environment.this.aws_account_id == "123456789012"
    error_message = "aws_account_id must be passed to golive_environment"
  }
  assert {
    condition     = output.variable_keys == tolist(["LOG_LEVEL"])
    error_message = "variable_keys are the keys of variables"
  }
}

run "no_deploy_window_or_notify_by_default" {
  command = plan
  assert {
    condition     = length(golive_environment.this.deploy_window) == 0 && length(golive_environment.this.notify) == 0 && golive_environment.this.aws_account_id == null
    error_message = "no deploy window, notify or account guard unless given"
  }
}

run "secrets_are_accepted" {
  command = plan
  variables {
    secrets         = { DB_PASSWORD = "s3cret" }
    secrets_version = 1
  }
  assert {
    condition     = golive_environment.this.secrets_wo_version == 1
    error_message = "secrets_version reaches secrets_wo_version"
  }
}

run "rejects_bad_tier" {
  command = plan
  variables {
    tier = "prod"
  }
  expect_failures = [var.tier]
}

run "rejects_bad_name" {
  command = plan
  variables {
    name = "Prod_1"
  }
  expect_failures = [var.name]
}

run "rejects_name_ending_in_dash" {
  command = plan
  variables {
    name = "prod-"
  }
  expect_failures = [var.name]
}

run "rejects_bad_parity" {
  command = plan
  variables {
    parity = "loose"
  }
  expect_failures = [var.parity]
}

run "rejects_bad_cidr" {
  command = plan
  variables {
    vpc_cidr = "10.0.0.0"
  }
  expect_failures = [var.vpc_cidr]
}

run "rejects_too_small_cidr" {
  command = plan
  variables {
    vpc_cidr = "10.0.0.0/24"
  }
  expect_failures = [var.vpc_cidr]
}

run "rejects_one_zone" {
  command = plan
  variables {
    availability_zones = ["us-east-1a"]
  }
  expect_failures = [var.availability_zones]
}

run "rejects_bad_certificate_arn" {
  command = plan
  variables {
    https = { certificate_arn = "arn:aws:iam::123456789012:server-certificate/shop" }
  }
  expect_failures = [var.https]
}

run "rejects_bad_ssl_policy" {
  command = plan
  variables {
    https = { certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/0123abcd-0123-4567-89ab-0123456789ab", ssl_policy = "TLS13" }
  }
  expect_failures = [var.https]
}

run "rejects_bad_task_network" {
  command = plan
  variables {
    task_network = "private"
  }
  expect_failures = [var.task_network]
}

run "rejects_bad_vpc_id" {
  command = plan
  variables {
    existing_network = { vpc_id = "shop-vpc", public_subnet_ids = ["subnet-00000000000000001", "subnet-00000000000000002"], private_subnet_ids = ["subnet-00000000000000003"] }
  }
  expect_failures = [var.existing_network]
}

run "rejects_bad_subnet_id" {
  command = plan
  variables {
    existing_network = { vpc_id = "vpc-0123456789abcdef0", public_subnet_ids = ["subnet-00000000000000001", "public-b"], private_subnet_ids = ["subnet-00000000000000003"] }
  }
  expect_failures = [var.existing_network]
}

run "rejects_existing_network_without_private_subnets" {
  command = plan
  variables {
    existing_network = { vpc_id = "vpc-0123456789abcdef0", public_subnet_ids = ["subnet-00000000000000001", "subnet-00000000000000002"] }
  }
  expect_failures = [var.existing_network]
}

run "rejects_existing_network_without_subnets_for_the_load_balancer" {
  command = plan
  variables {
    existing_network = { vpc_id = "vpc-0123456789abcdef0", private_subnet_ids = ["subnet-00000000000000003"] }
  }
  expect_failures = [var.existing_network]
}

run "rejects_bad_existing_listener" {
  command = plan
  variables {
    existing_listener = { arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shared/0123456789abcdef", security_group_id = "sg-0123456789abcdef0" }
  }
  expect_failures = [var.existing_listener]
}

run "rejects_bad_ingress_cidr" {
  command = plan
  variables {
    load_balancer_ingress_cidrs = ["10.0.0.0/33"]
  }
  expect_failures = [var.load_balancer_ingress_cidrs]
}

run "rejects_variable_key_that_is_no_env_name" {
  command = plan
  variables {
    variables = { "log-level" = "info" }
  }
  expect_failures = [var.variables]
}

run "rejects_key_in_variables_and_secrets" {
  command = plan
  variables {
    variables       = { DB_PASSWORD = "x" }
    secrets         = { DB_PASSWORD = "y" }
    secrets_version = 1
  }
  expect_failures = [var.secrets]
}

run "rejects_bad_account_id" {
  command = plan
  variables {
    aws_account_id = "1234"
  }
  expect_failures = [var.aws_account_id]
}

run "rejects_bad_deploy_window" {
  command = plan
  variables {
    deploy_window = { days = ["Monday"], start = "9:00", end = "16:00" }
  }
  expect_failures = [var.deploy_window]
}

run "rejects_bad_notify" {
  command = plan
  variables {
    notify = { sns_topic_arn = "deploys", webhook_url = "hooks.example.com" }
  }
  expect_failures = [var.notify]
}

run "rejects_bad_freeze_time" {
  command = plan
  variables {
    freezes = [{ start = "24.12.2026", end = "2026-12-27T00:00:00Z" }]
  }
  expect_failures = [var.freezes]
}
