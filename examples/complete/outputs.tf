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
