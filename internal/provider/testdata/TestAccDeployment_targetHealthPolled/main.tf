# The green slot's service behind its target group, verified by the
# target health of that group. The test supplies the provider block and
# golive_environment.dev.

variable "cluster_arn" { type = string }
variable "task_definition" { type = string }
variable "release_version" { type = string }
variable "target_group" { type = string }
variable "target_health_timeout" { type = string }

resource "golive_deployment" "api_green" {
  environment = golive_environment.dev.id
  service     = "api"
  version     = var.release_version
  slot        = "green"
  ecs {
    cluster_arn         = var.cluster_arn
    task_definition_arn = var.task_definition
    launch_type         = "EC2"
    load_balancer {
      target_group_arn = var.target_group
      container_name   = "api"
      container_port   = 8080
    }
  }
  verify {
    target_health         = true
    target_health_timeout = var.target_health_timeout
  }
}
