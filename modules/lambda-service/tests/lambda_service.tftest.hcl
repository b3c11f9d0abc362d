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
  role_arn       = "arn:aws:iam::123456789012:role/shop-prod-api"
}

# What the function resource publishes in these runs.
override_resource {
  target = aws_lambda_function.this
  values = { version = "4", arn = "arn:aws:lambda:us-east-1:123456789012:function:shop-prod-api" }
}

# What the ledger says unless a run says otherwise: blue live on 1.0.0.
override_data {
  target = data.golive_release.this
  values = { slot = "blue", idle_slot = "green", version = "1.0.0", slots = { blue = "1.0.0" }, destinations = { blue = "1" } }
}

# The split validates its destinations' deployment ids at plan; mocked ids
# would be random strings.
override_resource {
  target = golive_deployment.slot["blue"]
  values = { id = "shop/prod/api/blue" }
}

override_resource {
  target = golive_deployment.slot["green"]
  values = { id = "shop/prod/api/green" }
}

run "new_version_goes_to_the_idle_slot" {
  override_data {
    target = data.golive_release.this
    values = {
      slot         = "blue", idle_slot = "green", version = "1.0.0"
      slots        = { blue = "1.0.0", green = "0.9.0" }
      destinations = { blue = "3", green = "2" }
    }
  }
  assert {
    condition     = golive_deployment.slot["green"].version == "2.0.0" && golive_deployment.slot["blue"].version == "1.0.0"
    error_message = "2.0.0 must go to the idle green slot; blue keeps 1.0.0"
  }
  assert {
    condition     = golive_deployment.slot["green"].lambda[0].version == "4" && golive_deployment.slot["blue"].lambda[0].version == "3"
    error_message = "green must get the newly published Lambda version; live blue must stay on its recorded version 3"
  }
  assert {
    condition     = output.live_slot == "green" && output.lambda_versions.blue == "3" && output.lambda_versions.green == "4"
    error_message = "green must become live"
  }
  assert {
    condition     = [for d in golive_traffic_split.this.destination : "${d.name}=${d.weight}"] == ["blue=0", "green=100"]
    error_message = "the split must declare all traffic on green"
  }
  assert {
    condition     = golive_traffic_split.this.lambda_alias[0].alias == "live" && golive_traffic_split.this.lambda_alias[0].function_name == "shop-prod-api"
    error_message = "the split routes with the alias live of shop-prod-api by default"
  }
  assert {
    condition     = output.alias_arn == "arn:aws:lambda:us-east-1:123456789012:function:shop-prod-api:live"
    error_message = "alias_arn is the function ARN qualified by the alias"
  }
}

run "same_version_changes_nothing" {
  override_data {
    target = data.golive_release.this
    values = {
      slot         = "green", idle_slot = "blue", version = "2.0.0"
      slots        = { blue = "1.0.0", green = "2.0.0" }
      destinations = { blue = "1", green = "2" }
    }
  }
  assert {
    condition     = output.live_slot == "green" && golive_deployment.slot["blue"].version == "1.0.0" && golive_deployment.slot["green"].version == "2.0.0"
    error_message = "re-applying the live version must target the live slot and keep both versions"
  }
  assert {
    condition     = golive_deployment.slot["green"].lambda[0].version == "2" && golive_deployment.slot["blue"].lambda[0].version == "1"
    error_message = "the live slot keeps its recorded Lambda version, whatever the function resource published"
  }
}

run "first_release_fills_both_slots" {
  override_data {
    target = data.golive_release.this
    values = { slot = null, idle_slot = "blue", version = null, slots = {}, destinations = {} }
  }
  assert {
    condition     = output.live_slot == "blue" && golive_deployment.slot["green"].version == "2.0.0" && golive_deployment.slot["blue"].version == "2.0.0"
    error_message = "the first release goes live on blue and also fills green"
  }
  assert {
    condition     = output.lambda_versions.blue == "4" && output.lambda_versions.green == "4"
    error_message = "both slots run the published version on the first release"
  }
  assert {
    condition     = [for d in golive_traffic_split.this.destination : "${d.name}=${d.weight}"] == ["blue=100", "green=0"]
    error_message = "the first release declares all traffic on blue"
  }
}

