output "table_name" {
  description = "Name of the ledger table; pass it to the golive provider's ledger { table }."
  value       = aws_dynamodb_table.ledger.name
}

output "table_arn" {
  description = "ARN of the ledger table, for IAM policies."
  value       = aws_dynamodb_table.ledger.arn
}

output "role_arn" {
  description = "ARN of the role workload accounts assume to reach the ledger (the providers' ledger { assume_role { role_arn } }); null without trusted_account_ids or trusted_principal_arns."
  value       = try(aws_iam_role.ledger[0].arn, null)
}
