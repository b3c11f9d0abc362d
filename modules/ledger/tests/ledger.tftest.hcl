mock_provider "aws" {}

run "defaults" {
  command = plan
  assert {
    condition     = aws_dynamodb_table.ledger.name == "golive-ledger"
    error_message = "the default table name must match the provider's default ledger { table }"
  }
  assert {
    condition     = aws_dynamodb_table.ledger.hash_key == "pk" && aws_dynamodb_table.ledger.range_key == "sk"
    error_message = "keys must be pk/sk"
  }
  assert {
    condition     = one([for g in aws_dynamodb_table.ledger.global_secondary_index : g.name]) == "by_service"
    error_message = "the by_service index is required"
  }
  assert {
    condition     = aws_dynamodb_table.ledger.deletion_protection_enabled
    error_message = "deletion protection must default to on"
  }
}

run "custom_name" {
  command = plan
  variables {
    name = "platform-ledger"
  }
  assert {
    condition     = aws_dynamodb_table.ledger.name == "platform-ledger"
    error_message = "name is not applied"
  }
}

run "rejects_bad_name" {
  command = plan
  variables {
    name = "no spaces allowed"
  }
  expect_failures = [var.name]
}

run "rejects_bad_kms_key" {
  command = plan
  variables {
    kms_key_arn = "alias/golive"
  }
  expect_failures = [var.kms_key_arn]
}
