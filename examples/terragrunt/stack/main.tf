# One environment of the application and its api service: what each live
# unit (live/<environment>/terragrunt.hcl) deploys. Terragrunt runs one
# Terraform module per unit, so this wraps the two repository modules.

module "environment" {
  source = "../../../modules/environment"

  application         = var.application
  name                = var.environment
  tier                = var.tier
  promotes_from       = var.promotes_from
  parity              = var.parity
  vpc_cidr            = var.vpc_cidr
  variables           = var.variables
  deletion_protection = var.deletion_protection
  tags                = var.tags
}

module "api" {
  source = "../../../modules/ecs-service"

  environment_id     = module.environment.environment_id
  service            = "api"
  version_label      = var.api_version
  image_repository   = var.image_repository
  cluster_arn        = module.environment.cluster_arn
  vpc_id             = module.environment.vpc_id
  subnet_ids         = module.environment.subnet_ids
  assign_public_ip   = module.environment.assign_public_ip
  security_group_ids = [module.environment.task_security_group_id]
  listener_arn       = module.environment.listener_arn
  # The environment's variables reach the container from SSM; the new
  # slot's own alarms judge the canary.
  variable_keys = module.environment.variable_keys
  secret_keys   = module.environment.secret_keys
  strategy      = var.strategy
  poll_interval = var.poll_interval
  # Deployment ids of the upstream unit (a Terragrunt dependency): they
  # make the upstream environment's unit apply first.
  promote_after = var.promote_after
  tags          = var.tags
}
