output "environment_id" {
  description = "The golive environment id, <application>/<environment>."
  value       = module.environment.environment_id
}

output "deployment_ids" {
  description = "Deployment ids of the api slots; the downstream unit passes them as promote_after."
  value       = module.api.deployment_ids
}

output "live_slot" {
  description = "The api slot that receives the traffic."
  value       = module.api.live_slot
}

output "slot_versions" {
  description = "Version of the api per slot."
  value       = module.api.slot_versions
}

output "cutover" {
  description = "The api cutover of the latest plan, in words."
  value       = module.api.cutover
}

output "load_balancer_dns_name" {
  description = "DNS name of the environment's load balancer."
  value       = module.environment.load_balancer_dns_name
}
