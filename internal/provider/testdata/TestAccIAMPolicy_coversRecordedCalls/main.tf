# What golive does in a release: an environment with variables, secrets and
# notifications; ECS deployments verified by target health, an alarm and
# HTTP; a Lambda deployment; canary cutovers on an ALB listener, a Lambda
# alias and Route 53 records with rollback gates; every data source.
# Step 1 has blue live everywhere; step 2 gives green version 3.0.0 and
# cuts every split over. The test supplies the provider block.

variable "cluster_arn" { type = string }
variable "blue_task_definition" { type = string }
variable "green_task_definition" { type = string }
variable "green_version" { type = string }
variable "blue_target_group" { type = string }
variable "green_target_group" { type = string }
variable "listener_arn" { type = string }
variable "function_name" { type = string }
variable "lambda_version" { type = string }
variable "worker_version" { type = string }
variable "zone_id" { type = string }
variable "topic_arn" { type = string }
variable "event_bus_arn" { type = string }
variable "hook_url" { type = string }
variable "variables" { type = map(string) }
variable "secret_version" { type = number }
variable "blue_weight" { type = number }
variable "green_weight" { type = number }

resource "golive_environment" "dev" {
  application        = "shop"
  name               = "dev"
  variables          = var.variables
  secrets_wo         = { TOKEN = "s${var.secret_version}" }
  secrets_wo_version = var.secret_version
  notify {
    sns_topic_arn             = var.topic_arn
    event_bus_arn             = var.event_bus_arn
    webhook_url               = "${var.hook_url}/events"
    webhook_secret_wo         = "webhook-signing-secret-${var.secret_version}"
    webhook_secret_wo_version = var.secret_version
  }
}

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
  verify {
    target_health = true
    alarms        = ["api-5xx"]
    http {
      url       = "${var.hook_url}/healthz"
      interval  = "100ms"
      successes = 1
    }
  }
}

resource "golive_deployment" "api_green" {
  environment = golive_environment.dev.id
  service     = "api"
  version     = var.green_version
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
  verify {
    target_health = true
    alarms        = ["api-5xx"]
    http {
      url       = "${var.hook_url}/healthz"
      interval  = "100ms"
      successes = 1
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
  rollback {
    alarms        = ["api-5xx"]
    poll_interval = "1s"
    http {
      url = "${var.hook_url}/healthz"
    }
    metric {
      name = "green-5xx"
      query {
        id          = "errors"
        namespace   = "AWS/ApplicationELB"
        metric_name = "HTTPCode_Target_5XX_Count"
        dimensions  = { TargetGroup = "targetgroup/green/0123456789abcdef" }
        stat        = "Sum"
      }
      value   = "errors"
      max     = 10
      no_data = "pass"
    }
  }
}

resource "golive_deployment" "worker" {
  environment = golive_environment.dev.id
  service     = "worker"
  version     = var.worker_version
  lambda {
    function_name = var.function_name
    version       = var.lambda_version
  }
}

resource "golive_traffic_split" "worker" {
  environment = golive_environment.dev.id
  service     = "worker"
  lambda_alias {
    function_name = var.function_name
    alias         = "stable"
  }
  destination {
    name   = "v1"
    target = "1"
    weight = var.blue_weight
  }
  destination {
    name   = "v2"
    target = "2"
    weight = var.green_weight
  }
  strategy {
    canary {
      steps = [50]
      bake  = "1s"
    }
  }
  rollback {
    alarms        = ["api-5xx"]
    poll_interval = "1s"
    http {
      url = "${var.hook_url}/healthz"
    }
  }
  depends_on = [golive_deployment.worker]
}

resource "golive_traffic_split" "web" {
  environment = golive_environment.dev.id
  service     = "web"
  route53 {
    zone_id = var.zone_id
    name    = "web.example.com"
    type    = "CNAME"
    ttl     = 1
  }
  destination {
    name   = "blue"
    target = "blue.example.com"
    weight = var.blue_weight
  }
  destination {
    name   = "green"
    target = "green.example.com"
    weight = var.green_weight
  }
  strategy {
    canary {
      steps = [50]
      bake  = "1s"
    }
  }
  rollback {
    alarms        = ["api-5xx"]
    poll_interval = "1s"
    http {
      url = "${var.hook_url}/healthz"
    }
  }
}

data "golive_environment" "dev" {
  id = golive_environment.dev.id
}

data "golive_release" "api" {
  environment = golive_environment.dev.id
  service     = "api"
  depends_on  = [golive_traffic_split.api]
}

data "golive_history" "dev" {
  environment = golive_environment.dev.id
  depends_on  = [golive_traffic_split.api, golive_traffic_split.worker, golive_traffic_split.web]
}

data "golive_delivery_metrics" "dev" {
  environment = golive_environment.dev.id
  depends_on  = [golive_traffic_split.api]
}
