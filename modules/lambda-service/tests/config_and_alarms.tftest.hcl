# The environment's configuration reaches the function (variables by value,
# secrets by parameter name with a policy for exactly those parameters), and
# each slot's version is watched on its own invocations (ExecutedVersion).
mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
}
mock_provider "golive" {}

variables {
  environment_id = "shop/prod"
  service        = "api"
  version_label  = "2.0.0"
  filename       = "tests/handler.zip"
  role_arn       = "arn:aws:iam::123456789012:role/service/shop-prod-api"
  variables      = { LOG_LEVEL = "info", STATIC_PATH = "/static" }
  secret_keys    = ["DB_PASSWORD", "API_TOKEN"]
}

override_resource {
  target = aws_lambda_function.this
  values = { version = "4", arn = "arn:aws:lambda:us-east-1:123456789012:function:shop-prod-api", function_name = "shop-prod-api" }
}

override_data {
  target = data.golive_release.this
  values = {
    slot         = "blue", idle_slot = "green", version = "1.0.0"
    slots        = { blue = "1.0.0", green = "0.9.0" }
    destinations = { blue = "3", green = "2" }
  }
}

override_resource {
  target = golive_deployment.slot["blue"]
  values = { id = "shop/prod/api/blue" }
}

override_resource {
  target = golive_deployment.slot["green"]
  values = { id = "shop/prod/api/green" }
}

run "variables_by_value_secrets_by_parameter_name" {
  command = plan
  assert {
    condition = aws_lambda_function.this.environment[0].variables == tomap({
      LOG_LEVEL             = "info"
      STATIC_PATH           = "/static"
      DB_PASSWORD_PARAMETER = "/golive/shop/prod/secrets/DB_PASSWORD"
      API_TOKEN_PARAMETER   = "/golive/shop/prod/secrets/API_TOKEN"
      GOLIVE_VERSION        = "2.0.0"
      GOLIVE_CONFIG_PATH    = "/golive/shop/prod/"
    })
    error_message = "variables reach the function by value; secrets only by the name of their parameter"
  }
}

run "role_reads_exactly_the_secrets" {
  command = plan
  assert {
    condition     = aws_iam_role_policy.secrets[0].role == "shop-prod-api"
    error_message = "the policy goes onto the function's role (the name after the ARN's path)"
  }
  assert {
    condition = jsondecode(aws_iam_role_policy.secrets[0].policy).Statement == [{
      Sid      = "ReadEnvironmentSecrets"
      Effect   = "Allow"
      Action   = ["ssm:GetParameter", "ssm:GetParameters"]
      Resource = ["arn:aws:ssm:us-east-1:123456789012:parameter/golive/shop/prod/secrets/API_TOKEN", "arn:aws:ssm:us-east-1:123456789012:parameter/golive/shop/prod/secrets/DB_PASSWORD"]
    }]
    error_message = "the role may read exactly the secrets' parameters, and no kms grant with the AWS managed key"
  }
}

run "customer_managed_key" {
  command = plan
  variables {
    secrets_kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/0123abcd-0123-4567-89ab-0123456789ab"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.secrets[0].policy).Statement[1].Action == ["kms:Decrypt"] && jsondecode(aws_iam_role_policy.secrets[0].policy).Statement[1].Condition.StringEquals["kms:ViaService"] == "ssm.us-east-1.amazonaws.com"
    error_message = "with a customer managed key, kms:Decrypt through SSM"
  }
}

run "no_policy_without_secrets_or_when_declined" {
  command = plan
  variables {
    secret_keys = []
  }
  assert {
    condition     = length(aws_iam_role_policy.secrets) == 0
    error_message = "no secrets, no policy"
  }
}

run "extension_layer" {
  command = plan
  variables {
    layers = ["arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension:12"]
  }
  assert {
    condition     = aws_lambda_function.this.layers == tolist(["arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension:12"])
    error_message = "layers reach the function"
  }
}

run "each_slot_is_watched_on_its_own_version" {
  variables {
    slot_alarms = { duration_threshold_ms = 800 }
  }
  assert {
    condition = alltrue([for slot, version in { blue = "3", green = "4" } : alltrue([
      for q in aws_cloudwatch_metric_alarm.slot_errors[slot].metric_query : q.metric[0].dimensions == tomap({
        FunctionName = "shop-prod-api", Resource = "shop-prod-api:live", ExecutedVersion = version
      }) if q.id != "rate"
    ])])
    error_message = "each slot's error queries carry its own ExecutedVersion: blue the live 3, green the new 4"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.slot_duration["green"].dimensions["ExecutedVersion"] == "4" && aws_cloudwatch_metric_alarm.slot_duration["green"].threshold == 800
    error_message = "the duration alarm watches the slot's version at the threshold given"
  }
  assert {
    condition     = golive_traffic_split.this.rollback[0].alarms == tolist(["shop-prod-api-green-errors", "shop-prod-api-green-duration"])
    error_message = "the canary to green is rolled back by green's own alarms"
  }
  assert {
    condition     = golive_deployment.slot["blue"].verify[0].alarms == tolist(["shop-prod-api-blue-errors", "shop-prod-api-blue-duration"])
    error_message = "each deployment is verified by its own slot's alarms"
  }
}

run "rejects_bad_secret_key" {
  command = plan
  variables {
    secret_keys = ["db-password"]
  }
  expect_failures = [var.secret_keys]
}

run "rejects_variable_named_like_a_parameter_variable" {
  command = plan
  variables {
    variables = { DB_PASSWORD_PARAMETER = "x" }
  }
  expect_failures = [var.secret_keys]
}

run "rejects_bad_layer" {
  command = plan
  variables {
    layers = ["AWS-Parameters-and-Secrets-Lambda-Extension"]
  }
  expect_failures = [var.layers]
}

run "rejects_bad_kms_key" {
  command = plan
  variables {
    secrets_kms_key_arn = "alias/shop"
  }
  expect_failures = [var.secrets_kms_key_arn]
}

run "rejects_bad_alarm_settings" {
  command = plan
  variables {
    slot_alarms = { error_rate_percent = 0, duration_threshold_ms = -1, period_seconds = 7 }
  }
  expect_failures = [var.slot_alarms, var.slot_alarms, var.slot_alarms]
}
