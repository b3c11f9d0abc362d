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
  description = "The golive ledger table (modules/ledger creates it once per account)."
  type        = string
  default     = "golive-ledger"
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
