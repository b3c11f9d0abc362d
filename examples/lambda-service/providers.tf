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
    cloudwatch = var.aws_endpoint
    iam        = var.aws_endpoint
    lambda     = var.aws_endpoint
    sts        = var.aws_endpoint
  }
}

provider "golive" {
  region = var.region
  ledger {
    table = var.ledger_table
  }

  dynamic "endpoints" {
    for_each = local.emulated ? [var.aws_endpoint] : []
    content {
      cloudwatch = endpoints.value
      dynamodb   = endpoints.value
      lambda     = endpoints.value
      sns        = endpoints.value
      ssm        = endpoints.value
      sts        = endpoints.value
    }
  }
}
