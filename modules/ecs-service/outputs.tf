output "live_slot" {
  description = "The slot that receives the traffic after this apply."
  value       = try(local.target, null)
}

output "slot_versions" {
  description = "Version per slot."
  value       = try(local.versions, {})
}

output "target_group_arns" {
  description = "Target group per slot."
  value       = try({ for k, tg in aws_lb_target_group.slot : k => tg.arn }, {})
}

output "rule_arn" {
  description = "The service's listener rule, created and owned by the traffic split."
  value       = try(golive_traffic_split.this.alb[0].rule_arn, null)
}

output "preview_rule_arns" {
  description = "Preview rule per slot (requests with the preview header)."
  value       = try({ for k, r in aws_lb_listener_rule.preview : k => r.arn }, {})
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
