output "environments" {
  description = "Environment ids."
  value       = { for k, e in golive_environment.this : k => e.id }
}

output "releases" {
  description = "Per environment: the version golive verified and recorded, and the one it replaced."
  value = {
    for k, d in golive_deployment.api : k => {
      version          = d.version
      status           = d.status
      previous_version = d.previous_version
      deployed_at      = d.deployed_at
    }
  }
}

output "live_function_versions" {
  description = "Qualified ARN of the Lambda version golive recorded per environment: what callers invoke."
  value       = { for k, d in golive_deployment.api : k => "${aws_lambda_function.api[k].arn}:${d.destination}" }
}
