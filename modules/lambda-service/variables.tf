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
  description = "Name of the Lambda function. Default: `<application>-<environment>-<service>`."
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
  description = "More environment variables of the function, besides the environment's variables. GOLIVE_VERSION (the release's version) and GOLIVE_CONFIG_PATH are added."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "variables" {
  description = "The environment's variables (modules/environment output variables, or `data.golive_environment.<x>.variables`): each becomes an environment variable of the function with its value. They are part of the function's configuration, so a changed value reaches traffic with the next release."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k in keys(var.variables) : can(regex("^[A-Za-z][A-Za-z0-9_]{0,127}$", k))])
    error_message = "variables keys must be Lambda environment variable names: letters, digits and '_', starting with a letter (e.g. LOG_LEVEL)."
  }
}

variable "secret_keys" {
  description = "Keys of the environment's secrets (modules/environment output secret_keys). Values never enter the function's configuration: each key K gives the environment variable K_PARAMETER, the name of its SecureString parameter, which the function reads at run time with the AWS Parameters and Secrets Lambda extension (layers) or the SDK (ssm:GetParameter WithDecryption). The role is allowed exactly those parameters (attach_secrets_policy)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for k in var.secret_keys : can(regex("^[A-Za-z][A-Za-z0-9_]{0,117}$", k))])
    error_message = "secret_keys must be Lambda environment variable names: letters, digits and '_', starting with a letter (e.g. DB_PASSWORD)."
  }
  validation {
    condition     = length(setintersection([for k in var.secret_keys : "${k}_PARAMETER"], concat(keys(var.variables), keys(var.environment_variables)))) == 0
    error_message = "A variable is named like a secret's parameter variable (<KEY>_PARAMETER): rename one of them."
  }
}

variable "attach_secrets_policy" {
  description = "Give the function's role (role_arn) an inline policy that allows ssm:GetParameter(s) on exactly the secrets' parameters (and kms:Decrypt through SSM with secrets_kms_key_arn). false: grant it yourself."
  type        = bool
  default     = true
}

variable "secrets_kms_key_arn" {
  description = "KMS key the environment's SecureStrings are encrypted with, if not the AWS managed key aws/ssm (which needs no grant)."
  type        = string
  default     = null

  validation {
    condition     = var.secrets_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]{36}$", var.secrets_kms_key_arn))
    error_message = "secrets_kms_key_arn must be a KMS key ARN, e.g. arn:aws:kms:us-east-1:123456789012:key/0123abcd-0123-4567-89ab-0123456789ab (a key ARN, not an alias)."
  }
}

variable "layers" {
  description = "Lambda layer version ARNs, e.g. the AWS Parameters and Secrets Lambda Extension of your region and architecture (its ARN is listed in the AWS Systems Manager documentation)."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.layers) <= 5 && alltrue([for l in var.layers : can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:[A-Za-z0-9_-]+:[0-9]+$", l))])
    error_message = "layers must be at most 5 layer version ARNs, e.g. arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension:12."
  }
}

variable "slot_alarms" {
  description = <<-EOT
    CloudWatch alarms per slot on that slot's own Lambda version (the
    ExecutedVersion dimension of invocations through the alias): the share
    of invocations that failed, in percent, and optionally the p99
    duration. The alarms of the slot gaining traffic roll the canary back;
    each deployment is verified by its own slot's alarms. enabled = false:
    none.
  EOT
  type = object({
    enabled               = optional(bool, true)
    error_rate_percent    = optional(number, 1)
    duration_threshold_ms = optional(number)
    period_seconds        = optional(number, 60)
    evaluation_periods    = optional(number, 1)
    alarm_actions         = optional(list(string), [])
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.slot_alarms.error_rate_percent > 0 && var.slot_alarms.error_rate_percent <= 100
    error_message = "slot_alarms.error_rate_percent must be a percentage above 0 and at most 100, e.g. 1."
  }
  validation {
    condition     = var.slot_alarms.duration_threshold_ms == null || try(var.slot_alarms.duration_threshold_ms > 0, false)
    error_message = "slot_alarms.duration_threshold_ms must be a positive number of milliseconds, or null for no duration alarm."
  }
  validation {
    condition     = contains([10, 30, 60, 120, 300, 600, 900, 3600], var.slot_alarms.period_seconds) && var.slot_alarms.evaluation_periods >= 1
    error_message = "slot_alarms.period_seconds must be 10, 30 or a multiple of 60 such as 60, and evaluation_periods at least 1."
  }
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
  description = "More CloudWatch alarms that roll a cutover back while it bakes, besides the slot alarms of the version gaining traffic."
  type        = list(string)
  default     = []
}

variable "verify_alarms" {
  description = "More CloudWatch alarms that must be OK before a deployment counts as verified, besides its own slot alarms."
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
