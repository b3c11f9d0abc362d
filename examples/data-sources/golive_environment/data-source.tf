terraform {
  required_providers {
    golive = {
      source = "golive-dev/golive"
    }
  }
}

# Another stack's environment: its tier, rules and variables (never secret values).
data "golive_environment" "staging" {
  id = "shop/staging"
}

output "staging_log_level" {
  value = data.golive_environment.staging.variables["LOG_LEVEL"]
}
