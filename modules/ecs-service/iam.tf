# The task execution role (ECS itself: pull the image, write the logs, read
# the environment's parameters at task start) and the task role (the
# application). Each is created here or given.

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  # IAM role names have at most 64 characters ("-execution" takes 10).
  role_prefix = length(local.name) <= 48 ? local.name : "${trimsuffix(substr(local.name, 0, 41), "-")}-${substr(sha1(local.name), 0, 6)}"

  execution_role_arn = var.create_execution_role ? aws_iam_role.execution[0].arn : var.execution_role_arn
  task_role_arn      = var.create_task_role ? aws_iam_role.task[0].arn : var.task_role_arn

  # <account>.dkr.ecr.<region>.amazonaws.com/<name>: pulls are allowed from
  # that repository only. Other registries need no ECR permission.
  ecr = [for m in regexall("^([0-9]{12})\\.dkr\\.ecr(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?/(.+)$", var.image_repository) :
  "arn:${local.partition}:ecr:${m[1]}:${m[0]}:repository/${m[2]}"]

  execution_statements = concat(
    length(local.ecr) == 0 ? [] : [
      { Sid = "AuthenticateToECR", Effect = "Allow", Action = ["ecr:GetAuthorizationToken"], Resource = "*" },
      { Sid = "PullImage", Effect = "Allow", Action = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"], Resource = local.ecr[0] },
    ],
    [{
      Sid      = "WriteLogs"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}:*"
    }],
    # Exactly the environment's parameters, no path wildcard: a key added
    # to the environment reaches the task with the next apply of this module.
    length(local.parameter_arns) == 0 ? [] : [{
      Sid      = "ReadEnvironmentConfiguration"
      Effect   = "Allow"
      Action   = ["ssm:GetParameters"]
      Resource = [for k in sort(keys(local.parameter_arns)) : local.parameter_arns[k]]
    }],
    # SecureStrings under the AWS managed key aws/ssm need no grant; a
    # customer managed key does, and only for decryption through SSM.
    var.secrets_kms_key_arn == null ? [] : [{
      Sid       = "DecryptEnvironmentSecrets"
      Effect    = "Allow"
      Action    = ["kms:Decrypt"]
      Resource  = var.secrets_kms_key_arn
      Condition = { StringEquals = { "kms:ViaService" = "ssm.${local.region}.amazonaws.com" } }
    }],
    var.repository_credentials_arn == null ? [] : [{
      Sid      = "ReadRegistryCredentials"
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue"]
      Resource = var.repository_credentials_arn
    }],
  )
  execution_policy_json = jsonencode({ Version = "2012-10-17", Statement = local.execution_statements })

  # Only ECS tasks of this account may assume the roles.
  ecs_tasks_trust = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = local.account_id }
        ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:ecs:${local.region}:${local.account_id}:*" }
      }
    }]
  })
}

resource "aws_iam_role" "execution" {
  count              = var.create_execution_role ? 1 : 0
  name               = "${local.role_prefix}-execution"
  description        = "ECS task execution role of ${var.environment_id} ${var.service}: pull, logs, configuration."
  assume_role_policy = local.ecs_tasks_trust
  tags               = var.tags
}

resource "aws_iam_role_policy" "execution" {
  count  = var.create_execution_role ? 1 : 0
  name   = "golive-task-execution"
  role   = aws_iam_role.execution[0].id
  policy = local.execution_policy_json
}

resource "aws_iam_role" "task" {
  count              = var.create_task_role ? 1 : 0
  name               = "${local.role_prefix}-task"
  description        = "Task role of ${var.environment_id} ${var.service}: what the application may do in AWS."
  assume_role_policy = local.ecs_tasks_trust
  tags               = var.tags
}

resource "aws_iam_role_policy" "task" {
  count  = var.create_task_role && var.task_role_policy_json != null ? 1 : 0
  name   = "application"
  role   = aws_iam_role.task[0].id
  policy = var.task_role_policy_json
}

# What the ECS Exec agent in the task needs to open its session channels.
resource "aws_iam_role_policy" "execute_command" {
  count = var.create_task_role && var.enable_execute_command ? 1 : 0
  name  = "ecs-exec"
  role  = aws_iam_role.task[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "ExecuteCommandChannels"
      Effect   = "Allow"
      Action   = ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"]
      Resource = "*"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "task" {
  for_each   = toset(var.create_task_role ? var.task_role_policy_arns : [])
  role       = aws_iam_role.task[0].name
  policy_arn = each.key
}
