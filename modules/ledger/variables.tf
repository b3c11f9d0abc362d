variable "name" {
  description = "Name of the DynamoDB table. The golive provider's ledger { table } must match; its default is \"golive-ledger\"."
  type        = string
  default     = "golive-ledger"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.name))
    error_message = "name must be 3-255 characters of letters, digits, '_', '-' or '.'."
  }
}

variable "point_in_time_recovery" {
  description = "Keep continuous backups of the ledger (release history and environment records)."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "Refuse to delete the table. The ledger is the release history of every environment; keep this on outside tests."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for server-side encryption. null: the AWS owned key."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:...) or null."
  }
}

variable "tags" {
  description = "Tags for the table and the ledger role."
  type        = map(string)
  default     = {}
}

variable "trusted_account_ids" {
  description = "AWS accounts (the workload accounts: one per environment) whose principals may assume the ledger role to reach the table from another account. Setting this or trusted_principal_arns creates the role; each account's own IAM must still allow sts:AssumeRole on it (docs/iam-policy-workload.json)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for id in var.trusted_account_ids : can(regex("^[0-9]{12}$", id))])
    error_message = "trusted_account_ids must be 12-digit AWS account IDs, e.g. \"222222222222\"."
  }
}

variable "trusted_principal_arns" {
  description = "IAM roles (or users) that may assume the ledger role, e.g. the deploy role of each workload account. Narrower than trusting whole accounts with trusted_account_ids."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.trusted_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$", arn))])
    error_message = "trusted_principal_arns must be IAM role or user ARNs, e.g. \"arn:aws:iam::222222222222:role/deployer\"."
  }
}

variable "external_id" {
  description = "External ID the ledger role's trust policy requires (the provider's ledger { assume_role { external_id } }). null: none."
  type        = string
  default     = null

  validation {
    condition     = var.external_id == null || (can(regex("^[A-Za-z0-9+=,.@:/-]+$", var.external_id)) && length(coalesce(var.external_id, "x")) >= 2 && length(coalesce(var.external_id, "x")) <= 1224)
    error_message = "external_id must be 2-1224 letters, digits or any of +=,.@:/-."
  }
}

variable "role_name" {
  description = "Name of the ledger role; the providers' ledger { assume_role { role_arn } } names it."
  type        = string
  default     = "golive-ledger"

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.role_name))
    error_message = "role_name must be 1-64 letters, digits or any of +=,.@_-."
  }
}

variable "role_permissions_boundary" {
  description = "ARN of a permissions boundary for the ledger role, where the organisation requires one. null: none."
  type        = string
  default     = null
}
