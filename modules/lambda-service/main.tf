# A Lambda function with blue and green slots. Every release publishes a new
# version of the function; the module reads which slot is live from the
# golive ledger, deploys the new version to the idle slot, keeps the live
# slot on the version it runs, and moves the alias's traffic to the new one
# with the chosen strategy. The traffic split creates the alias on the first
# release and owns it: no aws_lambda_alias, no ignore_changes.

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
  # Lambda version per slot. Only a target that is not live yet takes the
  # version this apply publishes; the live slot stays on the version the
  # ledger records for it, so traffic that is live is never moved by
  # anything but the split.
  lambda_versions = {
    for s in local.slots : s => s == local.target && s != local.live_slot ? aws_lambda_function.this.version : lookup(data.golive_release.this.destinations, s, aws_lambda_function.this.version)
  }
  function_name = coalesce(var.function_name, "${replace(var.environment_id, "/", "-")}-${var.service}")

  # The environment's configuration: variables by value, secrets by the name
  # of their parameter, read at run time (values never enter the function's
  # configuration).
  config_path = "/golive/${var.environment_id}/"
  secret_parameter_names = {
    for k in var.secret_keys : k => "${local.config_path}secrets/${k}"
  }
  environment = merge(
    var.variables,
    { for k, name in local.secret_parameter_names : "${k}_PARAMETER" => name },
    var.environment_variables,
    { GOLIVE_VERSION = var.version_label, GOLIVE_CONFIG_PATH = local.config_path },
  )
}

resource "aws_lambda_function" "this" {
  function_name    = local.function_name
  role             = var.role_arn
  runtime          = var.runtime
  handler          = var.handler
  memory_size      = var.memory
  timeout          = var.timeout
  filename         = var.filename
  source_code_hash = filebase64sha256(var.filename)
  layers           = var.layers
  # The release's version in the description and the environment changes
  # the configuration, so every release publishes a new version even when
  # the code is the same.
  description = "${var.environment_id} ${var.service} ${var.version_label} (golive)"
  publish     = true

  environment {
    variables = local.environment
  }

  tags = var.tags
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

  lambda {
    function_name = aws_lambda_function.this.function_name
    version       = local.lambda_versions[each.key]
  }

  # The slot's own alarms: a version counts as verified while its own
  # invocations are healthy by them.
  dynamic "verify" {
    for_each = length(concat(local.slot_alarm_names[each.key], var.verify_alarms)) > 0 ? [1] : []
    content {
      alarms = concat(local.slot_alarm_names[each.key], var.verify_alarms)
    }
  }

  depends_on = [terraform_data.upstream, aws_iam_role_policy.secrets]
}

resource "golive_traffic_split" "this" {
  environment = var.environment_id
  service     = var.service

  # Created by the split on the first release (lambda_alias[0].created),
  # deleted with it.
  lambda_alias {
    function_name = aws_lambda_function.this.function_name
    alias         = var.alias
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

  # Judged by the alarms of the version gaining traffic, on its own
  # invocations.
  dynamic "rollback" {
    for_each = length(local.rollback_alarms) > 0 ? [1] : []
    content {
      alarms        = local.rollback_alarms
      poll_interval = var.poll_interval
    }
  }
}
