variable "slot_alarms" {
  description = <<-EOT
    CloudWatch alarms per slot on that slot's own target group (TargetGroup
    and LoadBalancer dimensions): the share of requests answered 5xx by the
    slot's targets, in percent, and their response time. A canary is judged
    on its own traffic: the alarms of the slot gaining traffic roll the
    cutover back, and a deployment counts as verified only while its slot's
    alarms are not in ALARM. enabled = false: none (give rollback_alarms
    and verify_alarms yourself).
  EOT
  type = object({
    enabled             = optional(bool, true)
    error_rate_percent  = optional(number, 5)
    latency_seconds     = optional(number, 1)
    latency_statistic   = optional(string, "p99")
    period_seconds      = optional(number, 60)
    evaluation_periods  = optional(number, 1)
    datapoints_to_alarm = optional(number)
    alarm_actions       = optional(list(string), [])
    ok_actions          = optional(list(string), [])
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.slot_alarms.error_rate_percent > 0 && var.slot_alarms.error_rate_percent <= 100
    error_message = "slot_alarms.error_rate_percent must be a percentage above 0 and at most 100, e.g. 5."
  }
  validation {
    condition     = var.slot_alarms.latency_seconds > 0
    error_message = "slot_alarms.latency_seconds must be above 0, e.g. 1."
  }
  validation {
    condition     = can(regex("^(p(\\d{1,2}(\\.\\d{0,2})?|100)|Average|Maximum)$", var.slot_alarms.latency_statistic))
    error_message = "slot_alarms.latency_statistic must be a percentile such as p99 or p95.5, or Average or Maximum."
  }
  validation {
    condition     = contains([10, 30, 60, 120, 300, 600, 900, 3600], var.slot_alarms.period_seconds)
    error_message = "slot_alarms.period_seconds must be 10, 30 or a multiple of 60 such as 60 or 300."
  }
  validation {
    condition     = var.slot_alarms.evaluation_periods >= 1 && (var.slot_alarms.datapoints_to_alarm == null || try(var.slot_alarms.datapoints_to_alarm <= var.slot_alarms.evaluation_periods, false))
    error_message = "slot_alarms.evaluation_periods must be at least 1, and datapoints_to_alarm at most evaluation_periods."
  }
  validation {
    condition     = alltrue([for a in concat(var.slot_alarms.alarm_actions, var.slot_alarms.ok_actions) : can(regex("^arn:aws[a-z-]*:", a))])
    error_message = "slot_alarms.alarm_actions and ok_actions must be ARNs (an SNS topic, say)."
  }
}
