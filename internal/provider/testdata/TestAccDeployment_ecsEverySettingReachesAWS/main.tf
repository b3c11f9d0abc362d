# Every setting of the green slot's service, from variables. The test
# supplies the provider block and golive_environment.dev.

variable "cluster_arn" { type = string }
variable "task_definition" { type = string }
variable "desired_count" { type = number }
variable "subnets" { type = list(string) }
variable "security_groups" { type = list(string) }
variable "assign_public_ip" { type = bool }
variable "target_group" { type = string }
variable "platform_version" { type = string }
variable "health_check_grace_period" { type = string }
variable "enable_execute_command" { type = bool }
variable "circuit_breaker" { type = bool }
variable "propagate_tags" { type = string }
variable "launch_type" {
  type    = string
  default = null
}
variable "capacity_providers" {
  type    = list(object({ name = string, weight = number, base = number }))
  default = []
}

resource "golive_deployment" "api_green" {
  environment = golive_environment.dev.id
  service     = "api"
  version     = "1.0.0"
  slot        = "green"
  ecs {
    cluster_arn               = var.cluster_arn
    task_definition_arn       = var.task_definition
    desired_count             = var.desired_count
    launch_type               = var.launch_type
    subnets                   = var.subnets
    security_groups           = var.security_groups
    assign_public_ip          = var.assign_public_ip
    platform_version          = var.platform_version
    health_check_grace_period = var.health_check_grace_period
    enable_execute_command    = var.enable_execute_command
    circuit_breaker           = var.circuit_breaker
    propagate_tags            = var.propagate_tags
    load_balancer {
      target_group_arn = var.target_group
      container_name   = "api"
      container_port   = 8080
    }
    dynamic "capacity_provider_strategy" {
      for_each = var.capacity_providers
      content {
        capacity_provider = capacity_provider_strategy.value.name
        weight            = capacity_provider_strategy.value.weight
        base              = capacity_provider_strategy.value.base
      }
    }
  }
}
