# The task: the environment's configuration as secrets[].valueFrom, the
# execution role allowed exactly those parameters, logs, roles, container
# settings and the full override.
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
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/shop-prod-api-mock" }
  }
  mock_resource "aws_lb_target_group" {
    defaults = {
      arn        = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-prod-api/0123456789abcdef"
      arn_suffix = "targetgroup/shop-prod-api/0123456789abcdef"
    }
  }
}
mock_provider "golive" {}

variables {
  environment_id     = "shop/prod"
  service            = "api"
  version_label      = "2.0.0"
  image_repository   = "registry.example.com/shop/api"
  cluster_arn        = "arn:aws:ecs:us-east-1:123456789012:cluster/shop-prod"
  vpc_id             = "vpc-0123456789abcdef0"
  subnet_ids         = ["subnet-00000000000000001", "subnet-00000000000000002"]
  security_group_ids = ["sg-0123456789abcdef0"]
  listener_arn       = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop-prod/0123456789abcdef/fedcba9876543210"
  variable_keys      = ["STATIC_PATH", "LOG_LEVEL"]
  secret_keys        = ["DB_PASSWORD"]
}

override_data {
  target = data.golive_release.this
  values = { slot = "blue", idle_slot = "green", version = "1.0.0", slots = { blue = "1.0.0", green = "1.0.0" } }
}

override_resource {
  target = golive_deployment.slot["blue"]
  values = { id = "shop/prod/api/blue" }
}

override_resource {
  target = golive_deployment.slot["green"]
  values = { id = "shop/prod/api/green" }
}

run "every_key_reaches_the_container_from_ssm" {
  command = plan
  assert {
    condition = jsondecode(aws_ecs_task_definition.slot["green"].container_definitions)[0].secrets == [
      { name = "DB_PASSWORD", valueFrom = "arn:aws:ssm:us-east-1:123456789012:parameter/golive/shop/prod/secrets/DB_PASSWORD" },
      { name = "LOG_LEVEL", valueFrom = "arn:aws:ssm:us-east-1:123456789012:parameter/golive/shop/prod/vars/LOG_LEVEL" },
      { name = "STATIC_PATH", valueFrom = "arn:aws:ssm:us-east-1:123456789012:parameter/golive/shop/prod/vars/STATIC_PATH" },
    ]
    error_message = "each variable and secret key is an environment variable of the same name, valueFrom its SSM parameter ARN"
  }
  assert {
    condition     = [for e in jsondecode(aws_ecs_task_definition.slot["green"].container_definitions)[0].environment : "${e.name}=${e.value}"] == ["GOLIVE_SLOT=green", "GOLIVE_VERSION=2.0.0"]
    error_message = "no configuration value is in the task definition; GOLIVE_VERSION and GOLIVE_SLOT are"
  }
  assert {
    condition     = output.parameter_arns["DB_PASSWORD"] == "arn:aws:ssm:us-east-1:123456789012:parameter/golive/shop/prod/secrets/DB_PASSWORD"
    error_message = "parameter_arns maps keys to their parameters"
  }
}

run "execution_role_reads_exactly_those_parameters" {
  assert {
    condition = one([for st in jsondecode(aws_iam_role_policy.execution[0].policy).Statement : st if st.Sid == "ReadEnvironmentConfiguration"]).Resource == [
      "arn:aws:ssm:us-east-1:123456789012:parameter/golive/shop/prod/secrets/DB_PASSWORD",
      "arn:aws:ssm:us-east-1:123456789012:parameter/golive/shop/prod/vars/LOG_LEVEL",
      "arn:aws:ssm:us-east-1:123456789012:parameter/golive/shop/prod/vars/STATIC_PATH",
    ]
    error_message = "the execution role may read exactly the environment's parameters"
  }
  assert {
    condition     = one([for st in jsondecode(aws_iam_role_policy.execution[0].policy).Statement : st if st.Sid == "ReadEnvironmentConfiguration"]).Action == ["ssm:GetParameters"]
    error_message = "reading is ssm:GetParameters, what ECS calls"
  }
  assert {
    condition     = length([for st in jsondecode(aws_iam_role_policy.execution[0].policy).Statement : st if contains(st.Action, "kms:Decrypt")]) == 0
    error_message = "SecureStrings under the AWS managed key need no kms grant"
  }
  assert {
    condition     = length([for st in jsondecode(aws_iam_role_policy.execution[0].policy).Statement : st if startswith(st.Sid, "AuthenticateToECR") || st.Sid == "PullImage"]) == 0
    error_message = "an image outside ECR needs no ECR permission"
  }
  assert {
    condition     = one([for st in jsondecode(aws_iam_role_policy.execution[0].policy).Statement : st if st.Sid == "WriteLogs"]).Resource == "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/shop/prod/api:*"
    error_message = "logs only into the service's log group"
  }
  assert {
    condition     = aws_ecs_task_definition.slot["blue"].execution_role_arn == aws_iam_role.execution[0].arn && aws_ecs_task_definition.slot["blue"].task_role_arn == aws_iam_role.task[0].arn
    error_message = "the task definitions use the created roles"
  }
  assert {
    condition     = jsondecode(aws_iam_role.execution[0].assume_role_policy).Statement[0].Principal.Service == "ecs-tasks.amazonaws.com"
    error_message = "ECS tasks assume the execution role"
  }
}

