# The function reads its secrets at run time: its role may read exactly the
# environment's secret parameters.

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  # The role's name is the last part of its ARN (after any path).
  role_name = element(split("/", var.role_arn), length(split("/", var.role_arn)) - 1)
  secret_parameter_arns = [
    for k in sort(var.secret_keys) :
    "arn:${data.aws_partition.current.partition}:ssm:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:parameter${local.secret_parameter_names[k]}"
  ]
  secrets_policy_json = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{
        Sid      = "ReadEnvironmentSecrets"
        Effect   = "Allow"
        Action   = ["ssm:GetParameter", "ssm:GetParameters"]
        Resource = local.secret_parameter_arns
      }],
      var.secrets_kms_key_arn == null ? [] : [{
        Sid       = "DecryptEnvironmentSecrets"
        Effect    = "Allow"
        Action    = ["kms:Decrypt"]
        Resource  = var.secrets_kms_key_arn
        Condition = { StringEquals = { "kms:ViaService" = "ssm.${data.aws_region.current.name}.amazonaws.com" } }
      }],
    )
  })
}

resource "aws_iam_role_policy" "secrets" {
  count  = var.attach_secrets_policy && length(var.secret_keys) > 0 ? 1 : 0
  name   = "golive-${local.function_name}-secrets"
  role   = local.role_name
  policy = local.secrets_policy_json
}
