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

variable "releases" {
  description = "Version of the api service per environment. Raise dev, then staging, then prod: each only accepts what the one before verified."
  type = object({
    dev     = string
    staging = string
    prod    = string
  })
  default = { dev = "1.0.0", staging = "1.0.0", prod = "1.0.0" }
}

variable "image_repository" {
  description = "Image repository of the api service. Staging's tasks have no internet (VPC endpoints only), so in a real account give a private ECR repository of the region, <account>.dkr.ecr.<region>.amazonaws.com/<name>: the default public.ecr.aws image can be pulled in dev and prod only."
  type        = string
  default     = "public.ecr.aws/golive/shop-api"
}

variable "bake" {
  description = "How long each canary step in production holds while its alarms are watched."
  type        = string
  default     = "5m"
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

variable "certificate_arn" {
  description = "ACM certificate for production's HTTPS listener (HTTP then redirects to it). null: production serves HTTP."
  type        = string
  default     = null
}

variable "db_password" {
  description = "The database password every environment's api reads as DB_PASSWORD (a SecureString in SSM; never in state or plan). null: no secret."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true
}

variable "db_password_version" {
  description = "Bump to write a changed db_password."
  type        = number
  default     = 1
}

variable "prod_autoscaling" {
  description = "Application Auto Scaling of production's api slots, e.g. { min_capacity = 2, max_capacity = 6, cpu_percent = 60, requests_per_target = 500 }. null: a fixed count (what the demo uses: the emulator lacks the service's tagging calls that hashicorp/aws makes)."
  type = object({
    min_capacity        = number
    max_capacity        = number
    cpu_percent         = optional(number)
    memory_percent      = optional(number)
    requests_per_target = optional(number)
  })
  default = null
}