run "customer_managed_key_is_granted_through_ssm_only" {
  command = plan
  variables {
    secrets_kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/0123abcd-0123-4567-89ab-0123456789ab"
  }
  assert {
    condition = one([for st in jsondecode(aws_iam_role_policy.execution[0].policy).Statement : st if st.Sid == "DecryptEnvironmentSecrets"]) == {
      Sid       = "DecryptEnvironmentSecrets"
      Effect    = "Allow"
      Action    = ["kms:Decrypt"]
      Resource  = "arn:aws:kms:us-east-1:123456789012:key/0123abcd-0123-4567-89ab-0123456789ab"
      Condition = { StringEquals = { "kms:ViaService" = "ssm.us-east-1.amazonaws.com" } }
    }
    error_message = "with a customer managed key, kms:Decrypt on that key through SSM"
  }
}

run "no_configuration_no_ssm_statement" {
  command = plan
  variables {
    variable_keys = []
    secret_keys   = []
  }
  assert {
    condition     = length([for st in jsondecode(aws_iam_role_policy.execution[0].policy).Statement : st if st.Sid == "ReadEnvironmentConfiguration"]) == 0 && jsondecode(aws_ecs_task_definition.slot["blue"].container_definitions)[0].secrets == []
    error_message = "without keys, no SSM permission and no secrets"
  }
}

run "ecr_pulls_from_the_repository_only" {
  command = plan
  variables {
    image_repository = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api"
  }
  assert {
    condition     = one([for st in jsondecode(aws_iam_role_policy.execution[0].policy).Statement : st if st.Sid == "PullImage"]).Resource == "arn:aws:ecr:eu-west-1:123456789012:repository/shop/api"
    error_message = "image pulls are allowed from the image's ECR repository only"
  }
}

run "logs_go_to_the_service_log_group" {
  command = plan
  variables {
    log_retention_days = 90
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/ecs/shop/prod/api" && aws_cloudwatch_log_group.this.retention_in_days == 90
    error_message = "log group /ecs/<application>/<env>/<service> with the retention given"
  }
  assert {
    condition = jsondecode(aws_ecs_task_definition.slot["green"].container_definitions)[0].logConfiguration == {
      logDriver = "awslogs"
      options   = { awslogs-group = "/ecs/shop/prod/api", awslogs-region = "us-east-1", awslogs-stream-prefix = "green" }
    }
    error_message = "awslogs into the log group, streams prefixed with the slot"
  }
}

run "given_roles" {
  command = plan
  variables {
    create_execution_role = false
    execution_role_arn    = "arn:aws:iam::123456789012:role/platform-ecs-execution"
    create_task_role      = false
    task_role_arn         = "arn:aws:iam::123456789012:role/shop-api"
  }
  assert {
    condition     = length(aws_iam_role.execution) == 0 && length(aws_iam_role.task) == 0 && length(aws_iam_role_policy.execution) == 0
    error_message = "given roles: none created"
  }
  assert {
    condition     = aws_ecs_task_definition.slot["blue"].execution_role_arn == "arn:aws:iam::123456789012:role/platform-ecs-execution" && aws_ecs_task_definition.slot["blue"].task_role_arn == "arn:aws:iam::123456789012:role/shop-api"
    error_message = "the task definitions use the given roles"
  }
  assert {
    condition     = contains([for st in jsondecode(output.execution_role_policy_json).Statement : st.Sid], "ReadEnvironmentConfiguration")
    error_message = "execution_role_policy_json says what to attach to a given execution role"
  }
}

