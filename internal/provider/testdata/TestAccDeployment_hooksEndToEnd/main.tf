# A Lambda version released with three hooks: an ECS task (a migration)
# and an HTTP call before the gates, an HTTP call after them. The test
# supplies the provider block and golive_environment.dev.

variable "function_name" { type = string }
variable "release_version" { type = string }
variable "lambda_version" { type = string }
variable "hook_url" { type = string }
variable "token" {
  type      = string
  sensitive = true
}
variable "cluster_arn" { type = string }
variable "migrate_task_definition" { type = string }

resource "golive_deployment" "worker" {
  environment = golive_environment.dev.id
  service     = "worker"
  version     = var.release_version
  lambda {
    function_name = var.function_name
    version       = var.lambda_version
  }
  hook {
    when = "before_verify"
    ecs_task {
      cluster_arn         = var.cluster_arn
      task_definition_arn = var.migrate_task_definition
      container           = "migrate"
      command             = ["./migrate", "up"]
      launch_type         = "FARGATE"
      subnets             = ["subnet-1"]
      security_groups     = ["sg-1"]
    }
  }
  hook {
    when = "before_verify"
    http {
      url     = "${var.hook_url}/before"
      headers = { Authorization = "Bearer ${var.token}" }
    }
  }
  hook {
    when = "after_verify"
    http {
      url     = "${var.hook_url}/after"
      method  = "PUT"
      headers = { Authorization = "Bearer ${var.token}" }
    }
  }
}
