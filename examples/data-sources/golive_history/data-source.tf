terraform {
  required_providers {
    golive = {
      source = "golive-dev/golive"
    }
  }
}

# The 20 newest events of the api service in production.
data "golive_history" "prod_api" {
  environment = "shop/prod"
  service     = "api"
  limit       = 20
}

# The page after it.
data "golive_history" "prod_api_older" {
  environment = "shop/prod"
  service     = "api"
  limit       = 20
  after       = data.golive_history.prod_api.next
}

output "last_rollback" {
  value = try([for e in data.golive_history.prod_api.events : e if e.kind == "rolled_back"][0], null)
}
