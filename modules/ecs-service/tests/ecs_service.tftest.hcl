# Mocked data sources answer like AWS in us-east-1; resources that others
# refer to by ARN get ARNs the aws provider accepts.
mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/shop-prod-api-mock" }
  }
  mock_resource "aws_lb_target_group" {
    defaults = {
      arn        = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-prod-api/0123456789abcdef"
      arn_suffix = "targetgroup/shop-prod-api/0123456789abcdef"
    }
  }
}
mock_provider "golive" {}

variables {
  environment_id     = "shop/prod"
  service            = "api"
  version_label      = "2.0.0"
  image_repository   = "registry.example.com/shop/api"
  cluster_arn        = "arn:aws:ecs:us-east-1:123456789012:cluster/shop-prod"
  vpc_id             = "vpc-0123456789abcdef0"
  subnet_ids         = ["subnet-00000000000000001", "subnet-00000000000000002"]
  security_group_ids = ["sg-0123456789abcdef0"]
  listener_arn       = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop-prod/0123456789abcdef/fedcba9876543210"
}

# What the ledger says unless a run says otherwise: blue live on 1.0.0.
override_data {
  target = data.golive_release.this
  values = { slot = "blue", idle_slot = "green", version = "1.0.0", slots = { blue = "1.0.0", green = "1.0.0" } }
}

# The split validates its destinations' deployment ids at plan; mocked ids
# would be random strings.
override_resource {
  target = golive_deployment.slot["blue"]
  values = { id = "shop/prod/api/blue" }
}

override_resource {
  target = golive_deployment.slot["green"]
  values = { id = "shop/prod/api/green" }
}

run "new_version_goes_to_the_idle_slot" {
  command = plan
  override_data {
    target = data.golive_release.this
    values = { slot = "blue", idle_slot = "green", version = "1.0.0", slots = { blue = "1.0.0", green = "0.9.0" } }
  }
  assert {
    condition     = golive_deployment.slot["green"].version == "2.0.0" && golive_deployment.slot["blue"].version == "1.0.0"
    error_message = "2.0.0 must go to the idle green slot; blue keeps 1.0.0"
  }
  assert {
    condition     = output.live_slot == "green"
    error_message = "green must become live"
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.slot["green"].container_definitions)[0].image == "registry.example.com/shop/api:2.0.0"
    error_message = "the image tag is the slot's version"
  }
}

run "same_version_changes_nothing" {
  command = plan
  override_data {
    target = data.golive_release.this
    values = { slot = "green", idle_slot = "blue", version = "2.0.0", slots = { blue = "1.0.0", green = "2.0.0" } }
  }
  assert {
    condition     = output.live_slot == "green" && golive_deployment.slot["blue"].version == "1.0.0" && golive_deployment.slot["green"].version == "2.0.0"
    error_message = "re-applying the live version must target the live slot and keep both versions"
  }
}

run "first_release_fills_both_slots" {
  command = plan
  override_data {
    target = data.golive_release.this
    values = { slot = null, idle_slot = "blue", version = null, slots = {} }
  }
  assert {
    condition     = output.live_slot == "blue" && golive_deployment.slot["green"].version == "2.0.0"
    error_message = "the first release goes live on blue and also fills green"
  }
}

run "rejects_bad_strategy" {
  command = plan
  variables {
    strategy = { kind = "big-bang" }
  }
  expect_failures = [var.strategy]
}

run "rejects_bad_version" {
  command = plan
  variables {
    version_label = "v 2"
  }
  expect_failures = [var.version_label]
}

run "rejects_bad_environment_id" {
  command = plan
  variables {
    environment_id = "prod"
  }
  expect_failures = [var.environment_id]
}

run "override_reaches_deployments_and_split" {
  command = plan
  variables {
    override_reason = "hotfix INC-1234"
  }
  override_data {
    target = data.golive_release.this
    values = { slot = "blue", idle_slot = "green", version = "1.0.0", slots = { blue = "1.0.0", green = "1.0.0" } }
  }
  assert {
    condition     = golive_deployment.slot["green"].override[0].reason == "hotfix INC-1234" && golive_traffic_split.this.override[0].reason == "hotfix INC-1234"
    error_message = "the override reason must reach both deployments and the traffic split"
  }
}

run "no_override_by_default" {
  command = plan
  override_data {
    target = data.golive_release.this
    values = { slot = "blue", idle_slot = "green", version = "1.0.0", slots = { blue = "1.0.0", green = "1.0.0" } }
  }
  assert {
    condition     = length(golive_deployment.slot["green"].override) == 0 && length(golive_traffic_split.this.override) == 0
    error_message = "gates must apply unless an override reason is given"
  }
}

run "rejects_blank_override_reason" {
  command = plan
  variables {
    override_reason = "  "
  }
  expect_failures = [var.override_reason]
}

run "split_creates_and_owns_the_listener_rule" {
  command = plan
  override_data {
    target = data.golive_release.this
    values = { slot = "blue", idle_slot = "green", version = "1.0.0", slots = { blue = "1.0.0", green = "1.0.0" } }
  }
  variables {
    rule_priority = 300
    path_patterns = ["/api/*", "/v2/*"]
  }
  assert {
    condition = (
      golive_traffic_split.this.alb[0].listener_arn == var.listener_arn &&
      golive_traffic_split.this.alb[0].rule[0].priority == 300 &&
      golive_traffic_split.this.alb[0].rule[0].path_patterns == tolist(["/api/*", "/v2/*"])
    )
    error_message = "the split must create the service's rule on the listener, with the module's priority and paths"
  }
}

