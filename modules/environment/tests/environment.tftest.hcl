mock_provider "aws" {}
mock_provider "golive" {}

variables {
  application = "shop"
  name        = "prod"
  tier        = "production"
}

run "defaults" {
  command = plan
  assert {
    condition     = golive_environment.this.application == "shop" && golive_environment.this.name == "prod" && golive_environment.this.tier == "production"
    error_message = "the golive environment must carry application, name and tier"
  }
  assert {
    condition     = aws_lb_listener.http.port == 80 && aws_lb.this.name == "shop-prod"
    error_message = "listener and load balancer names"
  }
  assert {
    condition     = length(aws_subnet.public) == 2 && aws_subnet.public[1].cidr_block == "10.0.1.0/24"
    error_message = "two /24 subnets cut from the VPC CIDR"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.http_5xx.alarm_name == "shop-prod-5xx"
    error_message = "alarm names must follow <application>-<name>-5xx"
  }
}

run "freezes_become_blocks" {
  command = plan
  variables {
    freezes = [{ start = "2026-12-24T00:00:00Z", end = "2026-12-27T00:00:00Z", reason = "holiday" }]
  }
  assert {
    condition     = length(golive_environment.this.freeze) == 1 && golive_environment.this.freeze[0].reason == "holiday"
    error_message = "freezes must be passed to golive_environment"
  }
}

run "rejects_bad_tier" {
  command = plan
  variables {
    tier = "prod"
  }
  expect_failures = [var.tier]
}

run "rejects_bad_name" {
  command = plan
  variables {
    name = "Prod_1"
  }
  expect_failures = [var.name]
}

run "rejects_name_ending_in_dash" {
  command = plan
  variables {
    name = "prod-"
  }
  expect_failures = [var.name]
}

run "rejects_bad_parity" {
  command = plan
  variables {
    parity = "loose"
  }
  expect_failures = [var.parity]
}

run "rejects_bad_cidr" {
  command = plan
  variables {
    vpc_cidr = "10.0.0.0"
  }
  expect_failures = [var.vpc_cidr]
}

run "rejects_one_zone" {
  command = plan
  variables {
    availability_zones = ["us-east-1a"]
  }
  expect_failures = [var.availability_zones]
}
