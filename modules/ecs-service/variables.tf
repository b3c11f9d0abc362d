variable "environment_id" {
  description = "golive environment id (modules/environment output environment_id)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?/[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$", var.environment_id))
    error_message = "environment_id must be <application>/<name>, e.g. shop/prod, each part 1-40 lower-case letters, digits or '-', starting and ending with a letter or digit."
  }
}

variable "service" {
  description = "Service name, e.g. \"api\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$", var.service))
    error_message = "service must be 1-40 lower-case letters, digits or '-', starting and ending with a letter or digit."
  }
}

variable "version_label" {
  description = "The version to release, e.g. \"1.4.2\". It is deployed to the idle slot and receives the traffic; re-applying the live version changes nothing."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._+-]{1,128}$", var.version_label))
    error_message = "version_label must be 1-128 letters, digits, '.', '_', '+' or '-'."
  }
}

variable "desired_count" {
  description = "Tasks per slot; with autoscaling, the count a slot's service starts with."
  type        = number
  default     = 1

  validation {
    condition     = var.desired_count >= 0 && floor(var.desired_count) == var.desired_count
    error_message = "desired_count must be a whole number of tasks, 0 or more."
  }
}

variable "launch_type" {
  description = "FARGATE or EC2: the task definition's compatibility, and how tasks launch unless capacity_provider_strategy is given."
  type        = string
  default     = "FARGATE"

  validation {
    condition     = contains(["FARGATE", "EC2"], var.launch_type)
    error_message = "launch_type must be FARGATE or EC2."
  }
}

variable "cluster_arn" {
  description = "ECS cluster (modules/environment output cluster_arn)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]{1,255}$", var.cluster_arn))
    error_message = "cluster_arn must be an ECS cluster ARN, e.g. arn:aws:ecs:us-east-1:123456789012:cluster/shop-prod (modules/environment output cluster_arn)."
  }
}

variable "vpc_id" {
  description = "VPC of the target groups (modules/environment output vpc_id)."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "vpc_id must be a VPC id such as vpc-0123456789abcdef0."
  }
}

variable "subnet_ids" {
  description = "Subnets of the tasks (modules/environment output subnet_ids: private subnets, unless its task_network is public)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 1 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))])
    error_message = "subnet_ids must list at least one subnet id such as subnet-0123456789abcdef0."
  }
}

variable "security_group_ids" {
  description = "Security groups of the tasks (modules/environment output task_security_group_id)."
  type        = list(string)

  validation {
    condition     = length(var.security_group_ids) >= 1 && alltrue([for g in var.security_group_ids : can(regex("^sg-[0-9a-f]{8,17}$", g))])
    error_message = "security_group_ids must list at least one security group id such as sg-0123456789abcdef0 (Fargate tasks need one)."
  }
}

variable "assign_public_ip" {
  description = "Give tasks public IPs: needed in public subnets without NAT (modules/environment output assign_public_ip)."
  type        = bool
  default     = false
}

variable "listener_arn" {
  description = "Listener the service's rule and preview rules are added to (modules/environment output listener_arn). Its load balancer is the LoadBalancer dimension of the slot alarms."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:listener/app/[^/]+/[^/]+/[^/]+$", var.listener_arn))
    error_message = "listener_arn must be an application load balancer listener ARN, e.g. arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop-prod/0123456789abcdef/0123456789abcdef."
  }
}

variable "path_patterns" {
  description = "Paths routed to the service (conditions of its listener rule and of the preview rules)."
  type        = list(string)
  default     = ["/*"]

  validation {
    condition     = length(var.path_patterns) >= 1 && alltrue([for p in var.path_patterns : can(regex("^[A-Za-z0-9_.$/~\"'@:+&*?-]{1,128}$", p))])
    error_message = "path_patterns needs at least one path of 1-128 characters: letters, digits, _ - . $ / ~ \" ' @ : + & and the wildcards * ?."
  }
  validation {
    # A rule matches at most 5 condition values; a preview rule adds its
    # header value and any source CIDRs to the paths.
    condition     = length(var.path_patterns) + 1 + length(var.preview_source_cidrs) <= 5
    error_message = "path_patterns and preview_source_cidrs have too many values: a preview rule matches the paths, its header and the CIDRs, and AWS allows 5 condition values per rule."
  }
}

