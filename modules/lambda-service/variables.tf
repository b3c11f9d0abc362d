variable "environment_id" {
  description = "golive environment id (modules/environment output environment_id), e.g. \"shop/prod\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?/[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$", var.environment_id))
    error_message = "environment_id must be <application>/<name>, e.g. shop/prod, each part 1-40 lower-case letters, digits or '-', starting and ending with a letter or digit."
  }
}

variable "service" {
  description = "Service name, e.g. \"api\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$", var.service))
    error_message = "service must be 1-40 lower-case letters, digits or '-', starting and ending with a letter or digit."
  }
}

variable "version_label" {
  description = "The version to release, e.g. \"1.4.2\". It is published as a new Lambda version, deployed to the idle slot and receives the alias's traffic; re-applying the live version changes nothing."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._+-]{1,128}$", var.version_label))
    error_message = "version_label must be 1-128 letters, digits, '.', '_', '+' or '-'."
  }
}

variable "filename" {
  description = "Path of the deployment package (.zip) of this version. Its hash is the function's source_code_hash."
  type        = string

  validation {
    condition     = can(regex("\\.zip$", var.filename))
    error_message = "filename must be the path of a .zip deployment package."
  }
}

variable "function_name" {
  description = "Name of the Lambda function. Default: \"<application>-<environment>-<service>\"."
  type        = string
  default     = null

  validation {
    condition     = var.function_name == null || can(regex("^[A-Za-z0-9_-]{1,64}$", var.function_name))
    error_message = "function_name must be 1-64 letters, digits, '-' or '_'."
  }
}

variable "role_arn" {
  description = "ARN of the IAM role the function runs as (it must trust lambda.amazonaws.com)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.role_arn))
    error_message = "role_arn must be an IAM role ARN, e.g. arn:aws:iam::123456789012:role/shop-api."
  }
}

variable "runtime" {
  description = "Lambda runtime, e.g. \"python3.12\", \"nodejs20.x\", \"provided.al2023\"."
  type        = string
  default     = "python3.12"

  validation {
    condition     = can(regex("^[a-z][a-z0-9.]*$", var.runtime))
    error_message = "runtime must be a Lambda runtime identifier such as python3.12 or nodejs20.x."
  }
}

variable "handler" {
  description = "Function entry point, e.g. \"index.handler\"."
  type        = string
  default     = "index.handler"

  validation {
    condition     = length(var.handler) > 0 && length(var.handler) <= 128
    error_message = "handler must be 1-128 characters."
  }
}

variable "memory" {
  description = "Memory of the function in MiB (128-10240)."
  type        = number
  default     = 128

  validation {
    condition     = var.memory >= 128 && var.memory <= 10240 && floor(var.memory) == var.memory
    error_message = "memory must be a whole number of MiB from 128 to 10240."
  }
}

variable "timeout" {
  description = "Function timeout in seconds (1-900)."
  type        = number
  default     = 30

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number of seconds from 1 to 900."
  }
}

variable "environment_variables" {
  description = "Environment variables of the function. GOLIVE_VERSION (the release's version) is added."
  type        = map(string)
  default     = {}
}

variable "alias" {
  description = "Name of the alias that carries the traffic. The traffic split creates it on the first release (and deletes it on destroy) or adopts one that exists."
  type        = string
  default     = "live"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,128}$", var.alias)) && !can(regex("^[0-9]+$", var.alias))
    error_message = "alias must be 1-128 letters, digits, '-' or '_', and not a number (numbers are versions)."
  }
}

variable "strategy" {
  description = "How traffic moves to the new version: all_at_once, canary (steps, bake) or linear (increment, interval)."
  type = object({
    kind      = optional(string, "canary")
    steps     = optional(list(number), [10, 50])
    bake      = optional(string, "5m")
    increment = optional(number, 20)
    interval  = optional(string, "1m")
  })
  default = {}

  validation {
    condition     = contains(["all_at_once", "canary", "linear"], var.strategy.kind)
    error_message = "strategy.kind must be all_at_once, canary or linear."
  }
}

variable "rollback_alarms" {
  description = "CloudWatch alarms that roll a cutover back while it bakes (e.g. the function's Errors alarm)."
  type        = list(string)
  default     = []
}

variable "verify_alarms" {
  description = "CloudWatch alarms that must be OK before a deployment counts as verified."
  type        = list(string)
  default     = []
}

variable "poll_interval" {
  description = "How often rollback alarms are checked during a bake, e.g. \"10s\"."
  type        = string
  default     = "10s"

  validation {
    condition     = can(regex("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$", var.poll_interval))
    error_message = "poll_interval must be a duration such as 10s or 1m."
  }
}

variable "tags" {
  description = "Tags for the Lambda function."
  type        = map(string)
  default     = {}
}

variable "promote_after" {
  description = "Deployment ids of the environment this one promotes from (that module's deployment_ids output). They are applied first, so a version is verified upstream before this environment's gates check it, without deferring this module's reads."
  type        = list(string)
  default     = []
}
