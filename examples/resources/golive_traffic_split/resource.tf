terraform {
  required_providers {
    golive = {
      source = "golive-dev/golive"
    }
  }
}

variable "listener_arn" { type = string }
variable "blue_target_group_arn" { type = string }
variable "green_target_group_arn" { type = string }
variable "zone_id" { type = string }

# ALB: canary from blue to green, rolled back if the 5xx alarm fires or the
# health check fails during any bake.
resource "golive_traffic_split" "api" {
  environment = "shop/prod"
  service     = "api"

  alb {
    listener_arn = var.listener_arn
  }

  destination {
    name   = "blue"
    target = var.blue_target_group_arn
    weight = 0
  }
  destination {
    name   = "green"
    target = var.green_target_group_arn
    weight = 100
  }

  strategy {
    canary {
      steps = [10, 50]
      bake  = "5m"
    }
  }

  rollback {
    alarms = ["shop-prod-api-5xx"]
    http {
      url           = "https://api.example.com/healthz"
      expect_status = 200
      body_regex    = "ok"
    }
    poll_interval = "10s"
  }

  timeouts {
    update = "30m"
  }
}

# ALB listener rule created and owned by the split: no aws_lb_listener_rule
# and no ignore_changes. The rule starts on the declared weights; later
# changes of weights are cutovers, changes of priority or conditions update
# it in place, and destroying the split deletes it.
resource "golive_traffic_split" "orders" {
  environment = "shop/prod"
  service     = "orders"

  alb {
    listener_arn = var.listener_arn
    rule {
      priority      = 120
      path_patterns = ["/orders/*"]
      host_headers  = ["shop.example.com"]
    }
  }

  destination {
    name   = "blue"
    target = var.blue_target_group_arn
    weight = 100
  }
  destination {
    name   = "green"
    target = var.green_target_group_arn
    weight = 0
  }

  strategy {
    canary {
      steps = [10, 50]
      bake  = "5m"
    }
  }
}

# Lambda alias: 20 points more to version 8 every minute. If the alias
# "live" does not exist yet, the split creates it on the declared weights
# (lambda_alias[0].created = true) and deletes it on destroy; an existing
# alias is adopted and left in place. No aws_lambda_alias is needed.
resource "golive_traffic_split" "worker" {
  environment = "shop/prod"
  service     = "worker"

  lambda_alias {
    function_name = "shop-prod-worker"
    alias         = "live"
  }

  destination {
    name   = "v7"
    target = "7"
    weight = 0
  }
  destination {
    name   = "v8"
    target = "8"
    weight = 100
  }

  strategy {
    linear {
      increment = 20
      interval  = "1m"
    }
  }

  rollback {
    alarms = ["shop-prod-worker-errors"]
  }
}

# Route 53: weighted CNAMEs between two regions; bake longer than the TTL.
resource "golive_traffic_split" "web" {
  environment = "shop/prod"
  service     = "web"

  route53 {
    zone_id = var.zone_id
    name    = "www.example.com"
    type    = "CNAME"
    ttl     = 60
  }

  destination {
    name   = "us-east-1"
    target = "web-use1.example.com"
    weight = 50
  }
  destination {
    name   = "eu-west-1"
    target = "web-euw1.example.com"
    weight = 50
  }

  strategy {
    canary {
      steps = [25]
      bake  = "10m"
    }
  }
}

# Kubernetes: the weights of rule 0 of the HTTPRoute shop/storefront, whose
# backendRefs list both Services (the route itself belongs to the team's
# Helm chart). The provider's kubernetes block says which cluster.
resource "golive_traffic_split" "storefront" {
  environment = "shop/prod"
  service     = "storefront"

  gateway_api {
    namespace = "shop"
    route     = "storefront"
    rule      = 0
  }

  destination {
    name   = "stable"
    target = "storefront-stable" # a Service in the route's namespace
    weight = 90
  }
  destination {
    name   = "canary"
    target = "storefront-canary"
    weight = 10
  }

  rollback {
    http {
      url = "https://shop.example.com/healthz"
    }
  }
}
