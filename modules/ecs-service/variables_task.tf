# The task: image, size, the environment's configuration, roles, logs and
# container settings.

variable "image_repository" {
  description = "Container image repository; the image of a slot is `<image_repository>:<version>`. An ECR repository (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`) narrows the execution role's pull permissions to it."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._/:-]*[a-z0-9]$", var.image_repository)) && !can(regex(":[A-Za-z0-9._-]+$", replace(var.image_repository, "/^[^/]+//", "")))
    error_message = "image_repository must be a repository without a tag, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-api: the module adds :<version>."
  }
}

variable "container_port" {
  description = "Port the container listens on."
  type        = number
  default     = 8080

  validation {
    condition     = var.container_port >= 1 && var.container_port <= 65535 && floor(var.container_port) == var.container_port
    error_message = "container_port must be a whole number between 1 and 65535."
  }
}

variable "cpu" {
  description = "Task CPU units (Fargate: 256, 512, 1024, 2048, 4096, 8192 or 16384)."
  type        = number
  default     = 256

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.cpu)
    error_message = "cpu must be one of the task sizes 256, 512, 1024, 2048, 4096, 8192, 16384 (CPU units; 1024 = 1 vCPU)."
  }
}

variable "memory" {
  description = "Task memory (MiB); Fargate allows certain values per cpu, e.g. 512-2048 with 256 CPU units."
  type        = number
  default     = 512

  validation {
    condition     = var.memory >= 512 && var.memory <= 122880 && floor(var.memory) == var.memory
    error_message = "memory must be a whole number of MiB from 512 to 122880."
  }
}

variable "runtime_platform" {
  description = "CPU architecture (X86_64 or ARM64) and operating system family of the task. null: the ECS default (X86_64, LINUX)."
  type = object({
    cpu_architecture        = optional(string, "X86_64")
    operating_system_family = optional(string, "LINUX")
  })
  default = null

  validation {
    condition     = var.runtime_platform == null || contains(["X86_64", "ARM64"], try(var.runtime_platform.cpu_architecture, ""))
    error_message = "runtime_platform.cpu_architecture must be X86_64 or ARM64."
  }
}

variable "variable_keys" {
  description = "Keys of the environment's variables (modules/environment output variable_keys, or keys(`data.golive_environment.<x>.variables`)). Each reaches the container as an environment variable of the same name, read by ECS from `/golive/<application>/<env>/vars/<KEY>` at task start."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for k in var.variable_keys : can(regex("^[A-Za-z_][A-Za-z0-9_]{0,127}$", k))])
    error_message = "variable_keys must be environment variable names: letters, digits and '_', not starting with a digit (e.g. LOG_LEVEL)."
  }
}

variable "secret_keys" {
  description = "Keys of the environment's secrets (modules/environment output secret_keys, or `data.golive_environment.<x>.secret_keys`). Each reaches the container as an environment variable of the same name, read by ECS from the SecureString `/golive/<application>/<env>/secrets/<KEY>` at task start; the value is never in the task definition."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for k in var.secret_keys : can(regex("^[A-Za-z_][A-Za-z0-9_]{0,127}$", k))])
    error_message = "secret_keys must be environment variable names: letters, digits and '_', not starting with a digit (e.g. DB_PASSWORD)."
  }
  validation {
    condition     = length(setintersection(var.secret_keys, var.variable_keys)) == 0
    error_message = "A key is in both variable_keys and secret_keys; the container gets one environment variable per key: rename one in the environment."
  }
}

variable "secrets_kms_key_arn" {
  description = "KMS key the environment's SecureStrings are encrypted with, if not the AWS managed key aws/ssm (which needs no grant). The execution role is then allowed kms:Decrypt with it, through SSM only."
  type        = string
  default     = null

  validation {
    condition     = var.secrets_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]{36}$", var.secrets_kms_key_arn))
    error_message = "secrets_kms_key_arn must be a KMS key ARN, e.g. arn:aws:kms:us-east-1:123456789012:key/0123abcd-0123-4567-89ab-0123456789ab (a key ARN, not an alias)."
  }
}

variable "environment" {
  description = "More plain environment variables of the container, set in the task definition (GOLIVE_VERSION and GOLIVE_SLOT are added). Prefer the environment's variables, which every service of it shares."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k in keys(var.environment) : can(regex("^[A-Za-z_][A-Za-z0-9_]{0,127}$", k)) && !contains(["GOLIVE_VERSION", "GOLIVE_SLOT"], k)])
    error_message = "environment keys must be environment variable names (letters, digits, '_', not starting with a digit) other than GOLIVE_VERSION and GOLIVE_SLOT, which the module sets."
  }
}

