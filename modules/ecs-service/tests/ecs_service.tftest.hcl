mock_provider "aws" {}
mock_provider "golive" {}

variables {
  environment_id     = "shop/prod"
  service            = "api"
  version_label      = "2.0.0"
  image_repository   = "registry.example.com/shop/api"
  cluster_arn        = "arn:aws:ecs:us-east-1:123456789012:cluster/shop-prod"
  vpc_id             = "vpc-1"
  subnet_ids         = ["subnet-1", "subnet-2"]
  security_group_ids = ["sg-1"]
  listener_arn       = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop-prod/1/2"
}

run "new_version_goes_to_the_idle_slot" {
  command = plan
  override_data {
    target = data.golive_release.this
    values = { slot = "blue", idle_slot = "green", version = "1.0.0", slots = { blue = "1.0.0", green = "0.9.0" } }
  }
  assert {
    condition     = golive_deployment.slot["green"].version == "2.0.0" && golive_deployment.slot["blue"].version == "1.0.0"
    error_message = "2.0.0 must go to the idle green slot; blue keeps 1.0.0"
  }
  assert {
    condition     = output.live_slot == "green"
    error_message = "green must become live"
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.slot["green"].container_definitions)[0].image == "registry.example.com/shop/api:2.0.0"
    error_message = "the image tag is the slot's version"
  }
}

run "same_version_changes_nothing" {
  command = plan
  override_data {
    target = data.golive_release.this
    values = { slot = "green", idle_slot = "blue", version = "2.0.0", slots = { blue = "1.0.0", green = "2.0.0" } }
  }
  assert {
    condition     = output.live_slot == "green" && golive_deployment.slot["blue"].version == "1.0.0" && golive_deployment.slot["green"].version == "2.0.0"
    error_message = "re-applying the live version must target the live slot and keep both versions"
  }
}

run "first_release_fills_both_slots" {
  command = plan
  override_data {
    target = data.golive_release.this
    values = { slot = null, idle_slot = "blue", version = null, slots = {} }
  }
  assert {
    condition     = output.live_slot == "blue" && golive_deployment.slot["green"].version == "2.0.0"
    error_message = "the first release goes live on blue and also fills green"
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

run "override_reaches_deployments_and_split" {
  command = plan
  variables {
    override_reason = "hotfix INC-1234"
  }
  override_data {
    target = data.golive_release.this
    values = { slot = "blue", idle_slot = "green", version = "1.0.0", slots = { blue = "1.0.0", green = "1.0.0" } }
  }
  assert {
    condition     = golive_deployment.slot["green"].override[0].reason == "hotfix INC-1234" && golive_traffic_split.this.override[0].reason == "hotfix INC-1234"
    error_message = "the override reason must reach both deployments and the traffic split"
  }
}

run "no_override_by_default" {
  command = plan
  override_data {
    target = data.golive_release.this
    values = { slot = "blue", idle_slot = "green", version = "1.0.0", slots = { blue = "1.0.0", green = "1.0.0" } }
  }
  assert {
    condition     = length(golive_deployment.slot["green"].override) == 0 && length(golive_traffic_split.this.override) == 0
    error_message = "gates must apply unless an override reason is given"
  }
}

run "rejects_blank_override_reason" {
  command = plan
  variables {
    override_reason = "  "
  }
  expect_failures = [var.override_reason]
}
