# The ECS service of each slot: capacity providers, platform, rollout
# safety, ECS Exec and Application Auto Scaling with autoscaled = true.
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

run "defaults_keep_the_launch_type_and_a_fixed_count" {
  command = plan
  assert {
    condition = (
      golive_deployment.slot["blue"].ecs[0].launch_type == "FARGATE" && length(golive_deployment.slot["blue"].ecs[0].capacity_provider_strategy) == 0 &&
      golive_deployment.slot["blue"].ecs[0].autoscaled == false && golive_deployment.slot["blue"].ecs[0].circuit_breaker == true &&
      golive_deployment.slot["blue"].ecs[0].enable_execute_command == false
    )
    error_message = "by default: FARGATE, no strategy, a fixed count, the circuit breaker on, no ECS Exec"
  }
  assert {
    condition     = length(aws_appautoscaling_target.slot) == 0 && length(aws_appautoscaling_policy.slot) == 0
    error_message = "no autoscaling unless asked"
  }
}

run "capacity_providers_replace_the_launch_type" {
  command = plan
  variables {
    capacity_provider_strategy = [
      { capacity_provider = "FARGATE", base = 1 },
      { capacity_provider = "FARGATE_SPOT", weight = 3 },
    ]
    platform_version          = "1.4.0"
    health_check_grace_period = "90s"
  }
  assert {
    condition = (
      golive_deployment.slot["green"].ecs[0].launch_type == null &&
      [for s in golive_deployment.slot["green"].ecs[0].capacity_provider_strategy : "${s.capacity_provider}:${s.weight}:${s.base}"] == ["FARGATE:1:1", "FARGATE_SPOT:3:0"]
    )
    error_message = "the strategy reaches the deployment, without a launch type"
  }
  assert {
    condition     = golive_deployment.slot["green"].ecs[0].platform_version == "1.4.0" && golive_deployment.slot["green"].ecs[0].health_check_grace_period == "90s"
    error_message = "platform version and grace period reach the deployment"
  }
  assert {
    condition     = aws_ecs_task_definition.slot["green"].requires_compatibilities == toset(["FARGATE"])
    error_message = "the task definition stays FARGATE-compatible"
  }
}

run "execute_command_opens_the_task_role" {
  command = plan
  variables {
    enable_execute_command = true
  }
  assert {
    condition     = golive_deployment.slot["blue"].ecs[0].enable_execute_command && jsondecode(aws_iam_role_policy.execute_command[0].policy).Statement[0].Action[0] == "ssmmessages:CreateControlChannel"
    error_message = "ECS Exec: on the service, and the task role may open the SSM message channels"
  }
}

run "autoscaling_owns_the_count" {
  variables {
    desired_count = 2
    autoscaling   = { min_capacity = 2, max_capacity = 10, cpu_percent = 60, requests_per_target = 500 }
  }
  assert {
    condition     = golive_deployment.slot["blue"].ecs[0].autoscaled && golive_deployment.slot["blue"].ecs[0].desired_count == 2
    error_message = "with autoscaling the deployment is autoscaled; desired_count is the starting count"
  }
  assert {
    condition = (
      aws_appautoscaling_target.slot["green"].resource_id == "service/shop-prod/api-green" &&
      aws_appautoscaling_target.slot["green"].scalable_dimension == "ecs:service:DesiredCount" &&
      aws_appautoscaling_target.slot["green"].min_capacity == 2 && aws_appautoscaling_target.slot["green"].max_capacity == 10
    )
    error_message = "each slot's ECS service <service>-<slot> of the cluster scales between min and max"
  }
  assert {
    condition     = toset(keys(aws_appautoscaling_policy.slot)) == toset(["blue-cpu", "blue-requests", "green-cpu", "green-requests"])
    error_message = "one target tracking policy per slot and target"
  }
  assert {
    condition = (
      aws_appautoscaling_policy.slot["green-requests"].target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ALBRequestCountPerTarget" &&
      aws_appautoscaling_policy.slot["green-requests"].target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].resource_label == "app/shop-prod/0123456789abcdef/targetgroup/shop-prod-api-green/2222222222222222" &&
      aws_appautoscaling_policy.slot["green-requests"].target_tracking_scaling_policy_configuration[0].target_value == 500
    )
    error_message = "requests per target track the slot's own target group"
  }
  assert {
    condition     = aws_appautoscaling_policy.slot["blue-cpu"].target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ECSServiceAverageCPUUtilization"
    error_message = "cpu_percent tracks the service's average CPU"
  }
}

run "rejects_strategy_without_weight" {
  command = plan
  variables {
    capacity_provider_strategy = [{ capacity_provider = "FARGATE_SPOT", weight = 0 }]
  }
  expect_failures = [var.capacity_provider_strategy]
}

run "rejects_two_bases" {
  command = plan
  variables {
    capacity_provider_strategy = [{ capacity_provider = "FARGATE", base = 1 }, { capacity_provider = "FARGATE_SPOT", base = 1 }]
  }
  expect_failures = [var.capacity_provider_strategy]
}

run "rejects_autoscaling_without_a_target" {
  command = plan
  variables {
    autoscaling = { min_capacity = 1, max_capacity = 4 }
  }
  expect_failures = [var.autoscaling]
}

run "rejects_autoscaling_min_above_max" {
  command = plan
  variables {
    autoscaling = { min_capacity = 5, max_capacity = 2, cpu_percent = 50 }
  }
  expect_failures = [var.autoscaling]
}

run "rejects_bad_platform_and_grace_period" {
  command = plan
  variables {
    platform_version          = "latest"
    health_check_grace_period = "1 minute"
  }
  expect_failures = [var.platform_version, var.health_check_grace_period]
}