run "preview_rules_come_before_the_service_rule" {
  command = plan
  override_data {
    target = data.golive_release.this
    values = { slot = "blue", idle_slot = "green", version = "1.0.0", slots = { blue = "1.0.0", green = "1.0.0" } }
  }
  assert {
    condition     = aws_lb_listener_rule.preview["blue"].priority == 98 && aws_lb_listener_rule.preview["green"].priority == 99
    error_message = "preview rules default to rule_priority - 2 and - 1"
  }
  assert {
    condition = alltrue([for slot in ["blue", "green"] : (
      aws_lb_listener_rule.preview[slot].listener_arn == var.listener_arn &&
      length(aws_lb_listener_rule.preview[slot].condition) == 2 &&
      one(flatten([for c in aws_lb_listener_rule.preview[slot].condition : c.http_header])).http_header_name == "X-Golive-Slot" &&
      one(flatten([for c in aws_lb_listener_rule.preview[slot].condition : c.http_header])).values == toset([slot]) &&
      one(flatten([for c in aws_lb_listener_rule.preview[slot].condition : c.path_pattern])).values == toset(["/*"])
    )])
    error_message = "each preview rule matches X-Golive-Slot: <slot> on the service's paths, and nothing else without preview_source_cidrs"
  }
}

run "rejects_preview_priorities_after_the_rule" {
  command = plan
  variables {
    rule_priority           = 1
    preview_rule_priorities = { blue = 40000, green = 40001 }
    preview_source_cidrs    = ["10.0.0.0/8"]
    preview_header          = "X-Canary-Slot"
  }
  override_data {
    target = data.golive_release.this
    values = { slot = "blue", idle_slot = "green", version = "1.0.0", slots = { blue = "1.0.0", green = "1.0.0" } }
  }
  expect_failures = [var.preview_rule_priorities]
}

run "preview_rules_with_cidrs" {
  command = plan
  variables {
    rule_priority           = 500
    preview_rule_priorities = { blue = 10, green = 11 }
    preview_source_cidrs    = ["10.0.0.0/8"]
    preview_header          = "X-Canary-Slot"
  }
  override_data {
    target = data.golive_release.this
    values = { slot = "blue", idle_slot = "green", version = "1.0.0", slots = { blue = "1.0.0", green = "1.0.0" } }
  }
  assert {
    condition = (
      aws_lb_listener_rule.preview["blue"].priority == 10 && aws_lb_listener_rule.preview["green"].priority == 11 &&
      one(flatten([for c in aws_lb_listener_rule.preview["green"].condition : c.http_header])).http_header_name == "X-Canary-Slot" &&
      one(flatten([for c in aws_lb_listener_rule.preview["green"].condition : c.source_ip])).values == toset(["10.0.0.0/8"])
    )
    error_message = "given priorities, header and source CIDRs reach the preview rules"
  }
}

run "rule_arn_output_is_the_split_rule" {
  command = apply
  override_data {
    target = data.golive_release.this
    values = { slot = "blue", idle_slot = "green", version = "1.0.0", slots = { blue = "1.0.0", green = "1.0.0" } }
  }
  override_resource {
    target = golive_traffic_split.this
    values = { alb = { rule_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/shop-prod/1/2/3" } }
  }
  assert {
    condition     = output.rule_arn == "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/shop-prod/1/2/3"
    error_message = "rule_arn is the rule the split created"
  }
}

run "rejects_rule_priority_without_room_for_previews" {
  command = plan
  variables {
    rule_priority = 2
  }
  expect_failures = [var.preview_rule_priorities]
}

run "rejects_too_many_paths" {
  command = plan
  variables {
    path_patterns = ["/a", "/b", "/c", "/d", "/e"]
  }
  expect_failures = [var.path_patterns]
}

run "rejects_bad_preview_header" {
  command = plan
  variables {
    preview_header = "X Golive"
  }
  expect_failures = [var.preview_header]
}

run "rejects_bad_preview_cidr" {
  command = plan
  variables {
    preview_source_cidrs = ["10.0.0.0"]
  }
  expect_failures = [var.preview_source_cidrs]
}

run "rejects_service_ending_in_dash" {
  command = plan
  variables {
    service = "api-"
  }
  expect_failures = [var.service]
}

run "rejects_environment_id_part_ending_in_dash" {
  command = plan
  variables {
    environment_id = "shop/prod-"
  }
  expect_failures = [var.environment_id]
}

run "short_names_kept_as_they_are" {
  command = plan
  override_data {
    target = data.golive_release.this
    values = { slot = "blue", idle_slot = "green", version = "1.0.0", slots = { blue = "1.0.0", green = "0.9.0" } }
  }
  assert {
    condition     = aws_lb_target_group.slot["blue"].name == "shop-prod-api-blue"
    error_message = "a short name must not be cut or hashed"
  }
}
