# dev: the first stop of every release. It accepts any version.

include "root" {
  path = find_in_parent_folders("root.hcl")
}

inputs = {
  environment = "dev"
  tier        = "development"
  vpc_cidr    = "10.10.0.0/16"
  variables   = { LOG_LEVEL = "debug", STATIC_PATH = "/static" }

  api_version = "1.0.0"
}
