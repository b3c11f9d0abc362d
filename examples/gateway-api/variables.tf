variable "region" {
  description = "AWS region of the golive ledger."
  type        = string
  default     = "us-east-1"
}

variable "aws_endpoint" {
  description = "Send the ledger's AWS calls to this URL (an emulator such as moto). null: real AWS."
  type        = string
  default     = null
}

variable "ledger_table" {
  description = "The golive ledger table (modules/ledger creates it once per account)."
  type        = string
  default     = "golive-ledger"
}

variable "kubeconfig" {
  description = "Kubeconfig of the cluster that runs the service."
  type        = string
  default     = "~/.kube/config"
}

variable "kube_context" {
  description = "Context of the kubeconfig. null: its current-context."
  type        = string
  default     = null
}

variable "namespace" {
  description = "Namespace of the HTTPRoute and of the two Services."
  type        = string
  default     = "shop"
}

variable "live_slot" {
  description = "The slot that gets all traffic after this apply: blue or green. Release by deploying the idle slot with Helm, then applying with live_slot set to it."
  type        = string
  default     = "blue"

  validation {
    condition     = contains(["blue", "green"], var.live_slot)
    error_message = "live_slot must be blue or green."
  }
}

variable "health_url" {
  description = "URL that answers 200 while the service is healthy, checked throughout every bake (e.g. the gateway's address with the route's hostname)."
  type        = string
  default     = "https://web.example.com/healthz"
}
