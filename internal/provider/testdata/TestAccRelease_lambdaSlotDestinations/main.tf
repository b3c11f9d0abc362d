# Blue/green on Lambda: two deployments adopt published versions 1 and 2 of
# one function, and a split over them owns its alias. The test supplies the
# provider block and golive_environment.dev.

variable "function_name" { type = string }
variable "blue_weight" { type = number }
variable "green_weight" { type = number }

resource "golive_deployment" "blue" {
  environment = golive_environment.dev.id
  service     = "api"
  version     = "1.0.0"
  slot        = "blue"
  lambda {
    function_name = var.function_name
    version       = "1"
  }
}

resource "golive_deployment" "green" {
  environment = golive_environment.dev.id
  service     = "api"
  version     = "2.0.0"
  slot        = "green"
  lambda {
    function_name = var.function_name
    version       = "2"
  }
}

resource "golive_traffic_split" "api" {
  environment = golive_environment.dev.id
  service     = "api"
  lambda_alias {
    function_name = var.function_name
    alias         = "stable"
  }
  destination {
    name       = "blue"
    deployment = golive_deployment.blue.id
    weight     = var.blue_weight
  }
  destination {
    name       = "green"
    deployment = golive_deployment.green.id
    weight     = var.green_weight
  }
}

data "golive_release" "api" {
  environment = golive_environment.dev.id
  service     = "api"
  depends_on  = [golive_traffic_split.api]
}
