# Blue/green on ECS: two deployments own their slots' services, and a split
# routes the ALB listener to them by deployment id. The test supplies the
# provider block and golive_environment.dev.

variable "cluster_arn" { type = string }
variable "blue_task_definition" { type = string }
variable "green_task_definition" { type = string }
variable "blue_target_group" { type = string }
variable "green_target_group" { type = string }
variable "listener_arn" { type = string }
variable "blue_weight" { type = number }
variable "green_weight" { type = number }

resource "golive_deployment" "api_blue" {
  environment = golive_environment.dev.id
  service     = "api"
  version     = "1.0.0"
  slot        = "blue"
  ecs {
    cluster_arn         = var.cluster_arn
    task_definition_arn = var.blue_task_definition
    launch_type         = "EC2"
    load_balancer {
      target_group_arn = var.blue_target_group
      container_name   = "api"
      container_port   = 8080
    }
  }
}

resource "golive_deployment" "api_green" {
  environment = golive_environment.dev.id
  service     = "api"
  version     = "2.0.0"
  slot        = "green"
  ecs {
    cluster_arn         = var.cluster_arn
    task_definition_arn = var.green_task_definition
    launch_type         = "EC2"
    load_balancer {
      target_group_arn = var.green_target_group
      container_name   = "api"
      container_port   = 8080
    }
  }
}

resource "golive_traffic_split" "api" {
  environment = golive_environment.dev.id
  service     = "api"
  alb {
    listener_arn = var.listener_arn
  }
  destination {
    name       = "blue"
    deployment = golive_deployment.api_blue.id
    weight     = var.blue_weight
  }
  destination {
    name       = "green"
    deployment = golive_deployment.api_green.id
    weight     = var.green_weight
  }
  strategy {
    canary {
      steps = [50]
      bake  = "1s"
    }
  }
}

data "golive_release" "api" {
  environment = golive_environment.dev.id
  service     = "api"
  depends_on  = [golive_traffic_split.api]
}
