output "table_name" {
  description = "Name of the ledger table; pass it to the golive provider's ledger_table."
  value       = aws_dynamodb_table.ledger.name
}

output "table_arn" {
  description = "ARN of the ledger table, for IAM policies."
  value       = aws_dynamodb_table.ledger.arn
}
