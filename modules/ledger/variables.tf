variable "name" {
  description = "Name of the DynamoDB table. The golive provider's ledger_table must match; its default is \"golive-ledger\"."
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
  description = "Tags for the table."
  type        = map(string)
  default     = {}
}
