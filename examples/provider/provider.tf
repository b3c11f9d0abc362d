terraform {
  required_providers {
    golive = {
      source = "golive-dev/golive"
    }
  }
}

# Credentials come from the aws-sdk-go-v2 chain: environment variables,
# shared profiles, SSO, instance or task roles. Production in its own
# account and region; the ledger, shared by every environment, in another.
provider "golive" {
  region = "eu-west-1"

  assume_role { # the workload credentials: every call but the ledger's
    role_arn     = "arn:aws:iam::333333333333:role/deployer"
    session_name = "golive-ci"
  }
  allowed_account_ids = ["333333333333"]

  ledger { # created by modules/ledger, with trusted_account_ids
    table  = "golive-ledger"
    region = "us-east-1"
    assume_role {
      role_arn = "arn:aws:iam::111111111111:role/golive-ledger"
    }
  }

  default_tags = { team = "platform" }

  # Only gateway_api traffic splits (Kubernetes) use it, and only when they run.
  kubernetes {
    config_path    = "~/.kube/config"
    config_context = "prod"
  }
}
