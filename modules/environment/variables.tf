variable "application" {
  description = "Application name, e.g. \"shop\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$", var.application))
    error_message = "application must be 1-40 lower-case letters, digits or '-', starting and ending with a letter or digit."
  }
}

variable "name" {
  description = "Environment name, e.g. \"prod\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$", var.name))
    error_message = "name must be 1-40 lower-case letters, digits or '-', starting and ending with a letter or digit."
  }
}

variable "tier" {
  description = "development, staging or production."
  type        = string
  default     = "development"

  validation {
    condition     = contains(["development", "staging", "production"], var.tier)
    error_message = "tier must be one of development, staging, production."
  }
}

variable "promotes_from" {
  description = "Environment whose verified releases this one accepts (null: any)."
  type        = string
  default     = null
}

variable "parity" {
  description = "off, warn or strict: config keys of promotes_from that must exist here."
  type        = string
  default     = "off"

  validation {
    condition     = contains(["off", "warn", "strict"], var.parity)
    error_message = "parity must be one of off, warn, strict."
  }
}

variable "variables" {
  description = "Configuration written to SSM under /golive/<application>/<name>/vars/."
  type        = map(string)
  default     = {}
}

variable "freezes" {
  description = "Freeze windows (RFC 3339 start and end)."
  type = list(object({
    start  = string
    end    = string
    reason = optional(string)
  }))
  default = []
}

variable "deletion_protection" {
  description = "Refuse to destroy the golive environment. null: true for production."
  type        = bool
  default     = null
}

variable "vpc_cidr" {
  description = "CIDR of the environment's VPC; two public /24 subnets are cut from it."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0))
    error_message = "vpc_cidr must be a CIDR block such as 10.0.0.0/16."
  }
}

variable "availability_zones" {
  description = "Two availability zones for the subnets."
  type        = list(string)
  default     = ["us-east-1a", "us-east-1b"]

  validation {
    condition     = length(var.availability_zones) == 2
    error_message = "availability_zones must list exactly two zones."
  }
}

variable "alarm_5xx_threshold" {
  description = "Target 5xx responses per minute that put the 5xx alarm into ALARM."
  type        = number
  default     = 5
}

variable "alarm_latency_threshold" {
  description = "Average target response time in seconds that puts the latency alarm into ALARM."
  type        = number
  default     = 1
}

variable "tags" {
  description = "Tags for every AWS object."
  type        = map(string)
  default     = {}
}
