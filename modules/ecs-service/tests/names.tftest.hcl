# Target group names: at most 32 characters, never ending in '-', distinct
# per slot however long the environment and service names are.
mock_provider "aws" {}
mock_provider "golive" {}

variables {
  environment_id     = "shop-production-eu/production-west"
  service            = "checkout-service"
  version_label      = "2.0.0"
  image_repository   = "registry.example.com/shop/api"
  cluster_arn        = "arn:aws:ecs:us-east-1:123456789012:cluster/shop-prod"
  vpc_id             = "vpc-0123456789abcdef0"
  subnet_ids         = ["subnet-00000000000000001", "subnet-00000000000000002"]
  security_group_ids = ["sg-0123456789abcdef0"]
  listener_arn       = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop-prod/0123456789abcdef/fedcba9876543210"
}

override_resource {
  target = golive_deployment.slot["blue"]
  values = { id = "shop-production-eu/production-west/checkout-service/blue" }
}

override_resource {
  target = golive_deployment.slot["green"]
  values = { id = "shop-production-eu/production-west/checkout-service/green" }
}

run "long_names_give_distinct_target_group_names" {
  command = plan
  override_data {
    target = data.golive_release.this
    values = { slot = "blue", idle_slot = "green", version = "1.0.0", slots = { blue = "1.0.0", green = "0.9.0" } }
  }
  assert {
    condition     = alltrue([for tg in aws_lb_target_group.slot : length(tg.name) <= 32 && !endswith(tg.name, "-")]) && aws_lb_target_group.slot["blue"].name != aws_lb_target_group.slot["green"].name
    error_message = "target group names must be at most 32 characters, not end in '-', and differ between slots"
  }
  assert {
    condition     = length(aws_iam_role.execution[0].name) <= 64 && length(aws_iam_role.task[0].name) <= 64
    error_message = "IAM role names must be at most 64 characters"
  }
}
