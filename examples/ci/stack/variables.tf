variable "environment" {
  description = "The environment this run plans or applies (staging or prod): each has its own AWS account and state."
  type        = string

  validation {
    condition     = contains(["staging", "prod"], var.environment)
    error_message = "environment must be staging or prod."
  }
}

variable "account_id" {
  description = "The environment's AWS account: the providers refuse credentials of any other, and golive_environment checks it at plan. null: not checked."
  type        = string
  default     = null

  validation {
    condition     = var.account_id == null || can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account ID."
  }
}

variable "releases" {
  description = "Version of the api service per environment (staging, prod). An environment without an entry runs nothing yet. Raise staging first: prod only accepts a version staging verified."
  type        = map(string)

  validation {
    condition     = alltrue([for env in keys(var.releases) : contains(["staging", "prod"], env)])
    error_message = "releases: environments are staging and prod."
  }
  validation {
    condition     = alltrue([for v in values(var.releases) : can(regex("^[0-9A-Za-z._+-]{1,128}$", v))])
    error_message = "releases: a version is 1-128 letters, digits, '.', '_', '+' or '-'."
  }
}

variable "package_dir" {
  description = "Directory holding the Lambda package of each released version as api-<version>.zip (the workflow fetches them before plan and keeps them with the saved plan)."
  type        = string
  default     = "dist"
}

variable "application" {
  description = "Application name; environment ids are <application>/<name>."
  type        = string
  default     = "shop"
}

variable "region" {
  description = "AWS region."
  type        = string
  default     = "us-east-1"
}

variable "ledger_table" {
  description = "The golive ledger table, which every environment shares (modules/ledger creates it, in the ledger account)."
  type        = string
  default     = "golive-ledger"
}

variable "ledger_region" {
  description = "Region of the ledger table. null: var.region."
  type        = string
  default     = null
}

variable "ledger_role_arn" {
  description = "Role of the ledger account that the job's credentials assume to reach the ledger (modules/ledger's role_arn output). null: the ledger is in the environment's own account."
  type        = string
  default     = null

  validation {
    condition     = var.ledger_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.ledger_role_arn))
    error_message = "ledger_role_arn must be an IAM role ARN, e.g. arn:aws:iam::111111111111:role/golive-ledger."
  }
}

variable "prod_deletion_protection" {
  description = "Protect production from terraform destroy."
  type        = bool
  default     = true
}

variable "aws_endpoint" {
  description = "Send every AWS call to this URL (an emulator such as moto). null: real AWS."
  type        = string
  default     = null
}
