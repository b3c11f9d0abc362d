# Once per account and region: the golive ledger table that every stack
# shares. Apply this before the application's stacks.

terraform {
  required_version = ">= 1.11"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

variable "region" {
  description = "AWS region."
  type        = string
  default     = "us-east-1"
}

variable "aws_endpoint" {
  description = "Send every AWS call to this URL (an emulator such as moto). null: real AWS."
  type        = string
  default     = null
}

provider "aws" {
  region                      = var.region
  access_key                  = var.aws_endpoint != null ? "test" : null
  secret_key                  = var.aws_endpoint != null ? "test" : null
  skip_credentials_validation = var.aws_endpoint != null
  skip_requesting_account_id  = var.aws_endpoint != null
  skip_metadata_api_check     = var.aws_endpoint != null
  skip_region_validation      = var.aws_endpoint != null

  endpoints {
    dynamodb = var.aws_endpoint
    sts      = var.aws_endpoint
  }
}

module "ledger" {
  source = "../../../modules/ledger"

  # The example is meant to be destroyed; keep protection on for real ledgers.
  deletion_protection = false
}

output "ledger_table" {
  description = "Pass to the golive provider's ledger { table }."
  value       = module.ledger.table_name
}