variable "container_settings" {
  description = "More settings of the container, in task definition JSON names, merged into the module's container definition, e.g. { command = [\"serve\"], healthCheck = { command = [\"CMD-SHELL\", \"curl -f localhost:8080/healthz\"] }, readonlyRootFilesystem = true }. The keys the module sets (name, image, portMappings, environment, secrets, logConfiguration) are refused: use the matching inputs, or container_definitions."
  type        = any
  default     = {}

  validation {
    condition     = can(keys(var.container_settings)) && length(setintersection(keys(var.container_settings), ["name", "image", "portMappings", "environment", "secrets", "logConfiguration"])) == 0
    error_message = "container_settings must be an object of container definition settings without name, image, portMappings, environment, secrets or logConfiguration (the module sets those; use image_repository, container_port, environment, or a full container_definitions)."
  }
}

variable "container_definitions" {
  description = "Replace the module's container definitions with this JSON list, for sidecars or settings container_settings cannot express. {{version}} and {{slot}} are replaced per slot. It must hold a container named `<service>` listening on container_port (the load balancer's target). The module's configuration, log and role wiring still apply to the task; put outputs container_secrets and log_configuration into your containers to keep them."
  type        = string
  default     = null

  validation {
    condition     = var.container_definitions == null || (can([for c in jsondecode(var.container_definitions) : c.name]) && !can(keys(jsondecode(var.container_definitions))) && try(length(jsondecode(var.container_definitions)) > 0, false))
    error_message = "container_definitions must be a JSON list of container definitions, each with a name (e.g. jsonencode([{ name = \"api\", image = \"repo:{{version}}\" }]))."
  }
  validation {
    condition     = var.container_definitions == null || try(contains([for c in jsondecode(var.container_definitions) : c.name], var.service), false)
    error_message = "container_definitions has no container named as the service: the load balancer sends traffic to the container <service> on container_port."
  }
}

variable "repository_credentials_arn" {
  description = "Secrets Manager secret with the username and password of a private registry that is not ECR. The execution role may read it."
  type        = string
  default     = null

  validation {
    condition     = var.repository_credentials_arn == null || can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", var.repository_credentials_arn))
    error_message = "repository_credentials_arn must be a Secrets Manager secret ARN, e.g. arn:aws:secretsmanager:us-east-1:123456789012:secret:registry-AbCdEf."
  }
}

variable "create_execution_role" {
  description = "Create the task execution role (ECS pulls the image, writes logs and reads the environment's parameters with it). false: give execution_role_arn and attach output execution_role_policy_json to it."
  type        = bool
  default     = true
}

variable "execution_role_arn" {
  description = "Task execution role to use when create_execution_role is false."
  type        = string
  default     = null

  validation {
    condition     = var.create_execution_role || var.execution_role_arn != null
    error_message = "create_execution_role is false, so execution_role_arn is needed: give the ARN of a role that trusts ecs-tasks.amazonaws.com (attach output execution_role_policy_json to it), or let the module create one."
  }
  validation {
    condition     = var.execution_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.execution_role_arn))
    error_message = "execution_role_arn must be an IAM role ARN, e.g. arn:aws:iam::123456789012:role/shop-prod-api-execution."
  }
}

variable "create_task_role" {
  description = "Create the task role (the application's own AWS permissions). false: give task_role_arn, or null for a task without AWS permissions."
  type        = bool
  default     = true
}

variable "task_role_arn" {
  description = "Task role to use when create_task_role is false (null: none)."
  type        = string
  default     = null

  validation {
    condition     = var.task_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.task_role_arn))
    error_message = "task_role_arn must be an IAM role ARN, e.g. arn:aws:iam::123456789012:role/shop-prod-api."
  }
}

variable "task_role_policy_json" {
  description = "Inline policy of the task role the module creates (what the application may do in AWS). null: none."
  type        = string
  default     = null

  validation {
    condition     = var.task_role_policy_json == null || can(jsondecode(var.task_role_policy_json).Statement)
    error_message = "task_role_policy_json must be an IAM policy document in JSON with a Statement (e.g. from data.aws_iam_policy_document.<x>.json)."
  }
}

variable "task_role_policy_arns" {
  description = "Managed policies attached to the task role the module creates."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for p in var.task_role_policy_arns : can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", p))])
    error_message = "task_role_policy_arns must be IAM policy ARNs, e.g. arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess."
  }
}

variable "log_retention_days" {
  description = "Days the container logs are kept in CloudWatch Logs (0: forever)."
  type        = number
  default     = 30

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs offers: 0 (forever), 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "log_kms_key_arn" {
  description = "KMS key that encrypts the log group. null: CloudWatch Logs' own encryption."
  type        = string
  default     = null

  validation {
    condition     = var.log_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]{36}$", var.log_kms_key_arn))
    error_message = "log_kms_key_arn must be a KMS key ARN, e.g. arn:aws:kms:us-east-1:123456789012:key/0123abcd-0123-4567-89ab-0123456789ab."
  }
}
