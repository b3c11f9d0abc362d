# One Lambda function released by canary on its alias "live". Each apply
# with a new `release` publishes a new version, deploys it to the idle slot
# and moves the alias 10% -> 50% -> 100%, watching the error rate of the new
# version's own invocations; if its alarm fires, the alias goes back and the
# apply fails. The environment's variables reach the function as environment
# variables; its secret only by parameter name (DB_PASSWORD_PARAMETER), read
# at run time.
#
#   terraform apply -var release=1.0.0 -var package=build/api-1.0.0.zip
#   terraform apply -var release=1.1.0 -var package=build/api-1.1.0.zip

locals {
  function_name = "${var.application}-${var.environment}-api"
}

resource "golive_environment" "this" {
  application         = var.application
  name                = var.environment
  tier                = "production"
  deletion_protection = var.deletion_protection
  variables           = { LOG_LEVEL = "info", STATIC_PATH = "/static" }
  secrets_wo          = { DB_PASSWORD = var.db_password }
  secrets_wo_version  = var.db_password_version
}

resource "aws_iam_role" "api" {
  name = "${var.application}-${var.environment}-api"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

# Its own log group and nothing else.
resource "aws_iam_role_policy" "logs" {
  name = "logs"
  role = aws_iam_role.api.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "arn:aws:logs:*:*:log-group:/aws/lambda/${local.function_name}:*"
    }]
  })
}

module "api" {
  source = "../../modules/lambda-service"

  environment_id = golive_environment.this.id
  service        = "api"
  function_name  = local.function_name
  version_label  = var.release
  filename       = var.package
  role_arn       = aws_iam_role.api.arn
  runtime        = "python3.12"
  handler        = "index.handler"
  memory         = 256
  timeout        = 10
  alias          = "live"
  strategy       = { kind = "canary", steps = [10, 50], bake = var.bake }
  poll_interval  = var.poll_interval
  tags           = { application = var.application }

  # The environment's configuration, known at plan: variables by value,
  # secrets by parameter name (the role may read exactly those). Add the
  # AWS Parameters and Secrets Lambda Extension of your region to layers to
  # read them through localhost:2773.
  variables   = golive_environment.this.variables
  secret_keys = golive_environment.this.secret_keys
  layers      = var.layers

  # The error rate of each slot's own version (ExecutedVersion) rolls the
  # canary to that slot back.
  slot_alarms = { error_rate_percent = 1 }
}
