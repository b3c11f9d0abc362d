# An application with three isolated environments built from the modules.
# Releases flow dev -> staging -> prod: staging only accepts what dev
# verified, production only what staging verified, and production shifts
# traffic by canary, rolling back by itself when its 5xx alarm fires.
# The ledger table they share is created once per account by ./bootstrap.

locals {
  environments = {
    dev     = { tier = "development", promotes_from = null, cidr = "10.10.0.0/16", strategy = { kind = "all_at_once" } }
    staging = { tier = "staging", promotes_from = "dev", cidr = "10.20.0.0/16", strategy = { kind = "all_at_once" } }
    prod    = { tier = "production", promotes_from = "staging", cidr = "10.30.0.0/16", strategy = { kind = "canary", steps = [10, 50], bake = var.bake } }
  }
}

module "env" {
  source   = "../../modules/environment"
  for_each = local.environments

  application         = var.application
  name                = each.key
  tier                = each.value.tier
  promotes_from       = each.value.promotes_from
  parity              = each.key == "prod" ? "strict" : "warn"
  vpc_cidr            = each.value.cidr
  variables           = { LOG_LEVEL = each.key == "dev" ? "debug" : "info", STATIC_PATH = "/static" }
  freezes             = each.key == "prod" ? var.prod_freezes : []
  deletion_protection = each.key == "prod" ? var.prod_deletion_protection : false
}

# One module block per environment; promote_after makes each apply its
# deployments after those of the environment it promotes from, so a version
# is verified in dev before staging's apply checks it.
module "api_dev" {
  source = "../../modules/ecs-service"

  environment_id     = module.env["dev"].environment_id
  service            = "api"
  version_label      = var.releases.dev
  image_repository   = var.image_repository
  cluster_arn        = module.env["dev"].cluster_arn
  vpc_id             = module.env["dev"].vpc_id
  subnet_ids         = module.env["dev"].subnet_ids
  security_group_ids = [module.env["dev"].task_security_group_id]
  listener_arn       = module.env["dev"].listener_arn
  strategy           = local.environments.dev.strategy
  rollback_alarms    = module.env["dev"].alarm_names
}

module "api_staging" {
  source = "../../modules/ecs-service"

  environment_id     = module.env["staging"].environment_id
  service            = "api"
  version_label      = var.releases.staging
  image_repository   = var.image_repository
  cluster_arn        = module.env["staging"].cluster_arn
  vpc_id             = module.env["staging"].vpc_id
  subnet_ids         = module.env["staging"].subnet_ids
  security_group_ids = [module.env["staging"].task_security_group_id]
  listener_arn       = module.env["staging"].listener_arn
  strategy           = local.environments.staging.strategy
  rollback_alarms    = module.env["staging"].alarm_names
  promote_after      = module.api_dev.deployment_ids
}

module "api_prod" {
  source = "../../modules/ecs-service"

  environment_id     = module.env["prod"].environment_id
  service            = "api"
  version_label      = var.releases.prod
  image_repository   = var.image_repository
  cluster_arn        = module.env["prod"].cluster_arn
  vpc_id             = module.env["prod"].vpc_id
  subnet_ids         = module.env["prod"].subnet_ids
  security_group_ids = [module.env["prod"].task_security_group_id]
  listener_arn       = module.env["prod"].listener_arn
  strategy           = local.environments.prod.strategy
  rollback_alarms    = module.env["prod"].alarm_names
  poll_interval      = "1s"
  promote_after      = module.api_staging.deployment_ids
}
