# One environment with one traffic split that owns its listener rule, as
# modules/ecs-service has it. The test supplies the provider block and
# shifts the split between blue and green, all at once or by canary.

variable "listener_arn" { type = string }
variable "blue_target_group" { type = string }
variable "green_target_group" { type = string }
variable "green_weight" { type = number }
variable "canary_steps" { type = list(number) }

resource "golive_environment" "prod" {
  application         = "shop"
  name                = "prod"
  tier                = "production"
  deletion_protection = false
}

resource "golive_traffic_split" "api" {
  environment = golive_environment.prod.id
  service     = "api"
  alb {
    listener_arn = var.listener_arn
    rule {
      priority     = 100
      host_headers = ["api.shop.example.com"]
    }
  }
  destination {
    name   = "blue"
    target = var.blue_target_group
    weight = 100 - var.green_weight
  }
  destination {
    name   = "green"
    target = var.green_target_group
    weight = var.green_weight
  }
  dynamic "strategy" {
    for_each = length(var.canary_steps) > 0 ? [1] : []
    content {
      canary {
        steps = var.canary_steps
        bake  = "1s"
      }
    }
  }
}