run "task_role_policies" {
  command = plan
  variables {
    task_role_policy_json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::shop-assets/*\"}]}"
    task_role_policy_arns = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
  }
  assert {
    condition     = length(aws_iam_role_policy.task) == 1 && length(aws_iam_role_policy_attachment.task) == 1
    error_message = "the task role gets the inline policy and the managed policies"
  }
}

run "container_settings_are_merged" {
  command = plan
  variables {
    environment        = { FEATURE_X = "on" }
    container_settings = { command = ["serve", "--port", "8080"], readonlyRootFilesystem = true }
    cpu                = 512
    memory             = 1024
    runtime_platform   = { cpu_architecture = "ARM64" }
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.slot["blue"].container_definitions)[0].command == ["serve", "--port", "8080"] && jsondecode(aws_ecs_task_definition.slot["blue"].container_definitions)[0].readonlyRootFilesystem
    error_message = "container_settings reach the container"
  }
  assert {
    condition     = contains([for e in jsondecode(aws_ecs_task_definition.slot["blue"].container_definitions)[0].environment : e.name], "FEATURE_X")
    error_message = "environment adds plain variables"
  }
  assert {
    condition     = aws_ecs_task_definition.slot["blue"].cpu == "512" && aws_ecs_task_definition.slot["blue"].memory == "1024" && aws_ecs_task_definition.slot["blue"].runtime_platform[0].cpu_architecture == "ARM64"
    error_message = "task size and platform"
  }
}

run "full_container_definitions_override" {
  command = plan
  variables {
    container_definitions = "[{\"name\":\"api\",\"image\":\"registry.example.com/shop/api:{{version}}\",\"essential\":true,\"portMappings\":[{\"containerPort\":8080}],\"environment\":[{\"name\":\"SLOT\",\"value\":\"{{slot}}\"}]},{\"name\":\"envoy\",\"image\":\"envoyproxy/envoy:v1.31\"}]"
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.slot["green"].container_definitions)[0].image == "registry.example.com/shop/api:2.0.0" && jsondecode(aws_ecs_task_definition.slot["green"].container_definitions)[0].environment[0].value == "green"
    error_message = "{{version}} and {{slot}} are replaced per slot"
  }
  assert {
    condition     = length(jsondecode(aws_ecs_task_definition.slot["green"].container_definitions)) == 2 && jsondecode(aws_ecs_task_definition.slot["blue"].container_definitions)[0].image == "registry.example.com/shop/api:1.0.0"
    error_message = "the override replaces the module's containers in both slots"
  }
  assert {
    condition     = length(output.container_secrets) == 3 && output.log_configuration.options.awslogs-stream-prefix == "{{slot}}"
    error_message = "container_secrets and log_configuration are there to put into an override"
  }
}

run "rejects_key_that_is_no_env_name" {
  command = plan
  variables {
    variable_keys = ["log-level"]
  }
  expect_failures = [var.variable_keys]
}

run "rejects_key_in_variables_and_secrets" {
  command = plan
  variables {
    variable_keys = ["DB_PASSWORD"]
    secret_keys   = ["DB_PASSWORD"]
  }
  expect_failures = [var.secret_keys]
}

run "rejects_kms_alias" {
  command = plan
  variables {
    secrets_kms_key_arn = "alias/aws/ssm"
  }
  expect_failures = [var.secrets_kms_key_arn]
}

run "rejects_missing_execution_role" {
  command = plan
  variables {
    create_execution_role = false
  }
  expect_failures = [var.execution_role_arn]
}

run "rejects_bad_role_arn" {
  command = plan
  variables {
    create_task_role = false
    task_role_arn    = "shop-api"
  }
  expect_failures = [var.task_role_arn]
}

run "rejects_settings_the_module_owns" {
  command = plan
  variables {
    container_settings = { image = "nginx:latest" }
  }
  expect_failures = [var.container_settings]
}

run "rejects_override_without_the_service_container" {
  command = plan
  variables {
    container_definitions = "[{\"name\":\"web\",\"image\":\"nginx\"}]"
  }
  expect_failures = [var.container_definitions]
}

run "rejects_override_that_is_no_list" {
  command = plan
  variables {
    container_definitions = "{\"name\":\"api\"}"
  }
  expect_failures = [var.container_definitions, var.container_definitions]
}

run "rejects_image_with_tag" {
  command = plan
  variables {
    image_repository = "registry.example.com/shop/api:latest"
  }
  expect_failures = [var.image_repository]
}

run "rejects_bad_cpu_and_retention" {
  command = plan
  variables {
    cpu                = 300
    log_retention_days = 10
  }
  expect_failures = [var.cpu, var.log_retention_days]
}

run "rejects_bad_network_ids" {
  command = plan
  variables {
    cluster_arn        = "shop-prod"
    vpc_id             = "shop"
    subnet_ids         = ["private-a"]
    security_group_ids = []
    listener_arn       = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop-prod/0123456789abcdef"
  }
  expect_failures = [var.cluster_arn, var.vpc_id, var.subnet_ids, var.security_group_ids, var.listener_arn]
}
