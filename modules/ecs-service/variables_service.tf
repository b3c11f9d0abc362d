# The ECS service of each slot (owned by golive_deployment): capacity,
# platform, rollout safety and Application Auto Scaling.

variable "capacity_provider_strategy" {
  description = "Run the tasks on these capacity providers of the cluster (e.g. FARGATE_SPOT with a FARGATE base) instead of launch_type. The cluster must offer them (modules/environment capacity_providers)."
  type = list(object({
    capacity_provider = string
    weight            = optional(number, 1)
    base              = optional(number, 0)
  }))
  default  = []
  nullable = false

  validation {
    condition     = alltrue([for s in var.capacity_provider_strategy : can(regex("^[A-Za-z0-9_-]{1,255}$", s.capacity_provider)) && s.weight >= 0 && s.weight <= 1000 && s.base >= 0 && s.base <= 100000])
    error_message = "capacity_provider_strategy entries need a capacity provider name (e.g. FARGATE_SPOT), a weight from 0 to 1000 and a base from 0 to 100000."
  }
  validation {
    condition     = length(var.capacity_provider_strategy) == 0 || anytrue([for s in var.capacity_provider_strategy : s.weight > 0])
    error_message = "capacity_provider_strategy needs at least one capacity provider with a weight above 0, or ECS places no task."
  }
  validation {
    condition     = length([for s in var.capacity_provider_strategy : s if s.base > 0]) <= 1
    error_message = "capacity_provider_strategy may give a base to one capacity provider only."
  }
}

variable "platform_version" {
  description = "Fargate platform version, e.g. LATEST or 1.4.0. null: ECS's default."
  type        = string
  default     = null

  validation {
    condition     = var.platform_version == null || can(regex("^(LATEST|[0-9]+\\.[0-9]+\\.[0-9]+)$", var.platform_version))
    error_message = "platform_version must be LATEST or a version such as 1.4.0."
  }
}

variable "health_check_grace_period" {
  description = "How long ECS ignores failing load balancer health checks of a new task, e.g. \"60s\" (slow starters need more). null: ECS's default (none)."
  type        = string
  default     = null

  validation {
    condition     = var.health_check_grace_period == null || can(regex("^([0-9]+(s|m|h))+$", var.health_check_grace_period))
    error_message = "health_check_grace_period must be a duration such as 60s or 2m."
  }
}

variable "enable_execute_command" {
  description = "Allow ECS Exec into the tasks (aws ecs execute-command). The task role the module creates then gets the SSM messages permissions it needs."
  type        = bool
  default     = false
}

variable "circuit_breaker" {
  description = "The ECS deployment circuit breaker with rollback: a rollout whose tasks keep failing to start is stopped, the service goes back, and the deployment fails with the stopped tasks' reasons."
  type        = bool
  default     = true
}

variable "autoscaling" {
  description = <<-EOT
    Application Auto Scaling of each slot's task count by target tracking:
    the average CPU and/or memory utilisation in percent, and/or the
    requests per target of the slot's own target group. desired_count is then
    the count at creation only (golive_deployment ecs autoscaled = true):
    golive never resets the count Application Auto Scaling set, nor reports
    it as drift. A slot without traffic scales in to min_capacity; give a
    min_capacity that can take a canary's first step. null: a fixed
    desired_count.
  EOT
  type = object({
    min_capacity        = number
    max_capacity        = number
    cpu_percent         = optional(number)
    memory_percent      = optional(number)
    requests_per_target = optional(number)
    scale_in_cooldown   = optional(number, 300)
    scale_out_cooldown  = optional(number, 60)
  })
  default = null

  validation {
    condition     = var.autoscaling == null || try(var.autoscaling.min_capacity >= 0 && var.autoscaling.max_capacity >= var.autoscaling.min_capacity && var.autoscaling.max_capacity >= 1, false)
    error_message = "autoscaling needs 0 <= min_capacity <= max_capacity, and max_capacity of at least 1."
  }
  validation {
    condition     = var.autoscaling == null || try(length(compact([for t in [var.autoscaling.cpu_percent, var.autoscaling.memory_percent, var.autoscaling.requests_per_target] : t == null ? "" : "set"])) > 0, false)
    error_message = "autoscaling needs a target to track: cpu_percent, memory_percent and/or requests_per_target."
  }
  validation {
    condition     = var.autoscaling == null || try(alltrue([for t in [var.autoscaling.cpu_percent, var.autoscaling.memory_percent] : t == null ? true : t > 0 && t <= 100]) && (var.autoscaling.requests_per_target == null ? true : var.autoscaling.requests_per_target > 0), false)
    error_message = "autoscaling cpu_percent and memory_percent must be percentages above 0 and at most 100; requests_per_target must be above 0."
  }
}
