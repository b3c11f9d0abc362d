output "function_name" {
  description = "Name of the Lambda function."
  value       = try(aws_lambda_function.this.function_name, null)
}

output "function_arn" {
  description = "ARN of the Lambda function (unqualified)."
  value       = try(aws_lambda_function.this.arn, null)
}

output "alias_name" {
  description = "Name of the alias that carries the traffic."
  value       = var.alias
}

output "alias_arn" {
  description = "ARN of the alias: invoke this, not a version."
  value       = try("${aws_lambda_function.this.arn}:${var.alias}", null)
}

output "alias_created" {
  description = "Whether the traffic split created the alias (and deletes it on destroy) rather than adopting an existing one."
  value       = try(golive_traffic_split.this.lambda_alias[0].created, null)
}

output "live_slot" {
  description = "The slot that receives the traffic after this apply."
  value       = try(local.target, null)
}

output "slot_versions" {
  description = "Release version per slot."
  value       = try(local.versions, {})
}

output "lambda_versions" {
  description = "Published Lambda version per slot."
  value       = try(local.lambda_versions, {})
}

output "published_version" {
  description = "The Lambda version this apply's configuration published (the newest)."
  value       = try(aws_lambda_function.this.version, null)
}

output "cutover" {
  description = "The cutover of the latest plan, in words."
  value       = try(golive_traffic_split.this.cutover, null)
}

output "planned_steps" {
  description = "The steps of the latest planned cutover."
  value       = try(golive_traffic_split.this.planned_steps, [])
}

output "deployment_ids" {
  description = "The golive_deployment ids of both slots; pass them as promote_after of the next environment."
  value       = try([for d in golive_deployment.slot : d.id], [])
}
