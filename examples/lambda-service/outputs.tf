output "alias_arn" {
  description = "Invoke this ARN: the alias carries the traffic."
  value       = module.api.alias_arn
}

output "live_slot" {
  description = "The slot that has the traffic after this apply."
  value       = module.api.live_slot
}

output "lambda_versions" {
  description = "Published Lambda version per slot."
  value       = module.api.lambda_versions
}

output "cutover" {
  description = "The cutover of the latest plan, in words."
  value       = module.api.cutover
}

output "function_name" {
  description = "Name of the function."
  value       = module.api.function_name
}

output "slot_alarm_names" {
  description = "Error-rate alarm of each slot's own version."
  value       = module.api.slot_alarm_names
}

output "role_name" {
  description = "The function's role, which may read exactly its secrets."
  value       = aws_iam_role.api.name
}
