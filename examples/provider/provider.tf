terraform {
  required_providers {
    golive = {
      source = "golive-dev/golive"
    }
  }
}

# Credentials come from the aws-sdk-go-v2 chain: environment variables,
# shared profiles, SSO, instance or task roles.
provider "golive" {
  region = "us-east-1"

  assume_role {
    role_arn     = "arn:aws:iam::111111111111:role/deployer"
    session_name = "golive-ci"
  }

  ledger_table = "golive-ledger" # created by modules/ledger
  default_tags = { team = "platform" }

  # Only gateway_api traffic splits (Kubernetes) use it, and only when they run.
  kubernetes {
    config_path    = "~/.kube/config"
    config_context = "prod"
  }
}
