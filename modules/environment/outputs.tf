output "environment_id" {
  description = "The golive environment id, <application>/<name>."
  value       = try(golive_environment.this.id, null)
}

output "vpc_id" {
  description = "VPC of the environment."
  value       = try(aws_vpc.this.id, null)
}

output "subnet_ids" {
  description = "Public subnets."
  value       = try(aws_subnet.public[*].id, [])
}

output "task_security_group_id" {
  description = "Security group for tasks behind the load balancer."
  value       = try(aws_security_group.tasks.id, null)
}

output "listener_arn" {
  description = "HTTP listener; services add rules to it."
  value       = try(aws_lb_listener.http.arn, null)
}

output "load_balancer_dns_name" {
  description = "DNS name of the load balancer."
  value       = try(aws_lb.this.dns_name, null)
}

output "cluster_arn" {
  description = "ECS cluster."
  value       = try(aws_ecs_cluster.this.arn, null)
}

output "alarm_names" {
  description = "The 5xx and latency alarms, for rollback gates."
  value       = try([aws_cloudwatch_metric_alarm.http_5xx.alarm_name, aws_cloudwatch_metric_alarm.latency.alarm_name], [])
}
