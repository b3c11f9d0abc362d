output "environments" {
  description = "Environment ids."
  value       = [golive_environment.dev.id, golive_environment.staging.id, golive_environment.prod.id]
}
