# Per-slot alarms on each slot's own target group, and the gates that use
# them: the alarms of the slot gaining traffic roll the cutover back, each
# deployment is verified by its own slot's alarms.
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

override_data {
  target = data.golive_release.this
  values = { slot = "blue", idle_slot = "green", version = "1.0.0", slots = { blue = "1.0.0", green = "1.0.0" } }
}

override_resource {
  target = golive_deployment.slot["blue"]
  values = { id = "shop/prod/api/blue" }
}

override_resource {
  target = golive_deployment.slot["green"]
  values = { id = "shop/prod/api/green" }
}

override_resource {
  target = aws_lb_target_group.slot["blue"]
  values = {
    arn        = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-prod-api-blue/1111111111111111"
    arn_suffix = "targetgroup/shop-prod-api-blue/1111111111111111"
  }
}

override_resource {
  target = aws_lb_target_group.slot["green"]
  values = {
    arn        = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-prod-api-green/2222222222222222"
    arn_suffix = "targetgroup/shop-prod-api-green/2222222222222222"
  }
}

run "each_slot_is_watched_on_its_own_target_group" {
  assert {
    condition = alltrue([for slot, id in { blue = "1111111111111111", green = "2222222222222222" } : alltrue([
      for q in aws_cloudwatch_metric_alarm.slot_5xx[slot].metric_query : q.metric[0].dimensions == tomap({
        TargetGroup  = "targetgroup/shop-prod-api-${slot}/${id}"
        LoadBalancer = "app/shop-prod/0123456789abcdef"
      }) if length(q.metric) > 0
    ])])
    error_message = "the 5xx queries of each slot carry its TargetGroup and the LoadBalancer dimension"
  }
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.slot_latency["green"].dimensions == tomap({ TargetGroup = "targetgroup/shop-prod-api-green/2222222222222222", LoadBalancer = "app/shop-prod/0123456789abcdef" }) &&
      aws_cloudwatch_metric_alarm.slot_latency["green"].extended_statistic == "p99" && aws_cloudwatch_metric_alarm.slot_latency["green"].threshold == 1
    )
    error_message = "the latency alarm of green watches green's target group at p99 above 1 s"
  }
  assert {
    condition = (
      one([for q in aws_cloudwatch_metric_alarm.slot_5xx["blue"].metric_query : q if q.id == "rate"]).expression == "100 * FILL(errors, 0) / requests" && one([for q in aws_cloudwatch_metric_alarm.slot_5xx["blue"].metric_query : q if q.id == "rate"]).return_data &&
      aws_cloudwatch_metric_alarm.slot_5xx["blue"].threshold == 5 && aws_cloudwatch_metric_alarm.slot_5xx["blue"].treat_missing_data == "notBreaching"
    )
    error_message = "the 5xx alarm fires on a 5xx share above 5% of the slot's requests; no traffic is no alarm"
  }
  assert {
    condition     = jsonencode(output.slot_alarm_names) == jsonencode({ blue = ["shop-prod-api-blue-5xx", "shop-prod-api-blue-latency"], green = ["shop-prod-api-green-5xx", "shop-prod-api-green-latency"] })
    error_message = "alarm names are <application>-<env>-<service>-<slot>-5xx and -latency"
  }
}

run "the_slot_gaining_traffic_rolls_back_and_each_deployment_verifies_on_its_own" {
  command = plan
  variables {
    rollback_alarms = ["shop-prod-pager"]
    verify_alarms   = ["shop-prod-db"]
  }
  assert {
    condition     = golive_traffic_split.this.rollback[0].alarms == tolist(["shop-prod-api-green-5xx", "shop-prod-api-green-latency", "shop-prod-pager"])
    error_message = "a cutover to green is rolled back by green's alarms (and the extra ones)"
  }
  assert {
    condition = (
      golive_deployment.slot["blue"].verify[0].alarms == tolist(["shop-prod-api-blue-5xx", "shop-prod-api-blue-latency", "shop-prod-db"]) &&
      golive_deployment.slot["green"].verify[0].alarms == tolist(["shop-prod-api-green-5xx", "shop-prod-api-green-latency", "shop-prod-db"])
    )
    error_message = "each deployment is verified by its own slot's alarms (and the extra ones)"
  }
}

run "thresholds_and_statistics" {
  command = plan
  variables {
    slot_alarms = { error_rate_percent = 1, latency_seconds = 0.5, latency_statistic = "Average", period_seconds = 300, evaluation_periods = 3, datapoints_to_alarm = 2, alarm_actions = ["arn:aws:sns:us-east-1:123456789012:pager"] }
  }
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.slot_5xx["green"].threshold == 1 && aws_cloudwatch_metric_alarm.slot_5xx["green"].evaluation_periods == 3 && aws_cloudwatch_metric_alarm.slot_5xx["green"].datapoints_to_alarm == 2 &&
      aws_cloudwatch_metric_alarm.slot_latency["green"].statistic == "Average" && aws_cloudwatch_metric_alarm.slot_latency["green"].extended_statistic == null &&
      aws_cloudwatch_metric_alarm.slot_latency["green"].period == 300 && aws_cloudwatch_metric_alarm.slot_latency["green"].alarm_actions == toset(["arn:aws:sns:us-east-1:123456789012:pager"])
    )
    error_message = "slot_alarms settings reach the alarms"
  }
}

run "without_slot_alarms" {
  command = plan
  variables {
    slot_alarms = { enabled = false }
  }
  assert {
    condition     = length(aws_cloudwatch_metric_alarm.slot_5xx) == 0 && length(aws_cloudwatch_metric_alarm.slot_latency) == 0
    error_message = "enabled = false creates no slot alarms"
  }
  assert {
    condition     = length(golive_traffic_split.this.rollback) == 0 && length(golive_deployment.slot["green"].verify) == 0
    error_message = "no alarms, no rollback or verify block"
  }
}

run "rejects_bad_latency_statistic" {
  command = plan
  variables {
    slot_alarms = { latency_statistic = "median" }
  }
  expect_failures = [var.slot_alarms]
}

run "rejects_bad_error_rate" {
  command = plan
  variables {
    slot_alarms = { error_rate_percent = 150 }
  }
  expect_failures = [var.slot_alarms]
}

run "rejects_bad_period" {
  command = plan
  variables {
    slot_alarms = { period_seconds = 45 }
  }
  expect_failures = [var.slot_alarms]
}