variable "rule_priority" {
  description = "Priority of the service's listener rule (unique per listener), created and owned by the traffic split. Changing it moves the rule in place."
  type        = number
  default     = 100

  validation {
    condition     = var.rule_priority >= 1 && var.rule_priority <= 50000 && floor(var.rule_priority) == var.rule_priority
    error_message = "rule_priority must be a whole number from 1 to 50000."
  }
}

variable "preview_rule_priorities" {
  description = "Priorities of the preview rules of the blue and green slots; they must come before rule_priority (lower numbers). null: rule_priority - 2 and rule_priority - 1."
  type = object({
    blue  = number
    green = number
  })
  default = null

  validation {
    condition     = var.preview_rule_priorities != null || var.rule_priority >= 3
    error_message = "With rule_priority below 3 there is no room for the preview rules before it (rule_priority - 2 and - 1): set preview_rule_priorities, or a higher rule_priority."
  }
  validation {
    condition = var.preview_rule_priorities == null || (
      try(var.preview_rule_priorities.blue != var.preview_rule_priorities.green, false) &&
      alltrue([for p in values(coalesce(var.preview_rule_priorities, { blue = 1, green = 2 })) : p >= 1 && p < var.rule_priority && floor(p) == p])
    )
    error_message = "preview_rule_priorities must be two different whole numbers from 1 to rule_priority - 1: a preview rule is evaluated before the service's rule."
  }
}

variable "preview_header" {
  description = "Header that sends a request to one slot: `<preview_header>: blue` (or green), on the service's paths."
  type        = string
  default     = "X-Golive-Slot"

  validation {
    condition     = can(regex("^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,40}$", var.preview_header))
    error_message = "preview_header must be an HTTP header name of 1-40 characters."
  }
}

variable "preview_source_cidrs" {
  description = "If set, only clients from these CIDRs can reach a slot with the preview header (e.g. your VPN); by default any client of the listener can."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.preview_source_cidrs : can(cidrhost(c, 0))])
    error_message = "preview_source_cidrs must be CIDR blocks, e.g. 10.0.0.0/8."
  }
}

variable "health_check_path" {
  description = "Target group health check path."
  type        = string
  default     = "/healthz"
}

variable "strategy" {
  description = "How traffic moves to the new slot: all_at_once, canary (steps, bake) or linear (increment, interval)."
  type = object({
    kind      = optional(string, "canary")
    steps     = optional(list(number), [10, 50])
    bake      = optional(string, "5m")
    increment = optional(number, 20)
    interval  = optional(string, "1m")
  })
  default = {}

  validation {
    condition     = contains(["all_at_once", "canary", "linear"], var.strategy.kind)
    error_message = "strategy.kind must be all_at_once, canary or linear."
  }
}

variable "rollback_alarms" {
  description = "More CloudWatch alarms that roll a cutover back, besides the slot alarms of the slot gaining traffic (slot_alarms)."
  type        = list(string)
  default     = []
}

variable "verify_alarms" {
  description = "More CloudWatch alarms that must be OK before a deployment counts as verified, besides its own slot alarms (slot_alarms)."
  type        = list(string)
  default     = []
}

variable "poll_interval" {
  description = "How often rollback gates are checked during a bake."
  type        = string
  default     = "10s"
}

variable "tags" {
  description = "Tags for AWS objects."
  type        = map(string)
  default     = {}
}

variable "promote_after" {
  description = "Deployment ids of the environment this one promotes from (that module's deployment_ids output). They are applied first, so a version is verified upstream before this environment's gates check it, without deferring this module's reads."
  type        = list(string)
  default     = []
}

variable "override_reason" {
  description = "Bypass the promotion, freeze and deploy-window gates for this release, e.g. \"hotfix INC-1234\". The reason is recorded in the ledger with the caller's identity. null: gates apply."
  type        = string
  default     = null

  validation {
    condition     = var.override_reason == null || length(trimspace(coalesce(var.override_reason, " "))) > 0
    error_message = "override_reason must say why the gates are bypassed; leave it null to keep them."
  }
}
