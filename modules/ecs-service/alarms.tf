# Per-slot alarms on the slot's own target group, so a canary is judged on
# its own traffic: a 10% canary's errors are not diluted by the other 90%,
# and another service behind the same load balancer cannot roll it back.

locals {
  alarm_slots = var.slot_alarms.enabled ? local.slots : []
  # The LoadBalancer dimension, app/<name>/<id>, from the listener's ARN.
  lb_arn_suffix = regex("listener/(app/[^/]+/[^/]+)/", var.listener_arn)[0]
  # Through the resources, so gates that name them come after them.
  slot_alarm_names = {
    for s in local.slots : s => var.slot_alarms.enabled ? [aws_cloudwatch_metric_alarm.slot_5xx[s].alarm_name, aws_cloudwatch_metric_alarm.slot_latency[s].alarm_name] : []
  }
}

resource "aws_cloudwatch_metric_alarm" "slot_5xx" {
  for_each            = toset(local.alarm_slots)
  alarm_name          = "${local.name}-${each.key}-5xx"
  alarm_description   = "Share of ${var.environment_id} ${var.service} requests to the ${each.key} slot answered 5xx by its targets, in percent. Rolls back a cutover to ${each.key}."
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.slot_alarms.error_rate_percent
  evaluation_periods  = var.slot_alarms.evaluation_periods
  datapoints_to_alarm = var.slot_alarms.datapoints_to_alarm
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.slot_alarms.alarm_actions
  ok_actions          = var.slot_alarms.ok_actions

  metric_query {
    id          = "rate"
    expression  = "100 * FILL(errors, 0) / requests"
    label       = "5xx % of ${each.key}"
    return_data = true
  }
  metric_query {
    id = "errors"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_Target_5XX_Count"
      dimensions  = { TargetGroup = aws_lb_target_group.slot[each.key].arn_suffix, LoadBalancer = local.lb_arn_suffix }
      stat        = "Sum"
      period      = var.slot_alarms.period_seconds
    }
  }
  metric_query {
    id = "requests"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "RequestCount"
      dimensions  = { TargetGroup = aws_lb_target_group.slot[each.key].arn_suffix, LoadBalancer = local.lb_arn_suffix }
      stat        = "Sum"
      period      = var.slot_alarms.period_seconds
    }
  }
  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "slot_latency" {
  for_each            = toset(local.alarm_slots)
  alarm_name          = "${local.name}-${each.key}-latency"
  alarm_description   = "Response time (${var.slot_alarms.latency_statistic}) of the ${each.key} slot's targets of ${var.environment_id} ${var.service}. Rolls back a cutover to ${each.key}."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "TargetResponseTime"
  dimensions          = { TargetGroup = aws_lb_target_group.slot[each.key].arn_suffix, LoadBalancer = local.lb_arn_suffix }
  statistic           = startswith(var.slot_alarms.latency_statistic, "p") ? null : var.slot_alarms.latency_statistic
  extended_statistic  = startswith(var.slot_alarms.latency_statistic, "p") ? var.slot_alarms.latency_statistic : null
  period              = var.slot_alarms.period_seconds
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.slot_alarms.latency_seconds
  evaluation_periods  = var.slot_alarms.evaluation_periods
  datapoints_to_alarm = var.slot_alarms.datapoints_to_alarm
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.slot_alarms.alarm_actions
  ok_actions          = var.slot_alarms.ok_actions
  tags                = var.tags
}
