variable "region" {
  description = "AWS region."
  type        = string
  default     = "us-east-1"
}

variable "aws_endpoint" {
  description = "Send every AWS call to this URL (an emulator such as moto). null: real AWS."
  type        = string
  default     = null
}

variable "ledger_table" {
  description = "The golive ledger table (modules/ledger creates it once per account)."
  type        = string
  default     = "golive-ledger"
}

variable "application" {
  description = "Application name; the environment is <application>/<environment>."
  type        = string
  default     = "shop"
}

variable "environment" {
  description = "Environment name."
  type        = string
  default     = "prod"
}

variable "release" {
  description = "The version to release, e.g. \"1.4.2\"."
  type        = string
}

variable "package" {
  description = "Path of this release's deployment package (.zip), built by your CI."
  type        = string
}

variable "bake" {
  description = "How long each canary step holds while the error alarm is watched."
  type        = string
  default     = "5m"
}
