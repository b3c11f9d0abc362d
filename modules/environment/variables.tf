variable "application" {
  description = "Application name, e.g. \"shop\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$", var.application))
    error_message = "application must be 1-40 lower-case letters, digits or '-', starting and ending with a letter or digit, e.g. shop."
  }
}

variable "name" {
  description = "Environment name, e.g. \"prod\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$", var.name))
    error_message = "name must be 1-40 lower-case letters, digits or '-', starting and ending with a letter or digit, e.g. prod."
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

  validation {
    condition     = var.promotes_from == null || can(regex("^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$", var.promotes_from))
    error_message = "promotes_from must be the name of another environment of the application (e.g. staging), not its id."
  }
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
  description = "Configuration written to SSM as String parameters `/golive/<application>/<name>/vars/<KEY>`. modules/ecs-service and modules/lambda-service hand each key to the application as an environment variable of the same name."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k in keys(var.variables) : can(regex("^[A-Za-z_][A-Za-z0-9_]{0,127}$", k))])
    error_message = "variables keys become environment variable names: use letters, digits and '_', not starting with a digit (e.g. LOG_LEVEL)."
  }
}

variable "secrets" {
  description = "Secrets written to SSM as SecureString parameters `/golive/<application>/<name>/secrets/<KEY>` (golive_environment secrets_wo: never in state or plan). Ephemeral: pass a value from an ephemeral resource or a sensitive variable. Bump secrets_version to rewrite changed values."
  type        = map(string)
  default     = {}
  nullable    = false
  sensitive   = true
  ephemeral   = true

  validation {
    condition     = alltrue([for k in keys(var.secrets) : can(regex("^[A-Za-z_][A-Za-z0-9_]{0,127}$", k))])
    error_message = "secrets keys become environment variable names: use letters, digits and '_', not starting with a digit (e.g. DB_PASSWORD)."
  }
  validation {
    condition     = length(setintersection(keys(var.secrets), keys(var.variables))) == 0
    error_message = "A key is both in variables and in secrets; a service gets one environment variable per key: rename one of them."
  }
}

variable "secrets_version" {
  description = "Bump to rewrite every secret (golive_environment secrets_wo_version). Required when secrets are given."
  type        = number
  default     = null
}

variable "aws_account_id" {
  description = "If set, plans fail when the credentials are for another AWS account (a guard against applying production to the wrong account)."
  type        = string
  default     = null

  validation {
    condition     = var.aws_account_id == null || can(regex("^[0-9]{12}$", var.aws_account_id))
    error_message = "aws_account_id must be a 12-digit AWS account id, e.g. 123456789012, or null."
  }
}

variable "freezes" {
  description = "Freeze windows (RFC 3339 start and end)."
  type = list(object({
    start  = string
    end    = string
    reason = optional(string)
  }))
  default  = []
  nullable = false

  validation {
    condition     = alltrue([for f in var.freezes : can(formatdate("YYYY", f.start)) && can(formatdate("YYYY", f.end))])
    error_message = "freezes start and end must be RFC 3339 times, e.g. 2026-12-24T00:00:00Z."
  }
}

variable "deploy_window" {
  description = "Recurring window in which releases may go out (days such as Mon, HH:MM start and end, IANA time zone). null: any time."
  type = object({
    days     = list(string)
    start    = string
    end      = string
    timezone = optional(string, "UTC")
  })
  default = null

  validation {
    condition     = var.deploy_window == null || alltrue([for d in try(var.deploy_window.days, []) : contains(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], d)])
    error_message = "deploy_window.days must be weekdays written Mon, Tue, Wed, Thu, Fri, Sat or Sun."
  }
  validation {
    condition     = var.deploy_window == null || (can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]$", try(var.deploy_window.start, ""))) && can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]$", try(var.deploy_window.end, ""))))
    error_message = "deploy_window.start and end must be 24-hour times HH:MM, e.g. 09:00 and 16:00."
  }
}