run "every_release_changes_the_function" {
  command = plan
  override_data {
    target = data.golive_release.this
    values = { slot = null, idle_slot = "blue", version = null, slots = {}, destinations = {} }
  }
  variables {
    environment_variables = { LOG_LEVEL = "info" }
  }
  assert {
    condition     = aws_lambda_function.this.publish && strcontains(aws_lambda_function.this.description, "2.0.0")
    error_message = "the function is published and its description carries the version"
  }
  assert {
    condition     = aws_lambda_function.this.environment[0].variables == tomap({ LOG_LEVEL = "info", GOLIVE_VERSION = "2.0.0", GOLIVE_CONFIG_PATH = "/golive/shop/prod/" })
    error_message = "GOLIVE_VERSION and GOLIVE_CONFIG_PATH are added to the caller's environment variables"
  }
  assert {
    condition     = aws_lambda_function.this.source_code_hash == filebase64sha256("tests/handler.zip")
    error_message = "the code hash is that of the package"
  }
  assert {
    condition     = aws_lambda_function.this.function_name == "shop-prod-api" && aws_lambda_function.this.memory_size == 128 && aws_lambda_function.this.timeout == 30
    error_message = "defaults: name <application>-<environment>-<service>, 128 MiB, 30 s"
  }
}

run "canary_by_default_with_rollback_alarms" {
  command = plan
  override_data {
    target = data.golive_release.this
    values = { slot = "blue", idle_slot = "green", version = "1.0.0", slots = { blue = "1.0.0" }, destinations = { blue = "1" } }
  }
  variables {
    rollback_alarms = ["shop-prod-api-errors"]
    poll_interval   = "1s"
  }
  assert {
    condition     = golive_traffic_split.this.strategy[0].canary[0].steps == tolist([10, 50]) && golive_traffic_split.this.strategy[0].canary[0].bake == "5m" && length(golive_traffic_split.this.strategy[0].linear) == 0
    error_message = "the default strategy is a canary at 10% and 50%, 5m each"
  }
  assert {
    condition     = golive_traffic_split.this.rollback[0].alarms == tolist(["shop-prod-api-green-errors", "shop-prod-api-errors"]) && golive_traffic_split.this.rollback[0].poll_interval == "1s"
    error_message = "the gaining slot's alarm, the extra rollback alarms and the poll interval reach the split"
  }
}

run "all_at_once_and_linear" {
  command = plan
  override_data {
    target = data.golive_release.this
    values = { slot = "blue", idle_slot = "green", version = "1.0.0", slots = { blue = "1.0.0" }, destinations = { blue = "1" } }
  }
  variables {
    strategy    = { kind = "all_at_once" }
    alias       = "prod"
    slot_alarms = { enabled = false }
  }
  assert {
    condition     = length(golive_traffic_split.this.strategy) == 0 && length(golive_traffic_split.this.rollback) == 0
    error_message = "all_at_once has no strategy block; no alarms, no rollback block"
  }
  assert {
    condition     = golive_traffic_split.this.lambda_alias[0].alias == "prod"
    error_message = "the alias name is the alias variable"
  }
}

run "linear" {
  command = plan
  override_data {
    target = data.golive_release.this
    values = { slot = "blue", idle_slot = "green", version = "1.0.0", slots = { blue = "1.0.0" }, destinations = { blue = "1" } }
  }
  variables {
    strategy = { kind = "linear", increment = 25, interval = "2m" }
  }
  assert {
    condition     = golive_traffic_split.this.strategy[0].linear[0].increment == 25 && golive_traffic_split.this.strategy[0].linear[0].interval == "2m" && length(golive_traffic_split.this.strategy[0].canary) == 0
    error_message = "linear strategy reaches the split"
  }
}

run "rejects_bad_strategy" {
  command = plan
  variables {
    strategy = { kind = "big-bang" }
  }
  expect_failures = [var.strategy]
}

run "rejects_bad_version" {
  command = plan
  variables {
    version_label = "v 2"
  }
  expect_failures = [var.version_label]
}

run "rejects_bad_environment_id" {
  command = plan
  variables {
    environment_id = "prod"
  }
  expect_failures = [var.environment_id]
}

run "rejects_numeric_alias" {
  command = plan
  variables {
    alias = "7"
  }
  expect_failures = [var.alias]
}

run "rejects_bad_role_arn" {
  command = plan
  variables {
    role_arn = "shop-prod-api"
  }
  expect_failures = [var.role_arn]
}

run "rejects_package_that_is_not_a_zip" {
  command = plan
  variables {
    filename = "build/api.jar"
  }
  expect_failures = [var.filename]
}

run "rejects_bad_memory_and_timeout" {
  command = plan
  variables {
    memory  = 64
    timeout = 901
  }
  expect_failures = [var.memory, var.timeout]
}

run "rejects_bad_poll_interval" {
  command = plan
  variables {
    poll_interval = "often"
  }
  expect_failures = [var.poll_interval]
}

run "rejects_bad_function_name" {
  command = plan
  variables {
    function_name = "shop/api"
  }
  expect_failures = [var.function_name]
}

run "rejects_service_ending_in_dash" {
  command = plan
  variables {
    service = "api-"
  }
  expect_failures = [var.service]
}

run "rejects_environment_id_part_ending_in_dash" {
  command = plan
  variables {
    environment_id = "shop/prod-"
  }
  expect_failures = [var.environment_id]
}
