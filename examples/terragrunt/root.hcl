# Shared by every unit (live/*/terragrunt.hcl and bootstrap/): the Terraform
# module a unit runs, the provider blocks, a local backend and the inputs all
# environments share. It is named root.hcl, not terragrunt.hcl: Terragrunt v1
# deprecates a root terragrunt.hcl (a file of that name is taken for a unit).

locals {
  application = "shop"
  region      = get_env("AWS_REGION", "us-east-1")
  # The ledger table that bootstrap/ creates, once per account and region.
  ledger_table = "golive-ledger"

  # Send every AWS call to this URL, e.g. a moto server. Empty: real AWS.
  aws_endpoint = get_env("GOLIVE_AWS_ENDPOINT", "")
  # Assume this role for every call (the tests use a fresh emulator account
  # per run). Empty: act as the caller's own credentials.
  assume_role_arn = get_env("GOLIVE_ASSUME_ROLE_ARN", "")

  emulated    = local.aws_endpoint != ""
  aws_clients = ["applicationautoscaling", "cloudwatch", "dynamodb", "ec2", "ecs", "elbv2", "iam", "lambda", "logs", "route53", "sns", "ssm", "sts"]
  # golive talks to fewer services than hashicorp/aws.
  golive_clients = ["cloudwatch", "dynamodb", "ecs", "elbv2", "lambda", "route53", "sns", "ssm", "sts"]
}

# Every environment unit runs ./stack. The "//" makes Terragrunt copy the
# repository root into the unit's .terragrunt-cache, so the stack's
# ../../../modules sources resolve there; bin/ and dist/ (built binaries)
# stay behind. With the modules in a repository of their own this would be
# "git::https://...//examples/terragrunt/stack?ref=v1.2.3".
terraform {
  source            = "${get_parent_terragrunt_dir()}/../..//examples/terragrunt/stack"
  exclude_from_copy = ["bin", "dist"]
}

# One state file per unit, next to its terragrunt.hcl. Use an s3 backend for
# a team; Terragrunt's remote_state can create its bucket.
remote_state {
  backend = "local"
  generate = {
    path      = "backend.tf"
    if_exists = "overwrite_terragrunt"
  }
  config = {
    path = "${get_terragrunt_dir()}/terraform.tfstate"
  }
}

generate "aws_provider" {
  path      = "aws_provider.tf"
  if_exists = "overwrite_terragrunt"
  contents  = <<-EOF
    provider "aws" {
      region = "${local.region}"
      %{~if local.emulated~}
      # An emulator: no real credentials, no account lookups.
      access_key                  = "test"
      secret_key                  = "test"
      skip_credentials_validation = true
      skip_requesting_account_id  = true
      skip_metadata_api_check     = true
      skip_region_validation      = true
      endpoints {
        %{~for c in local.aws_clients~}
        ${c} = "${local.aws_endpoint}"
        %{~endfor~}
      }
      %{~endif~}
      %{~if local.assume_role_arn != ""~}
      assume_role {
        role_arn = "${local.assume_role_arn}"
      }
      %{~endif~}
    }
  EOF
}

generate "golive_provider" {
  path      = "golive_provider.tf"
  if_exists = "overwrite_terragrunt"
  contents  = <<-EOF
    provider "golive" {
      region       = "${local.region}"
      ledger_table = "${local.ledger_table}"
      default_tags = { application = "${local.application}" }
      %{~if local.emulated~}
      endpoints {
        %{~for c in local.golive_clients~}
        ${c} = "${local.aws_endpoint}"
        %{~endfor~}
      }
      %{~endif~}
      %{~if local.assume_role_arn != ""~}
      assume_role {
        role_arn = "${local.assume_role_arn}"
      }
      %{~endif~}
    }
  EOF
}

# Inputs every environment shares; a unit's own inputs are merged over them.
inputs = {
  application      = local.application
  image_repository = "public.ecr.aws/golive/shop-api"
  tags             = { application = local.application, managed_by = "terragrunt" }
}
