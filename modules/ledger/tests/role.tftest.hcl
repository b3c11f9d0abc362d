# The role other accounts assume to reach the ledger.

mock_provider "aws" {
  override_data {
    target = data.aws_partition.current
    values = { partition = "aws" }
  }
  mock_resource "aws_dynamodb_table" {
    defaults = { arn = "arn:aws:dynamodb:us-east-1:111111111111:table/golive-ledger" }
  }
}

run "no_role_without_trust" {
  command = plan
  assert {
    condition     = length(aws_iam_role.ledger) == 0 && length(aws_iam_role_policy.ledger) == 0
    error_message = "the role must be created only when someone is trusted"
  }
  assert {
    condition     = output.role_arn == null
    error_message = "role_arn must be null without a role"
  }
}

run "trusts_workload_accounts" {
  variables {
    trusted_account_ids = ["222222222222", "333333333333"]
  }
  assert {
    condition     = aws_iam_role.ledger[0].name == "golive-ledger" && aws_iam_role.ledger[0].max_session_duration == 3600
    error_message = "the role is golive-ledger, with one-hour sessions (chained sessions cannot be longer)"
  }
  assert {
    condition = jsondecode(aws_iam_role.ledger[0].assume_role_policy).Statement[0].Principal.AWS == [
      "arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:root",
    ]
    error_message = "the trust policy must name the workload accounts"
  }
  assert {
    condition     = !can(jsondecode(aws_iam_role.ledger[0].assume_role_policy).Statement[0].Condition)
    error_message = "no external id condition unless external_id is set"
  }
  assert {
    condition     = jsondecode(aws_iam_role.ledger[0].assume_role_policy).Statement[0].Action == "sts:AssumeRole"
    error_message = "the trust policy allows sts:AssumeRole only"
  }
  assert {
    condition = jsondecode(aws_iam_role_policy.ledger[0].policy).Statement[0].Action == [
      "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem", "dynamodb:Query",
    ]
    error_message = "the role may call only the ledger's item actions"
  }
  assert {
    condition = jsondecode(aws_iam_role_policy.ledger[0].policy).Statement[0].Resource == [
      "arn:aws:dynamodb:us-east-1:111111111111:table/golive-ledger",
      "arn:aws:dynamodb:us-east-1:111111111111:table/golive-ledger/index/*",
    ]
    error_message = "the role reaches only the ledger table and its index"
  }
  assert {
    condition     = length(jsondecode(aws_iam_role_policy.ledger[0].policy).Statement) == 1
    error_message = "the role's policy has one statement"
  }
  assert {
    condition     = output.role_arn == aws_iam_role.ledger[0].arn
    error_message = "role_arn must be the role's ARN"
  }
}

run "trusts_principals_with_an_external_id" {
  variables {
    trusted_principal_arns = ["arn:aws:iam::444444444444:role/deployer"]
    external_id            = "golive-shop"
    role_name              = "shop-ledger"
  }
  assert {
    condition     = jsondecode(aws_iam_role.ledger[0].assume_role_policy).Statement[0].Principal.AWS == ["arn:aws:iam::444444444444:role/deployer"]
    error_message = "the trust policy must name the given principals only"
  }
  assert {
    condition     = jsondecode(aws_iam_role.ledger[0].assume_role_policy).Statement[0].Condition.StringEquals["sts:ExternalId"] == "golive-shop"
    error_message = "the trust policy must require the external id"
  }
  assert {
    condition     = aws_iam_role.ledger[0].name == "shop-ledger"
    error_message = "role_name is not applied"
  }
}

run "rejects_bad_account_id" {
  command = plan
  variables {
    trusted_account_ids = ["22222222222"]
  }
  expect_failures = [var.trusted_account_ids]
}

run "rejects_principal_that_is_not_a_role_or_user" {
  command = plan
  variables {
    trusted_principal_arns = ["arn:aws:iam::444444444444:group/deployers"]
  }
  expect_failures = [var.trusted_principal_arns]
}

run "rejects_bad_external_id" {
  command = plan
  variables {
    trusted_account_ids = ["222222222222"]
    external_id         = "has spaces"
  }
  expect_failures = [var.external_id]
}
