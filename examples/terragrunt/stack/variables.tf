variable "application" {
  description = "Application name, e.g. \"shop\"."
  type        = string
}

variable "environment" {
  description = "Environment name, e.g. \"prod\"; the golive environment id is <application>/<environment>."
  type        = string
}

variable "tier" {
  description = "development, staging or production."
  type        = string
  default     = "development"
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
}

variable "vpc_cidr" {
  description = "CIDR of the environment's VPC."
  type        = string
}

variable "variables" {
  description = "Configuration written to SSM under /golive/<application>/<environment>/vars/."
  type        = map(string)
  default     = {}
}

variable "deletion_protection" {
  description = "Refuse to destroy the golive environment. null: true for production."
  type        = bool
  default     = null
}

variable "api_version" {
  description = "Version of the api service to release here. Raise it environment by environment: each one only accepts what promotes_from verified."
  type        = string
}

variable "image_repository" {
  description = "Image repository of the api service; a slot runs <image_repository>:<version>."
  type        = string
}

variable "strategy" {
  description = "How traffic moves to a new version (modules/ecs-service strategy)."
  type = object({
    kind      = optional(string, "all_at_once")
    steps     = optional(list(number), [10, 50])
    bake      = optional(string, "5m")
    increment = optional(number, 20)
    interval  = optional(string, "1m")
  })
  default = {}
}

variable "poll_interval" {
  description = "How often rollback alarms are checked during a bake."
  type        = string
  default     = "10s"
}

variable "promote_after" {
  description = "Deployment ids of the environment this one promotes from (the upstream unit's deployment_ids output)."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for every AWS object."
  type        = map(string)
  default     = {}
}
