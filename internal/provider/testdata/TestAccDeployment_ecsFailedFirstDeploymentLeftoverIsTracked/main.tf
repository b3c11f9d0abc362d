# The blue slot's service at a version and task definition from variables.
# The test supplies the provider block and golive_environment.dev.

variable "cluster_arn" { type = string }
variable "task_definition" { type = string }
variable "release_version" { type = string }

resource "golive_deployment" "api_blue" {
  environment = golive_environment.dev.id
  service     = "api"
  version     = var.release_version
  slot        = "blue"
  ecs {
    cluster_arn         = var.cluster_arn
    task_definition_arn = var.task_definition
    launch_type         = "EC2"
  }
}
