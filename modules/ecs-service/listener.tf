# The slots' target groups and the preview rules that reach each slot.

resource "aws_lb_target_group" "slot" {
  for_each    = toset(local.slots)
  name        = "${local.tg_prefix}-${each.key}"
  port        = var.container_port
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = var.vpc_id
  health_check {
    path = var.health_check_path
  }
  tags = var.tags
}

# One rule per slot that sends the service's paths to that slot when the
# request carries the header <preview_header>: <slot>, so the idle slot can
# be tried before traffic moves to it. These rules are also what attach the
# target groups to the load balancer before golive creates the ECS services:
# ECS refuses a target group with no load balancer ("does not have an
# associated load balancer"), and the service's own rule is created by the
# traffic split, which comes after the deployments. They never change, and
# nothing else writes to them.
resource "aws_lb_listener_rule" "preview" {
  for_each     = toset(local.slots)
  listener_arn = var.listener_arn
  priority     = local.preview_priorities[each.key]
  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.slot[each.key].arn
  }
  condition {
    http_header {
      http_header_name = var.preview_header
      values           = [each.key]
    }
  }
  condition {
    path_pattern {
      values = var.path_patterns
    }
  }
  dynamic "condition" {
    for_each = length(var.preview_source_cidrs) > 0 ? [1] : []
    content {
      source_ip {
        values = var.preview_source_cidrs
      }
    }
  }
  tags = var.tags
}
