# Once, in the ledger account, before any environment: the golive ledger
# table that every environment shares, and the role the environment
# accounts assume to reach it.
#   cd bootstrap && terragrunt apply

# The ledger module needs no golive provider (a provider block for it would
# make Terraform look for hashicorp/golive), and Terragrunt refuses a child
# generate block named like one of its parent's. So this unit does not merge
# root.hcl: it takes the backend and the aws provider from it by name.
include "root" {
  path           = find_in_parent_folders("root.hcl")
  expose         = true
  merge_strategy = "no_merge"
}

terraform {
  source            = "${get_parent_terragrunt_dir("root")}/../..//modules/ledger"
  exclude_from_copy = ["bin", "dist"]
}

remote_state = include.root.remote_state

generate = {
  aws_provider = include.root.generate.aws_provider
}

inputs = {
  # The example is meant to be destroyed; keep protection on for a real ledger.
  deletion_protection = false
  tags                = include.root.inputs.tags
  # The environment accounts, whose deploy roles assume the ledger role.
  trusted_account_ids = [for name, id in include.root.locals.accounts : id if name != "ledger"]
}
