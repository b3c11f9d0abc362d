# Per-slot alarms on the slot's own Lambda version: invocations through the
# alias carry the ExecutedVersion dimension, so a 10% canary is judged on
# its own invocations, not diluted by the other 90%.

locals {
  alarm_slots    = var.slot_alarms.enabled ? local.slots : []
  duration_slots = var.slot_alarms.enabled && var.slot_alarms.duration_threshold_ms != null ? local.slots : []
  # Through the resources, so gates that name them come after them.
  slot_alarm_names = {
    for s in local.slots : s => concat(
      var.slot_alarms.enabled ? [aws_cloudwatch_metric_alarm.slot_errors[s].alarm_name] : [],
      contains(local.duration_slots, s) ? [aws_cloudwatch_metric_alarm.slot_duration[s].alarm_name] : [],
    )
  }
  rollback_alarms = concat(local.slot_alarm_names[local.target], var.rollback_alarms)
  version_dimensions = {
    for s in local.slots : s => {
      FunctionName    = aws_lambda_function.this.function_name
      Resource        = "${aws_lambda_function.this.function_name}:${var.alias}"
      ExecutedVersion = local.lambda_versions[s]
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "slot_errors" {
  for_each            = toset(local.alarm_slots)
  alarm_name          = "${local.function_name}-${each.key}-errors"
  alarm_description   = "Share of ${var.environment_id} ${var.service} invocations through ${var.alias} that ran the ${each.key} slot's version and failed, in percent. Rolls back a cutover to ${each.key}."
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.slot_alarms.error_rate_percent
  evaluation_periods  = var.slot_alarms.evaluation_periods
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.slot_alarms.alarm_actions

  metric_query {
    id          = "rate"
    expression  = "100 * FILL(errors, 0) / invocations"
    label       = "error % of ${each.key}"
    return_data = true
  }
  metric_query {
    id = "errors"
    metric {
      namespace   = "AWS/Lambda"
      metric_name = "Errors"
      dimensions  = local.version_dimensions[each.key]
      stat        = "Sum"
      period      = var.slot_alarms.period_seconds
    }
  }
  metric_query {
    id = "invocations"
    metric {
      namespace   = "AWS/Lambda"
      metric_name = "Invocations"
      dimensions  = local.version_dimensions[each.key]
      stat        = "Sum"
      period      = var.slot_alarms.period_seconds
    }
  }
  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "slot_duration" {
  for_each            = toset(local.duration_slots)
  alarm_name          = "${local.function_name}-${each.key}-duration"
  alarm_description   = "p99 duration of ${var.environment_id} ${var.service} invocations through ${var.alias} that ran the ${each.key} slot's version. Rolls back a cutover to ${each.key}."
  namespace           = "AWS/Lambda"
  metric_name         = "Duration"
  dimensions          = local.version_dimensions[each.key]
  extended_statistic  = "p99"
  period              = var.slot_alarms.period_seconds
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.slot_alarms.duration_threshold_ms
  evaluation_periods  = var.slot_alarms.evaluation_periods
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.slot_alarms.alarm_actions
  tags                = var.tags
}
