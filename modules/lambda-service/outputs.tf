output "function_name" {
  description = "Name of the Lambda function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the Lambda function (unqualified)."
  value       = aws_lambda_function.this.arn
}

output "alias_name" {
  description = "Name of the alias that carries the traffic."
  value       = var.alias
}

output "alias_arn" {
  description = "ARN of the alias: invoke this, not a version."
  value       = "${aws_lambda_function.this.arn}:${var.alias}"
}

output "alias_created" {
  description = "Whether the traffic split created the alias (and deletes it on destroy) rather than adopting an existing one."
  value       = golive_traffic_split.this.lambda_alias[0].created
}

output "live_slot" {
  description = "The slot that receives the traffic after this apply."
  value       = local.target
}

output "slot_versions" {
  description = "Release version per slot."
  value       = local.versions
}

output "lambda_versions" {
  description = "Published Lambda version per slot."
  value       = local.lambda_versions
}

output "published_version" {
  description = "The Lambda version this apply's configuration published (the newest)."
  value       = aws_lambda_function.this.version
}

output "cutover" {
  description = "The cutover of the latest plan, in words."
  value       = golive_traffic_split.this.cutover
}

output "planned_steps" {
  description = "The steps of the latest planned cutover."
  value       = golive_traffic_split.this.planned_steps
}

output "deployment_ids" {
  description = "The golive_deployment ids of both slots; pass them as promote_after of the next environment."
  value       = [for d in golive_deployment.slot : d.id]
}

output "slot_alarm_names" {
  description = "The error-rate (and duration) alarms of each slot's Lambda version (empty lists when slot_alarms.enabled is false)."
  value       = local.slot_alarm_names
}

output "rollback_alarm_names" {
  description = "The alarms that roll this apply's cutover back: the target slot's, then rollback_alarms."
  value       = local.rollback_alarms
}

output "secret_parameter_names" {
  description = "SSM parameter name per secret key: what the function's `<KEY>_PARAMETER` variables hold."
  value       = local.secret_parameter_names
}

output "secrets_policy_json" {
  description = "The policy that lets the function read exactly its secrets; attached to the role unless attach_secrets_policy is false."
  value       = local.secrets_policy_json
}
