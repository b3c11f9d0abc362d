# The green slot's service with a launch type from a variable. The test
# supplies the provider block and golive_environment.dev.

variable "cluster_arn" { type = string }
variable "task_definition" { type = string }
variable "launch_type" { type = string }
variable "subnets" { type = list(string) }
variable "security_groups" { type = list(string) }

resource "golive_deployment" "api_green" {
  environment = golive_environment.dev.id
  service     = "api"
  version     = "1.0.0"
  slot        = "green"
  ecs {
    cluster_arn         = var.cluster_arn
    task_definition_arn = var.task_definition
    launch_type         = var.launch_type
    subnets             = var.subnets
    security_groups     = var.security_groups
  }
}
