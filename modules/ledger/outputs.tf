output "table_name" {
  description = "Name of the ledger table; pass it to the golive provider's ledger_table."
  value       = try(aws_dynamodb_table.ledger.name, null)
}

output "table_arn" {
  description = "ARN of the ledger table, for IAM policies."
  value       = try(aws_dynamodb_table.ledger.arn, null)
}
