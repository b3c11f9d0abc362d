output "environments" {
  description = "Environment ids."
  value       = [for k in ["dev", "staging", "prod"] : module.env[k].environment_id]
}

output "live" {
  description = "Live slot and slot versions of the api service per environment."
  value = {
    dev     = { slot = module.api_dev.live_slot, versions = module.api_dev.slot_versions }
    staging = { slot = module.api_staging.live_slot, versions = module.api_staging.slot_versions }
    prod    = { slot = module.api_prod.live_slot, versions = module.api_prod.slot_versions }
  }
}

output "prod_cutover" {
  description = "Production's latest planned cutover."
  value       = module.api_prod.cutover
}

output "listener_arns" {
  description = "The listener of each environment that the api's rules are on (production's is HTTPS when certificate_arn is given)."
  value       = { for k, e in module.env : k => e.listener_arn }
}

output "load_balancer_dns_names" {
  description = "DNS name of each environment's load balancer."
  value       = { for k, e in module.env : k => e.load_balancer_dns_name }
}

output "prod_api" {
  description = "Production's api: task definitions, roles, logs and the alarms that judge each slot."
  value = {
    task_definition_arns = module.api_prod.task_definition_arns
    execution_role_arn   = module.api_prod.execution_role_arn
    log_group_name       = module.api_prod.log_group_name
    target_group_arns    = module.api_prod.target_group_arns
    slot_alarm_names     = module.api_prod.slot_alarm_names
    parameter_arns       = module.api_prod.parameter_arns
  }
}
