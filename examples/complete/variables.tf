variable "region" {
  description = "AWS region of every environment."
  type        = string
  default     = "us-east-1"
}

variable "aws_endpoint" {
  description = "Send every AWS call to this URL (an emulator such as moto). null: real AWS."
  type        = string
  default     = null
}

variable "ledger_table" {
  description = "The golive ledger table, created by ./bootstrap."
  type        = string
  default     = "golive-ledger"
}

variable "application" {
  description = "Application name."
  type        = string
  default     = "shop"
}

variable "prod_variables" {
  description = "Configuration of production."
  type        = map(string)
  default     = { LOG_LEVEL = "info", STATIC_PATH = "/static", FEATURE_CHECKOUT_V2 = "off" }
}

variable "prod_freezes" {
  description = "Freeze windows of production."
  type = list(object({
    start  = string
    end    = string
    reason = optional(string)
  }))
  default = [{ start = "2026-12-24T00:00:00Z", end = "2026-12-27T00:00:00Z", reason = "holiday freeze" }]
}

variable "prod_deletion_protection" {
  description = "Protect production from terraform destroy."
  type        = bool
  default     = true
}
