# The load balancer services add their listener rules to: created here
# (HTTPS on 443 with the given certificate and HTTP on 80 redirecting to it,
# or HTTP alone), or the caller's listener (existing_listener).

locals {
  create_lb = var.existing_listener == null
  https     = local.create_lb && var.https != null

  listener_arn = (local.create_lb ?
    (local.https ? aws_lb_listener.https[0].arn : aws_lb_listener.http[0].arn) :
  var.existing_listener.arn)
  lb_security_group_id = local.create_lb ? aws_security_group.alb[0].id : var.existing_listener.security_group_id
  # The LoadBalancer dimension of the AWS/ApplicationELB metrics,
  # app/<name>/<id>; a listener's ARN carries it.
  lb_arn_suffix = local.create_lb ? aws_lb.this[0].arn_suffix : regex("listener/(app/[^/]+/[^/]+)/", var.existing_listener.arn)[0]
  # Load balancer names have at most 32 characters.
  lb_name = length(local.prefix) <= 32 ? local.prefix : "${trimsuffix(substr(local.prefix, 0, 25), "-")}-${substr(sha1(local.prefix), 0, 6)}"

  lb_ports = local.https ? [80, 443] : [80]
}

resource "aws_security_group" "alb" {
  count       = local.create_lb ? 1 : 0
  name        = "${local.prefix}-alb"
  description = "HTTP(S) from the allowed clients to the load balancer of ${local.prefix}"
  vpc_id      = local.vpc_id

  dynamic "ingress" {
    for_each = local.lb_ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = var.load_balancer_ingress_cidrs
    }
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
  tags = local.tags
}

resource "aws_security_group" "tasks" {
  name        = "${local.prefix}-tasks"
  description = "Traffic from the load balancer to the tasks of ${local.prefix}"
  vpc_id      = local.vpc_id
  ingress {
    from_port       = 0
    to_port         = 65535
    protocol        = "tcp"
    security_groups = [local.lb_security_group_id]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
  tags = local.tags
}

resource "aws_lb" "this" {
  count              = local.create_lb ? 1 : 0
  name               = local.lb_name
  load_balancer_type = "application"
  subnets            = local.public_subnet_ids
  security_groups    = [aws_security_group.alb[0].id]
  tags               = local.tags
}

# Services add listener rules (modules/ecs-service); unmatched paths get 404.
resource "aws_lb_listener" "https" {
  count             = local.https ? 1 : 0
  load_balancer_arn = aws_lb.this[0].arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.https.ssl_policy
  certificate_arn   = var.https.certificate_arn
  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      message_body = "no such service"
      status_code  = "404"
    }
  }
  tags = local.tags
}

resource "aws_lb_listener_certificate" "additional" {
  for_each        = toset(local.https ? var.https.additional_certificate_arns : [])
  listener_arn    = aws_lb_listener.https[0].arn
  certificate_arn = each.key
}

# With HTTPS, plain HTTP only redirects; without it, HTTP is the listener
# services add their rules to.
resource "aws_lb_listener" "http" {
  count             = local.create_lb ? 1 : 0
  load_balancer_arn = aws_lb.this[0].arn
  port              = 80
  protocol          = "HTTP"

  dynamic "default_action" {
    for_each = local.https ? [1] : []
    content {
      type = "redirect"
      redirect {
        port        = "443"
        protocol    = "HTTPS"
        status_code = "HTTP_301"
      }
    }
  }
  dynamic "default_action" {
    for_each = local.https ? [] : [1]
    content {
      type = "fixed-response"
      fixed_response {
        content_type = "text/plain"
        message_body = "no such service"
        status_code  = "404"
      }
    }
  }
  tags = local.tags
}
