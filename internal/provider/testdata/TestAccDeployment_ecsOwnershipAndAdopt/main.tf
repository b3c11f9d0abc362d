# The green slot's service, which already exists when the test begins,
# created outside golive. The test supplies the provider block and
# golive_environment.dev.

variable "cluster_arn" { type = string }
variable "task_definition" { type = string }
variable "adopt" { type = bool }

resource "golive_deployment" "api_green" {
  environment = golive_environment.dev.id
  service     = "api"
  version     = "2.0.0"
  slot        = "green"
  ecs {
    cluster_arn         = var.cluster_arn
    task_definition_arn = var.task_definition
    launch_type         = "EC2"
    adopt               = var.adopt
  }
}
