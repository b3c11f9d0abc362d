output "environment_id" {
  description = "The golive environment id, `<application>/<name>`."
  value       = golive_environment.this.id
}

output "config_path" {
  description = "Where the environment's configuration lives in SSM Parameter Store: `<config_path>vars/<KEY>` and `<config_path>secrets/<KEY>`."
  value       = "/golive/${var.application}/${var.name}/"
}

output "variables" {
  description = "The environment's variables (modules/lambda-service variables)."
  value       = var.variables
}

output "variable_keys" {
  description = "Keys of the variables, known at plan (modules/ecs-service variable_keys)."
  value       = sort(keys(var.variables))
}

output "secret_keys" {
  description = "Keys of the secrets, never their values; known at plan (modules/ecs-service and modules/lambda-service secret_keys)."
  value       = sort(golive_environment.this.secret_keys)
}

output "vpc_id" {
  description = "VPC of the environment (created or given)."
  value       = local.vpc_id
}

output "public_subnet_ids" {
  description = "Public subnets (the load balancer's)."
  value       = local.public_subnet_ids
}

output "private_subnet_ids" {
  description = "Private subnets (empty when task_network is public and the module created the VPC)."
  value       = local.private_subnet_ids
}

output "subnet_ids" {
  description = "Subnets the tasks run in: the private ones, or the public ones when task_network is public (modules/ecs-service subnet_ids)."
  value       = local.task_subnet_ids
}

output "assign_public_ip" {
  description = "Whether tasks need public IPs: true when they run in public subnets (modules/ecs-service assign_public_ip)."
  value       = var.task_network == "public"
}

output "nat_gateway_ids" {
  description = "NAT gateways the module created."
  value       = aws_nat_gateway.this[*].id
}

output "vpc_endpoint_ids" {
  description = "VPC endpoints the module created, by service (ecr.api, ecr.dkr, logs, ssm, s3). Add endpoints for whatever else the application calls (the VPC, private subnets and task security group are outputs)."
  value       = merge({ for k, e in aws_vpc_endpoint.interface : k => e.id }, { for e in aws_vpc_endpoint.s3 : "s3" => e.id })
}

output "task_security_group_id" {
  description = "Security group for tasks: accepts traffic from the load balancer."
  value       = aws_security_group.tasks.id
}

output "load_balancer_security_group_id" {
  description = "Security group of the load balancer (created or given)."
  value       = local.lb_security_group_id
}

output "listener_arn" {
  description = "The listener services add their rules to: HTTPS when https is set, else HTTP, or the given existing_listener."
  value       = local.listener_arn
}

output "http_listener_arn" {
  description = "The HTTP listener the module created (it redirects to HTTPS when https is set); null with existing_listener."
  value       = try(aws_lb_listener.http[0].arn, null)
}

output "load_balancer_arn" {
  description = "The load balancer the module created; null with existing_listener."
  value       = try(aws_lb.this[0].arn, null)
}

output "load_balancer_arn_suffix" {
  description = "The LoadBalancer dimension of its CloudWatch metrics (`app/<name>/<id>`)."
  value       = local.lb_arn_suffix
}

output "load_balancer_dns_name" {
  description = "DNS name of the load balancer the module created; null with existing_listener."
  value       = try(aws_lb.this[0].dns_name, null)
}

output "cluster_arn" {
  description = "ECS cluster."
  value       = aws_ecs_cluster.this.arn
}

output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "capacity_providers" {
  description = "Capacity providers of the cluster."
  value       = aws_ecs_cluster_capacity_providers.this.capacity_providers
}

output "alarm_names" {
  description = "The load-balancer-wide 5xx and latency alarms (every service behind the load balancer counts). For a canary's rollback use modules/ecs-service's per-slot alarms."
  value       = [aws_cloudwatch_metric_alarm.http_5xx.alarm_name, aws_cloudwatch_metric_alarm.latency.alarm_name]
}
