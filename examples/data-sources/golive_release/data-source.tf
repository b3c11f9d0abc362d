terraform {
  required_providers {
    golive = {
      source = "golive-dev/golive"
    }
  }
}

# What staging verified: production promotes exactly that version.
data "golive_release" "staging_api" {
  environment = "shop/staging"
  service     = "api"
}

# Where production runs now: deploy the next version to the idle slot.
data "golive_release" "prod_api" {
  environment = "shop/prod"
  service     = "api"
}

output "promote" {
  value = data.golive_release.staging_api.verified ? data.golive_release.staging_api.version : null
}

output "next_slot" {
  value = data.golive_release.prod_api.idle_slot
}
