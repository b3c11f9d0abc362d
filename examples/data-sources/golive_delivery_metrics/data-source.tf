terraform {
  required_providers {
    golive = {
      source = "golive-dev/golive"
    }
  }
}

# The last 30 days of production.
data "golive_delivery_metrics" "prod" {
  environment = "shop/prod"
  window      = "720h"
}

output "dora" {
  value = {
    deployments_per_day  = data.golive_delivery_metrics.prod.deployment_frequency
    change_failure_rate  = data.golive_delivery_metrics.prod.change_failure_rate
    mean_time_to_restore = data.golive_delivery_metrics.prod.mean_time_to_restore
    lead_time            = data.golive_delivery_metrics.prod.lead_time
  }
}
