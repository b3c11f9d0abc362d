output "live_slot" {
  description = "The slot that receives the traffic after this apply."
  value       = local.target
}

output "slot_versions" {
  description = "Version per slot."
  value       = local.versions
}

output "target_group_arns" {
  description = "Target group per slot."
  value       = { for k, tg in aws_lb_target_group.slot : k => tg.arn }
}

output "rule_arn" {
  description = "The service's listener rule, created and owned by the traffic split."
  value       = golive_traffic_split.this.alb[0].rule_arn
}

output "preview_rule_arns" {
  description = "Preview rule per slot (requests with the preview header)."
  value       = { for k, r in aws_lb_listener_rule.preview : k => r.arn }
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

output "task_definition_arns" {
  description = "Task definition revision per slot."
  value       = { for k, td in aws_ecs_task_definition.slot : k => td.arn }
}

output "slot_alarm_names" {
  description = "The 5xx-rate and latency alarms of each slot's target group (empty lists when slot_alarms.enabled is false)."
  value       = local.slot_alarm_names
}

output "rollback_alarm_names" {
  description = "The alarms that roll this apply's cutover back: the target slot's, then rollback_alarms."
  value       = local.rollback_alarms
}

output "log_group_name" {
  description = "CloudWatch Logs group of the containers; streams are `<slot>/<container>/<task id>`."
  value       = aws_cloudwatch_log_group.this.name
}

output "execution_role_arn" {
  description = "The task execution role (created or given)."
  value       = local.execution_role_arn
}

output "task_role_arn" {
  description = "The task role (created or given; null if none)."
  value       = local.task_role_arn
}

output "execution_role_policy_json" {
  description = "What the execution role needs: ECR pulls (for an ECR image), the log group, exactly the environment's parameters, the secrets' KMS key if any. Attach it to a role you give (create_execution_role = false)."
  value       = local.execution_policy_json
}

output "parameter_arns" {
  description = "SSM parameter ARN per configuration key: what the container's secrets[].valueFrom point at."
  value       = local.parameter_arns
}

output "container_secrets" {
  description = "The container's secrets entries (name, valueFrom): put them into your own container_definitions."
  value       = local.container_secrets
}

output "log_configuration" {
  description = "The awslogs configuration of the module's container, for your own container_definitions ({{slot}} is replaced per slot)."
  value       = local.log_configuration
}