variable "notify" {
  description = "Where release events go: an SNS topic ARN and/or a webhook URL. Sensitive, as webhook URLs often carry a token. null: nowhere."
  type = object({
    sns_topic_arn = optional(string)
    webhook_url   = optional(string)
  })
  default   = null
  sensitive = true

  validation {
    condition     = var.notify == null || try(var.notify.sns_topic_arn, null) == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.notify.sns_topic_arn))
    error_message = "notify.sns_topic_arn must be an SNS topic ARN, e.g. arn:aws:sns:us-east-1:123456789012:deploys."
  }
  validation {
    condition     = var.notify == null || try(var.notify.webhook_url, null) == null || can(regex("^https?://", var.notify.webhook_url))
    error_message = "notify.webhook_url must be an http:// or https:// URL."
  }
}

variable "deletion_protection" {
  description = "Refuse to destroy the golive environment. null: true for production."
  type        = bool
  default     = null
}

# --- network -------------------------------------------------------------

variable "existing_network" {
  description = "Use this VPC and its subnets instead of creating a network. public_subnet_ids hold the load balancer (when the module creates it); private_subnet_ids hold the tasks (unless task_network is public). null: create a VPC from vpc_cidr."
  type = object({
    vpc_id             = string
    public_subnet_ids  = optional(list(string), [])
    private_subnet_ids = optional(list(string), [])
  })
  default = null

  validation {
    condition     = var.existing_network == null || can(regex("^vpc-[0-9a-f]{8,17}$", var.existing_network.vpc_id))
    error_message = "existing_network.vpc_id must be a VPC id such as vpc-0123456789abcdef0."
  }
  validation {
    condition     = var.existing_network == null || alltrue([for s in concat(try(var.existing_network.public_subnet_ids, []), try(var.existing_network.private_subnet_ids, [])) : can(regex("^subnet-[0-9a-f]{8,17}$", s))])
    error_message = "existing_network subnet ids must look like subnet-0123456789abcdef0."
  }
  validation {
    condition     = var.existing_network == null || var.task_network == "public" || length(try(var.existing_network.private_subnet_ids, [])) >= 1
    error_message = "existing_network.private_subnet_ids is empty: tasks run in private subnets unless task_network is \"public\". Give the private subnets, or set task_network = \"public\"."
  }
  validation {
    condition     = var.existing_network == null || var.existing_listener != null || length(try(var.existing_network.public_subnet_ids, [])) >= 2
    error_message = "existing_network.public_subnet_ids needs at least two subnets in different zones for the load balancer the module creates; or give existing_listener to use a load balancer you have."
  }
}

variable "vpc_cidr" {
  description = "CIDR of the VPC the module creates (not used with existing_network). Public subnets are its /24s number 0, 1, ...; private subnets number 10, 11, ..."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && try(tonumber(split("/", var.vpc_cidr)[1]) <= 20, false)
    error_message = "vpc_cidr must be a CIDR block of /20 or larger (/16 recommended), e.g. 10.0.0.0/16: the subnets are /24s cut from it."
  }
}

variable "availability_zones" {
  description = "Availability zones of the subnets the module creates, one public and one private subnet in each."
  type        = list(string)
  default     = ["us-east-1a", "us-east-1b"]

  validation {
    condition     = length(var.availability_zones) >= 2 && length(var.availability_zones) <= 6 && length(distinct(var.availability_zones)) == length(var.availability_zones)
    error_message = "availability_zones must list 2 to 6 different zones: a load balancer needs subnets in at least two."
  }
}

variable "task_network" {
  description = <<-EOT
    Where tasks run and how they reach ECR, CloudWatch Logs and SSM:
    private_nat (private subnets; a NAT gateway gives them the internet),
    private_endpoints (private subnets, no internet; VPC endpoints for ECR, S3,
    CloudWatch Logs and SSM), or public (public subnets with public IPs:
    the cheapest, for development). NAT gateways and endpoints are created only
    in a VPC the module creates.
  EOT
  type        = string
  default     = "private_nat"

  validation {
    condition     = contains(["private_nat", "private_endpoints", "public"], var.task_network)
    error_message = "task_network must be private_nat, private_endpoints or public."
  }
}

