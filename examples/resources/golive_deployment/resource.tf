terraform {
  required_providers {
    golive = {
      source = "golive-dev/golive"
    }
  }
}

variable "cluster_arn" { type = string }
variable "task_definition_arn" { type = string }
variable "green_target_group_arn" { type = string }
variable "private_subnets" { type = list(string) }
variable "api_security_group" { type = string }
variable "migration_task_definition_arn" { type = string }
variable "ci_token" {
  type      = string
  sensitive = true
}

# ECS: the deployment owns the service "api-green" (tagged
# golive:deployment). No aws_ecs_service and no ignore_changes: a new version
# moves it to the new task definition revision with every setting below,
# follows the rollout until ECS reports it COMPLETED, runs the migration and
# the gates, and puts it back on the previous revision and settings if
# anything fails.
resource "golive_deployment" "api_green" {
  environment = "shop/prod"
  service     = "api"
  version     = "1.4.2"
  slot        = "green"

  ecs {
    cluster_arn               = var.cluster_arn
    task_definition_arn       = var.task_definition_arn
    desired_count             = 2    # the count at creation:
    autoscaled                = true # Application Auto Scaling owns it afterwards
    subnets                   = var.private_subnets
    security_groups           = [var.api_security_group]
    platform_version          = "LATEST"
    health_check_grace_period = "60s"
    circuit_breaker           = true # default

    capacity_provider_strategy {
      capacity_provider = "FARGATE"
      base              = 1
      weight            = 1
    }
    capacity_provider_strategy {
      capacity_provider = "FARGATE_SPOT"
      weight            = 3
    }

    load_balancer {
      target_group_arn = var.green_target_group_arn
      container_name   = "api"
      container_port   = 8080
    }
  }

  hook {
    when = "before_verify"
    ecs_task {
      cluster_arn         = var.cluster_arn
      task_definition_arn = var.migration_task_definition_arn
      container           = "migrate"
      command             = ["./migrate", "up"]
      launch_type         = "FARGATE"
      subnets             = var.private_subnets
      security_groups     = [var.api_security_group]
    }
  }

  verify {
    http {
      url        = "http://green.api.internal/healthz"
      body_regex = "ok"
      successes  = 3
      timeout    = "2m"
    }
    alarms                = ["shop-prod-api-5xx"]
    target_health         = true
    target_health_timeout = "5m"
  }
}

# Lambda: adopt a version published by aws_lambda_function (publish = true).
resource "golive_deployment" "worker" {
  environment = "shop/prod"
  service     = "worker"
  version     = "2.0.1"

  lambda {
    function_name = "shop-prod-worker"
    version       = "14"
  }

  verify {
    alarms = ["shop-prod-worker-errors"]
  }

  hook {
    when = "after_verify"
    http {
      url     = "https://ci.example.com/hooks/released"
      method  = "POST" # the release as JSON
      headers = { Authorization = "Bearer ${var.ci_token}" }
    }
  }
}
