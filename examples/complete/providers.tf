locals {
  emulated = var.aws_endpoint != null
}

provider "aws" {
  region = var.region

  # Against an emulator: no real credentials, no account lookups.
  access_key                  = local.emulated ? "test" : null
  secret_key                  = local.emulated ? "test" : null
  skip_credentials_validation = local.emulated
  skip_requesting_account_id  = local.emulated
  skip_metadata_api_check     = local.emulated
  skip_region_validation      = local.emulated

  endpoints {
    applicationautoscaling = var.aws_endpoint
    cloudwatch             = var.aws_endpoint
    dynamodb               = var.aws_endpoint
    ec2                    = var.aws_endpoint
    ecs                    = var.aws_endpoint
    elbv2                  = var.aws_endpoint
    iam                    = var.aws_endpoint
    lambda                 = var.aws_endpoint
    logs                   = var.aws_endpoint
    route53                = var.aws_endpoint
    sns                    = var.aws_endpoint
    ssm                    = var.aws_endpoint
    sts                    = var.aws_endpoint
  }
}

provider "golive" {
  region = var.region
  ledger {
    table = var.ledger_table
  }
  default_tags = { application = var.application }

  dynamic "endpoints" {
    for_each = local.emulated ? [var.aws_endpoint] : []
    content {
      cloudwatch = endpoints.value
      dynamodb   = endpoints.value
      ecs        = endpoints.value
      elbv2      = endpoints.value
      lambda     = endpoints.value
      route53    = endpoints.value
      sns        = endpoints.value
      ssm        = endpoints.value
      sts        = endpoints.value
    }
  }
}