variable "single_nat_gateway" {
  description = "With task_network = private_nat: one NAT gateway for all zones (cheaper) instead of one per zone (survives the loss of a zone)."
  type        = bool
  default     = true
}

# --- load balancer -------------------------------------------------------

variable "existing_listener" {
  description = "Use this listener (HTTP or HTTPS, of a load balancer you have) instead of creating a load balancer: services add their rules to it. security_group_id is the load balancer's security group, which the tasks accept traffic from. null: create a load balancer and its listeners."
  type = object({
    arn               = string
    security_group_id = string
  })
  default = null

  validation {
    condition     = var.existing_listener == null || can(regex("^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:listener/app/[^/]+/[0-9a-f]+/[0-9a-f]+$", var.existing_listener.arn))
    error_message = "existing_listener.arn must be the ARN of an application load balancer listener, e.g. arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/0123456789abcdef/0123456789abcdef."
  }
  validation {
    condition     = var.existing_listener == null || can(regex("^sg-[0-9a-f]{8,17}$", var.existing_listener.security_group_id))
    error_message = "existing_listener.security_group_id must be the load balancer's security group id, e.g. sg-0123456789abcdef0."
  }
}

variable "https" {
  description = "Serve HTTPS on 443 with this ACM certificate (and any additional ones, for SNI); HTTP on 80 then redirects to HTTPS. null: HTTP on 80 only. Not used with existing_listener."
  type = object({
    certificate_arn             = string
    additional_certificate_arns = optional(list(string), [])
    ssl_policy                  = optional(string, "ELBSecurityPolicy-TLS13-1-2-2021-06")
  })
  default = null

  validation {
    condition = var.https == null || alltrue([for c in concat([try(var.https.certificate_arn, "")], try(var.https.additional_certificate_arns, [])) :
    can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]{36}$", c))])
    error_message = "https certificate ARNs must be ACM certificate ARNs, e.g. arn:aws:acm:us-east-1:123456789012:certificate/0123abcd-0123-4567-89ab-0123456789ab (request or import the certificate in ACM, in the load balancer's region)."
  }
  validation {
    condition     = var.https == null || can(regex("^ELBSecurityPolicy-[A-Za-z0-9-]+$", try(var.https.ssl_policy, "")))
    error_message = "https.ssl_policy must be an ELB security policy name such as ELBSecurityPolicy-TLS13-1-2-2021-06."
  }
}

variable "load_balancer_ingress_cidrs" {
  description = "Clients allowed to reach the load balancer the module creates."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = length(var.load_balancer_ingress_cidrs) >= 1 && alltrue([for c in var.load_balancer_ingress_cidrs : can(cidrhost(c, 0))])
    error_message = "load_balancer_ingress_cidrs must be one or more CIDR blocks, e.g. 0.0.0.0/0 or 10.0.0.0/8."
  }
}

# --- ECS and alarms ------------------------------------------------------

variable "capacity_providers" {
  description = "Capacity providers of the ECS cluster; services choose among them (modules/ecs-service capacity_provider_strategy)."
  type        = list(string)
  default     = ["FARGATE", "FARGATE_SPOT"]

  validation {
    condition     = length(var.capacity_providers) >= 1 && alltrue([for p in var.capacity_providers : can(regex("^[A-Za-z0-9_-]{1,255}$", p))])
    error_message = "capacity_providers must name at least one capacity provider, e.g. FARGATE or FARGATE_SPOT."
  }
}

variable "alarm_5xx_threshold" {
  description = "Target 5xx responses per minute, load balancer wide, that put the environment's 5xx alarm into ALARM. For canary rollback use the per-slot alarms of modules/ecs-service."
  type        = number
  default     = 5
}

variable "alarm_latency_threshold" {
  description = "Average target response time in seconds, load balancer wide, that puts the environment's latency alarm into ALARM."
  type        = number
  default     = 1
}

variable "tags" {
  description = "Tags for every AWS object."
  type        = map(string)
  default     = {}
}
