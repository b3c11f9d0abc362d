# The stack the CI workflow plans on every pull request and applies on merge,
# once per environment: each environment lives in an AWS account of its own
# and has a state of its own (var.environment picks which). It declares the
# environment and its api service as a Lambda function. A pull request that
# raises a version in releases.auto.tfvars.json is a release; production only
# accepts a version that staging verified (promotes_from), at plan and again
# at apply: its gate reads staging's record from the shared ledger, in the
# ledger account.

locals {
  environments = {
    staging = { tier = "staging", promotes_from = null }
    prod    = { tier = "production", promotes_from = "staging" }
  }
  # This stack's environment, keyed by name so that addresses read
  # golive_environment.this["prod"].
  environment = { (var.environment) = local.environments[var.environment] }
  # Its release, if releases.auto.tfvars.json names one.
  release = { for env, version in var.releases : env => version if env == var.environment }
}

resource "golive_environment" "this" {
  for_each = local.environment

  application         = var.application
  name                = each.key
  tier                = each.value.tier
  promotes_from       = each.value.promotes_from
  aws_account_id      = var.account_id
  deletion_protection = each.key == "prod" ? var.prod_deletion_protection : false
  variables           = { LOG_LEVEL = each.key == "prod" ? "info" : "debug" }
}

resource "aws_iam_role" "api" {
  for_each = local.environment

  name = "${var.application}-${each.key}-api"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "api_logs" {
  for_each = local.environment

  name = "logs"
  role = aws_iam_role.api[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "arn:aws:logs:*:*:log-group:/aws/lambda/${var.application}-${each.key}-api:*"
    }]
  })
}

# Every apply that changes the package publishes a new version; golive
# adopts it once it is Active and records it. Callers invoke the recorded
# version (output live_function_versions), never $LATEST.
resource "aws_lambda_function" "api" {
  for_each = local.release

  function_name    = "${var.application}-${each.key}-api"
  role             = aws_iam_role.api[each.key].arn
  runtime          = "python3.12"
  handler          = "app.handler"
  filename         = "${var.package_dir}/api-${each.value}.zip"
  source_code_hash = filebase64sha256("${var.package_dir}/api-${each.value}.zip")
  publish          = true

  environment {
    variables = { GOLIVE_ENVIRONMENT = golive_environment.this[each.key].id, GOLIVE_VERSION = each.value }
  }

  depends_on = [aws_iam_role_policy.api_logs]
}

resource "golive_deployment" "api" {
  for_each = local.release

  environment = golive_environment.this[each.key].id
  service     = "api"
  version     = each.value
  slot        = "live"

  lambda {
    function_name = aws_lambda_function.api[each.key].function_name
    version       = aws_lambda_function.api[each.key].version
  }
}
