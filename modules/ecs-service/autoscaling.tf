# Application Auto Scaling of each slot's ECS service. golive_deployment has
# autoscaled = true then, so a release never resets the count it set.

locals {
  autoscaled   = var.autoscaling != null
  cluster_name = split("/", var.cluster_arn)[1]
  # ECS service names: golive_deployment's default, <service>-<slot>.
  scaling_slots = local.autoscaled ? local.slots : []
  scaling_targets = local.autoscaled ? merge(
    var.autoscaling.cpu_percent == null ? {} : { cpu = { metric = "ECSServiceAverageCPUUtilization", value = var.autoscaling.cpu_percent } },
    var.autoscaling.memory_percent == null ? {} : { memory = { metric = "ECSServiceAverageMemoryUtilization", value = var.autoscaling.memory_percent } },
    var.autoscaling.requests_per_target == null ? {} : { requests = { metric = "ALBRequestCountPerTarget", value = var.autoscaling.requests_per_target } },
  ) : {}
  scaling_policies = { for p in setproduct(local.scaling_slots, keys(local.scaling_targets)) : "${p[0]}-${p[1]}" => { slot = p[0], target = p[1] } }
}

resource "aws_appautoscaling_target" "slot" {
  for_each           = toset(local.scaling_slots)
  service_namespace  = "ecs"
  resource_id        = "service/${local.cluster_name}/${var.service}-${each.key}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.autoscaling.min_capacity
  max_capacity       = var.autoscaling.max_capacity
  tags               = var.tags

  # The service exists once its deployment does.
  depends_on = [golive_deployment.slot]
}

resource "aws_appautoscaling_policy" "slot" {
  for_each           = local.scaling_policies
  name               = "${local.name}-${each.key}"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.slot[each.value.slot].service_namespace
  resource_id        = aws_appautoscaling_target.slot[each.value.slot].resource_id
  scalable_dimension = aws_appautoscaling_target.slot[each.value.slot].scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = local.scaling_targets[each.value.target].value
    scale_in_cooldown  = var.autoscaling.scale_in_cooldown
    scale_out_cooldown = var.autoscaling.scale_out_cooldown
    predefined_metric_specification {
      predefined_metric_type = local.scaling_targets[each.value.target].metric
      # Requests per target of the slot's own target group.
      resource_label = each.value.target == "requests" ? "${local.lb_arn_suffix}/${aws_lb_target_group.slot[each.value.slot].arn_suffix}" : null
    }
  }
}
