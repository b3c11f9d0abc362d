locals {
  emulated = var.aws_endpoint != null
}

# In CI the credentials come from the OIDC role the workflow assumed in the
# environment's account (aws-actions/configure-aws-credentials): both
# providers read them from the environment through the usual AWS SDK chain,
# and refuse to run with another account's.
provider "aws" {
  region              = var.region
  allowed_account_ids = local.emulated || var.account_id == null ? null : [var.account_id]

  # Against an emulator: no real credentials, no account lookups.
  access_key                  = local.emulated ? "test" : null
  secret_key                  = local.emulated ? "test" : null
  skip_credentials_validation = local.emulated
  skip_requesting_account_id  = local.emulated
  skip_metadata_api_check     = local.emulated
  skip_region_validation      = local.emulated

  endpoints {
    iam    = var.aws_endpoint
    lambda = var.aws_endpoint
    sts    = var.aws_endpoint
  }
}

# golive makes every call in the environment's account, except the
# ledger's: those go to the ledger account's table through its role, which
# golive assumes with the job's credentials. The ledger still records the
# job's role session as the actor of every release.
provider "golive" {
  region              = var.region
  allowed_account_ids = var.account_id == null ? null : [var.account_id]
  default_tags        = { application = var.application }

  ledger {
    table  = var.ledger_table
    region = var.ledger_region
    dynamic "assume_role" {
      for_each = var.ledger_role_arn == null ? [] : [var.ledger_role_arn]
      content {
        role_arn = assume_role.value
      }
    }
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
