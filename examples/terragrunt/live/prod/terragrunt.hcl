# prod: accepts only versions verified in staging, and shifts traffic to a
# new version by canary, rolling back by itself if an alarm fires.

include "root" {
  path   = find_in_parent_folders("root.hcl")
  expose = true
}

dependency "staging" {
  config_path = "../staging"

  mock_outputs = {
    deployment_ids = ["${include.root.locals.application}/staging/api/blue", "${include.root.locals.application}/staging/api/green"]
  }
  mock_outputs_allowed_terraform_commands = ["init", "validate", "plan", "destroy"]
}

inputs = {
  environment         = "prod"
  tier                = "production"
  promotes_from       = "staging"
  parity              = "strict"
  vpc_cidr            = "10.30.0.0/16"
  variables           = { LOG_LEVEL = "info", STATIC_PATH = "/static" }
  deletion_protection = true
  strategy            = { kind = "canary", steps = [10, 50], bake = "5m" }
  promote_after       = dependency.staging.outputs.deployment_ids

  api_version = "1.0.0"
}
