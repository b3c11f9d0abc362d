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

variable "poll_interval" {
  description = "How often the alarms are checked during a bake."
  type        = string
  default     = "10s"
}

variable "db_password" {
  description = "The database password, written to SSM as a SecureString (never to state or plan)."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "db_password_version" {
  description = "Bump to write a changed db_password."
  type        = number
  default     = 1
}

variable "layers" {
  description = "Lambda layers, e.g. the AWS Parameters and Secrets Lambda Extension of your region."
  type        = list(string)
  default     = []
}

variable "deletion_protection" {
  description = "Refuse to destroy the production environment."
  type        = bool
  default     = true
}
