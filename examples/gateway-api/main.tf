# A canary on Kubernetes through the Gateway API: the HTTPRoute "web"
# (httproute.yaml, applied with the team's Helm chart or kubectl) sends to
# two Services, web-blue and web-green. Each release deploys the idle slot
# with Helm, then moves traffic to it with one apply: 10% for 5 minutes,
# 50% for 5 minutes, then 100%, checking the health URL throughout; if the
# check fails, the route's weights go back and the apply fails.
#
#   helm upgrade web-green ./chart --set image.tag=1.4.2   # the idle slot
#   terraform apply -var live_slot=green
#
# golive changes only the weights of the route's first rule. It creates no
# Deployment, Service or HTTPRoute: those belong to the chart.

resource "golive_environment" "prod" {
  application = "shop"
  name        = "prod"
  tier        = "production"
}

resource "golive_traffic_split" "web" {
  environment = golive_environment.prod.id
  service     = "web"

  gateway_api {
    namespace = var.namespace
    route     = "web"
    rule      = 0
  }

  destination {
    name   = "blue"
    target = "web-blue" # a Service in the route's namespace, listed in the rule's backendRefs
    weight = var.live_slot == "blue" ? 100 : 0
  }
  destination {
    name   = "green"
    target = "web-green"
    weight = var.live_slot == "green" ? 100 : 0
  }

  strategy {
    canary {
      steps = [10, 50]
      bake  = "5m"
    }
  }

  rollback {
    http {
      url           = var.health_url
      expect_status = 200
    }
    poll_interval = "10s"
  }
}
