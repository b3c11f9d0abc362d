terraform {
  required_version = ">= 1.11"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
    golive = {
      source  = "golive-dev/golive"
      version = "~> 0.1"
    }
  }
}
