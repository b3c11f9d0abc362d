# The green slot's service, its task count owned by Application Auto
# Scaling. The test supplies the provider block and golive_environment.dev.

variable "cluster_arn" { type = string }
variable "task_definition" { type = string }
variable "release_version" { type = string }
variable "desired_count" {
  type    = number
  default = 1
}

resource "golive_deployment" "api_green" {
  environment = golive_environment.dev.id
  service     = "api"
  version     = var.release_version
  slot        = "green"
  ecs {
    cluster_arn         = var.cluster_arn
    task_definition_arn = var.task_definition
    launch_type         = "EC2"
    desired_count       = var.desired_count
    autoscaled          = true
  }
}
