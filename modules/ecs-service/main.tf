# A service with blue and green slots. The caller gives the version; the
# module reads which slot is live from the golive ledger, deploys the version
# to the idle slot and shifts the traffic to it with the chosen strategy.

data "golive_release" "this" {
  environment = var.environment_id
  service     = var.service
}

locals {
  slots        = ["blue", "green"]
  live_slot    = data.golive_release.this.slot
  live_version = data.golive_release.this.version
  # Re-applying the live version targets the live slot: nothing changes.
  target = local.live_version == var.version_label ? local.live_slot : data.golive_release.this.idle_slot
  # The other slot keeps what it runs; on the first release both get it.
  versions = {
    for s in local.slots : s => s == local.target ? var.version_label : lookup(data.golive_release.this.slots, s, var.version_label)
  }
  name = "${replace(var.environment_id, "/", "-")}-${var.service}"
  # Target group names have at most 32 characters and may not end in '-'.
  # Long names are cut and made unique again by a hash, so the two slots (and
  # services whose names share a long prefix) never get the same name.
  tg_prefix = length(local.name) <= 26 ? local.name : "${trimsuffix(substr(local.name, 0, 19), "-")}-${substr(sha1(local.name), 0, 6)}"
  # Preview rules are evaluated before the service's rule (lower numbers
  # first), or the service's paths would never reach them.
  preview_priorities = coalesce(var.preview_rule_priorities, {
    blue  = var.rule_priority - 2
    green = var.rule_priority - 1
  })
  rollback_alarms = concat(local.slot_alarm_names[local.target], var.rollback_alarms)
}

# Orders this environment's deployments after the upstream ones. Their ids
# are stable, so this never changes anything by itself.
resource "terraform_data" "upstream" {
  input = var.promote_after
}

resource "golive_deployment" "slot" {
  for_each    = toset(local.slots)
  environment = var.environment_id
  service     = var.service
  version     = local.versions[each.key]
  slot        = each.key

  ecs {
    cluster_arn         = var.cluster_arn
    task_definition_arn = aws_ecs_task_definition.slot[each.key].arn
    desired_count       = var.desired_count
    autoscaled          = local.autoscaled
    # A capacity provider strategy replaces the launch type.
    launch_type               = length(var.capacity_provider_strategy) > 0 ? null : var.launch_type
    platform_version          = var.platform_version
    subnets                   = var.subnet_ids
    security_groups           = var.security_group_ids
    assign_public_ip          = var.assign_public_ip
    health_check_grace_period = var.health_check_grace_period
    enable_execute_command    = var.enable_execute_command
    circuit_breaker           = var.circuit_breaker

    dynamic "capacity_provider_strategy" {
      for_each = var.capacity_provider_strategy
      content {
        capacity_provider = capacity_provider_strategy.value.capacity_provider
        weight            = capacity_provider_strategy.value.weight
        base              = capacity_provider_strategy.value.base
      }
    }
    load_balancer {
      target_group_arn = aws_lb_target_group.slot[each.key].arn
      container_name   = var.service
      container_port   = var.container_port
    }
  }

  # The slot's own alarms: a version counts as verified while its target
  # group is healthy by them.
  dynamic "verify" {
    for_each = length(concat(local.slot_alarm_names[each.key], var.verify_alarms)) > 0 ? [1] : []
    content {
      alarms = concat(local.slot_alarm_names[each.key], var.verify_alarms)
    }
  }

  dynamic "override" {
    for_each = var.override_reason == null ? [] : [var.override_reason]
    content {
      reason = override.value
    }
  }

  # The preview rules attach the target groups to the load balancer, which
  # ECS requires before it creates a service behind them; tasks read the
  # configuration with the execution role's policy as they start.
  depends_on = [aws_lb_listener_rule.preview, terraform_data.upstream, aws_iam_role_policy.execution]
}

resource "golive_traffic_split" "this" {
  environment = var.environment_id
  service     = var.service

  # The split creates the service's listener rule and owns it, weights
  # included: no aws_lb_listener_rule, no ignore_changes.
  alb {
    listener_arn = var.listener_arn
    rule {
      priority      = var.rule_priority
      path_patterns = var.path_patterns
    }
  }

  dynamic "destination" {
    for_each = local.slots
    content {
      name       = destination.value
      deployment = golive_deployment.slot[destination.value].id
      weight     = destination.value == local.target ? 100 : 0
    }
  }

  dynamic "strategy" {
    for_each = var.strategy.kind == "all_at_once" ? [] : [var.strategy]
    content {
      dynamic "canary" {
        for_each = strategy.value.kind == "canary" ? [1] : []
        content {
          steps = strategy.value.steps
          bake  = strategy.value.bake
        }
      }
      dynamic "linear" {
        for_each = strategy.value.kind == "linear" ? [1] : []
        content {
          increment = strategy.value.increment
          interval  = strategy.value.interval
        }
      }
    }
  }

  dynamic "override" {
    for_each = var.override_reason == null ? [] : [var.override_reason]
    content {
      reason = override.value
    }
  }

  # Judged by the alarms of the slot gaining traffic, on its own requests.
  dynamic "rollback" {
    for_each = length(local.rollback_alarms) > 0 ? [1] : []
    content {
      alarms        = local.rollback_alarms
      poll_interval = var.poll_interval
    }
  }
}
