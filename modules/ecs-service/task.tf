# The task definition of each slot: the container with the environment's
# configuration as secrets[].valueFrom (SSM parameter ARNs, read by ECS at
# task start with the execution role), awslogs into the service's log group.

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  region = data.aws_region.current.name
  # golive_environment keeps the configuration under this path, in the
  # account and region of these credentials.
  config_path      = "/golive/${var.environment_id}/"
  parameter_prefix = "arn:${data.aws_partition.current.partition}:ssm:${local.region}:${data.aws_caller_identity.current.account_id}:parameter${local.config_path}"
  parameter_arns = merge(
    { for k in var.variable_keys : k => "${local.parameter_prefix}vars/${k}" },
    { for k in var.secret_keys : k => "${local.parameter_prefix}secrets/${k}" },
  )
  # Every key of the environment as an environment variable of the same name.
  container_secrets = [for k in sort(keys(local.parameter_arns)) : { name = k, valueFrom = local.parameter_arns[k] }]

  log_group_name = "/ecs/${var.environment_id}/${var.service}"
  log_configuration = {
    logDriver = "awslogs"
    options = {
      awslogs-group         = aws_cloudwatch_log_group.this.name
      awslogs-region        = local.region
      awslogs-stream-prefix = "{{slot}}"
    }
  }

  container = merge({
    name         = var.service
    image        = "${var.image_repository}:{{version}}"
    essential    = true
    portMappings = [{ containerPort = var.container_port, protocol = "tcp" }]
    environment = [for k, v in merge(var.environment, { GOLIVE_VERSION = "{{version}}", GOLIVE_SLOT = "{{slot}}" }) :
    { name = k, value = v }]
    secrets          = local.container_secrets
    logConfiguration = local.log_configuration
    }, var.repository_credentials_arn == null ? {} : {
    repositoryCredentials = { credentialsParameter = var.repository_credentials_arn }
  }, var.container_settings)
  container_definitions = coalesce(var.container_definitions, jsonencode([local.container]))
}

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

resource "aws_ecs_task_definition" "slot" {
  for_each                 = toset(local.slots)
  family                   = "${local.name}-${each.key}"
  requires_compatibilities = [var.launch_type]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = local.execution_role_arn
  task_role_arn            = local.task_role_arn
  container_definitions = replace(replace(local.container_definitions,
    "{{version}}", local.versions[each.key]),
  "{{slot}}", each.key)

  dynamic "runtime_platform" {
    for_each = var.runtime_platform == null ? [] : [var.runtime_platform]
    content {
      cpu_architecture        = runtime_platform.value.cpu_architecture
      operating_system_family = runtime_platform.value.operating_system_family
    }
  }
  tags = var.tags
}
