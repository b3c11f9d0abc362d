# Shared by every unit (live/*/terragrunt.hcl and bootstrap/): the Terraform
# module a unit runs, the provider blocks, a local backend and the inputs all
# environments share. It is named root.hcl, not terragrunt.hcl: Terragrunt v1
# deprecates a root terragrunt.hcl (a file of that name is taken for a unit).

locals {
  application = "shop"
  region      = get_env("AWS_REGION", "us-east-1")

  # One AWS account per environment, and one for the ledger that all of them
  # share: promotion gates, locks and history must see every environment.
  # Put your account IDs here; GOLIVE_ACCOUNT_<NAME> overrides one (the
  # tests use fresh emulator accounts).
  accounts = {
    ledger  = get_env("GOLIVE_ACCOUNT_LEDGER", "111111111111")
    dev     = get_env("GOLIVE_ACCOUNT_DEV", "222222222222")
    staging = get_env("GOLIVE_ACCOUNT_STAGING", "333333333333")
    prod    = get_env("GOLIVE_ACCOUNT_PROD", "444444444444")
  }
  # The unit's account: live/<environment> works in its environment's,
  # bootstrap/ in the ledger's.
  unit    = basename(get_terragrunt_dir())
  account = local.accounts[local.unit == "bootstrap" ? "ledger" : local.unit]

  # The role both providers assume in the unit's account, with whatever
  # credentials run Terragrunt (a CI job's OIDC role, an SSO session): it
  # must trust them. In CI, give each account's job its own OIDC role and
  # let it assume this one (examples/ci).
  deploy_role_arn = "arn:aws:iam::${local.account}:role/${get_env("GOLIVE_DEPLOY_ROLE", "golive-deployer")}"

  # The ledger: bootstrap/ creates the table and the role the environment
  # accounts assume to reach it (modules/ledger, trusted_account_ids).
  ledger_region   = get_env("GOLIVE_LEDGER_REGION", "us-east-1")
  ledger_table    = "golive-ledger"
  ledger_role_arn = "arn:aws:iam::${local.accounts.ledger}:role/golive-ledger"

  # Send every AWS call to this URL, e.g. a moto server. Empty: real AWS.
  aws_endpoint = get_env("GOLIVE_AWS_ENDPOINT", "")

  emulated    = local.aws_endpoint != ""
  aws_clients = ["applicationautoscaling", "cloudwatch", "dynamodb", "ec2", "ecs", "elbv2", "iam", "lambda", "logs", "route53", "sns", "ssm", "sts"]
  # golive talks to fewer services than hashicorp/aws.
  golive_clients = ["cloudwatch", "dynamodb", "ecs", "elbv2", "eventbridge", "lambda", "route53", "sns", "ssm", "sts"]
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
      region = "${local.unit == "bootstrap" ? local.ledger_region : local.region}"
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
      %{~else~}
      allowed_account_ids = ["${local.account}"]
      %{~endif~}
      assume_role {
        role_arn = "${local.deploy_role_arn}"
      }
    }
  EOF
}

# golive works in the unit's account like hashicorp/aws, except for the
# ledger: its calls go to the ledger account's table, through the ledger
# role, which golive assumes with the unit's deploy role. Events still name
# the deploy role as their actor.
generate "golive_provider" {
  path      = "golive_provider.tf"
  if_exists = "overwrite_terragrunt"
  contents  = <<-EOF
    provider "golive" {
      region              = "${local.region}"
      allowed_account_ids = ["${local.account}"]
      default_tags        = { application = "${local.application}" }
      assume_role {
        role_arn = "${local.deploy_role_arn}"
      }
      ledger {
        table  = "${local.ledger_table}"
        region = "${local.ledger_region}"
        assume_role {
          role_arn = "${local.ledger_role_arn}"
        }
      }
      %{~if local.emulated~}
      endpoints {
        %{~for c in local.golive_clients~}
        ${c} = "${local.aws_endpoint}"
        %{~endfor~}
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
