# staging: accepts only versions verified in dev.

include "root" {
  path   = find_in_parent_folders("root.hcl")
  expose = true
}

# Orders `terragrunt run --all apply`: dev is applied (and its version
# verified) before staging is planned and applied.
dependency "dev" {
  config_path = "../dev"

  # Before dev's first apply there are no outputs to read. Deployment ids are
  # <environment id>/<service>/<slot>, so the mocks are what dev will output.
  mock_outputs = {
    deployment_ids = ["${include.root.locals.application}/dev/api/blue", "${include.root.locals.application}/dev/api/green"]
  }
  mock_outputs_allowed_terraform_commands = ["init", "validate", "plan", "destroy"]
}

inputs = {
  environment   = "staging"
  tier          = "staging"
  promotes_from = "dev"
  parity        = "warn"
  vpc_cidr      = "10.20.0.0/16"
  variables     = { LOG_LEVEL = "info", STATIC_PATH = "/static" }
  promote_after = dependency.dev.outputs.deployment_ids

  api_version = "1.0.0"
}
