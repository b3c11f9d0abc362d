# An application with three isolated environments built from the modules.
# Releases flow dev -> staging -> prod: staging only accepts what dev
# verified, production only what staging verified, and production shifts
# traffic by canary, rolling back by itself when the new slot's own 5xx or
# latency alarm fires. Each environment's configuration (variables, and the
# database password as a secret) reaches the api containers from SSM.
# The ledger table they share is created once per account by ./bootstrap.

locals {
  environments = {
    # Development: tasks in public subnets (no NAT to pay for).
    dev = { tier = "development", promotes_from = null, cidr = "10.10.0.0/16", task_network = "public", strategy = { kind = "all_at_once" } }
    # Staging: private subnets without internet, AWS reached through VPC endpoints.
    staging = { tier = "staging", promotes_from = "dev", cidr = "10.20.0.0/16", task_network = "private_endpoints", strategy = { kind = "all_at_once" } }
    # Production: private subnets behind a NAT gateway, HTTPS, a canary.
    prod = { tier = "production", promotes_from = "staging", cidr = "10.30.0.0/16", task_network = "private_nat", strategy = { kind = "canary", steps = [10, 50], bake = var.bake } }
  }
}

module "env" {
  source   = "../../modules/environment"
  for_each = local.environments

  application   = var.application
  name          = each.key
  tier          = each.value.tier
  promotes_from = each.value.promotes_from
  parity        = each.key == "prod" ? "strict" : "warn"
  vpc_cidr      = each.value.cidr
  task_network  = each.value.task_network
  https         = each.key == "prod" && var.certificate_arn != null ? { certificate_arn = var.certificate_arn } : null

  variables       = { LOG_LEVEL = each.key == "dev" ? "debug" : "info", STATIC_PATH = "/static" }
  secrets         = var.db_password == null ? {} : { DB_PASSWORD = var.db_password }
  secrets_version = var.db_password_version

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
  assign_public_ip   = module.env["dev"].assign_public_ip
  security_group_ids = [module.env["dev"].task_security_group_id]
  listener_arn       = module.env["dev"].listener_arn
  variable_keys      = module.env["dev"].variable_keys
  secret_keys        = module.env["dev"].secret_keys
  # Development runs on Fargate Spot.
  capacity_provider_strategy = [{ capacity_provider = "FARGATE_SPOT", weight = 1 }]
  strategy                   = local.environments.dev.strategy
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
  assign_public_ip   = module.env["staging"].assign_public_ip
  security_group_ids = [module.env["staging"].task_security_group_id]
  listener_arn       = module.env["staging"].listener_arn
  variable_keys      = module.env["staging"].variable_keys
  secret_keys        = module.env["staging"].secret_keys
  strategy           = local.environments.staging.strategy
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
  assign_public_ip   = module.env["prod"].assign_public_ip
  security_group_ids = [module.env["prod"].task_security_group_id]
  listener_arn       = module.env["prod"].listener_arn
  variable_keys      = module.env["prod"].variable_keys
  secret_keys        = module.env["prod"].secret_keys
  # Application Auto Scaling of each slot, when prod_autoscaling is set.
  autoscaling = var.prod_autoscaling
  strategy    = local.environments.prod.strategy
  # The canary is judged by the new slot's own alarms (5xx rate, p99
  # latency of its target group), checked every second while it bakes.
  slot_alarms   = { error_rate_percent = 2, latency_seconds = 0.8 }
  poll_interval = "1s"
  promote_after = module.api_staging.deployment_ids
}
