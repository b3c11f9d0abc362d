# One isolated environment: network (network.tf), load balancer
# (load_balancer.tf), ECS cluster, load-balancer-wide alarms and the golive
# environment record with its configuration in SSM Parameter Store.

locals {
  prefix = "${var.application}-${var.name}"
  tags   = merge(var.tags, { application = var.application, environment = var.name })
}

resource "aws_ecs_cluster" "this" {
  name = local.prefix
  tags = local.tags
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = var.capacity_providers

  default_capacity_provider_strategy {
    capacity_provider = var.capacity_providers[0]
    weight            = 1
  }
}

# Load balancer wide: every service behind it counts. They suit paging and
# dashboards; a canary is judged by the per-slot alarms of modules/ecs-service,
# on its own target group's traffic.
resource "aws_cloudwatch_metric_alarm" "http_5xx" {
  alarm_name          = "${local.prefix}-5xx"
  alarm_description   = "Target 5xx responses of every service behind the load balancer of ${local.prefix}."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_Target_5XX_Count"
  dimensions          = { LoadBalancer = local.lb_arn_suffix }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = var.alarm_5xx_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "latency" {
  alarm_name          = "${local.prefix}-latency"
  alarm_description   = "Target response time of every service behind the load balancer of ${local.prefix}."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "TargetResponseTime"
  dimensions          = { LoadBalancer = local.lb_arn_suffix }
  statistic           = "Average"
  period              = 60
  evaluation_periods  = 3
  threshold           = var.alarm_latency_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  tags                = local.tags
}

resource "golive_environment" "this" {
  application         = var.application
  name                = var.name
  tier                = var.tier
  promotes_from       = var.promotes_from
  parity              = var.parity
  variables           = var.variables
  secrets_wo          = length(var.secrets) > 0 ? var.secrets : null
  secrets_wo_version  = var.secrets_version
  aws_account_id      = var.aws_account_id
  deletion_protection = var.deletion_protection

  dynamic "freeze" {
    for_each = var.freezes
    content {
      start  = freeze.value.start
      end    = freeze.value.end
      reason = freeze.value.reason
    }
  }

  dynamic "deploy_window" {
    for_each = var.deploy_window == null ? [] : [var.deploy_window]
    content {
      days     = deploy_window.value.days
      start    = deploy_window.value.start
      end      = deploy_window.value.end
      timezone = deploy_window.value.timezone
    }
  }

  # notify is sensitive (webhook URLs carry tokens); whether it is set is not.
  dynamic "notify" {
    for_each = nonsensitive(var.notify == null) ? [] : [1]
    content {
      sns_topic_arn = var.notify.sns_topic_arn
      webhook_url   = var.notify.webhook_url
    }
  }
}
