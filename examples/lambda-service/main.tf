# One Lambda function released by canary on its alias "live". Each apply
# with a new `release` publishes a new version, deploys it to the idle slot
# and moves the alias 10% -> 50% -> 100%, watching the function's error
# alarm; if it fires, the alias goes back and the apply fails.
#
#   terraform apply -var release=1.0.0 -var package=build/api-1.0.0.zip
#   terraform apply -var release=1.1.0 -var package=build/api-1.1.0.zip

locals {
  function_name = "${var.application}-${var.environment}-api"
}

resource "golive_environment" "this" {
  application = var.application
  name        = var.environment
  tier        = "production"
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

# Errors of the invocations through the alias: the canary's rollback gate.
resource "aws_cloudwatch_metric_alarm" "errors" {
  alarm_name          = "${var.application}-${var.environment}-api-errors"
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = local.function_name, Resource = "${local.function_name}:live" }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
}

module "api" {
  source = "../../modules/lambda-service"

  environment_id  = golive_environment.this.id
  service         = "api"
  function_name   = local.function_name
  version_label   = var.release
  filename        = var.package
  role_arn        = aws_iam_role.api.arn
  runtime         = "python3.12"
  handler         = "index.handler"
  memory          = 256
  timeout         = 10
  alias           = "live"
  strategy        = { kind = "canary", steps = [10, 50], bake = var.bake }
  rollback_alarms = [aws_cloudwatch_metric_alarm.errors.alarm_name]
  poll_interval   = "10s"
  tags            = { application = var.application }
}
