terraform {
  required_providers {
    golive = {
      source = "golive-dev/golive"
    }
  }
}

variable "db_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "golive_environment" "staging" {
  application = "shop"
  name        = "staging"
  tier        = "staging"
  variables   = { LOG_LEVEL = "debug", STATIC_PATH = "/static" }
}

resource "golive_environment" "prod" {
  application   = "shop"
  name          = "prod"
  tier          = "production" # deletion_protection defaults to true
  promotes_from = golive_environment.staging.name
  parity        = "strict"

  variables          = { LOG_LEVEL = "info", STATIC_PATH = "/static" }
  secrets_wo         = { DB_PASSWORD = var.db_password } # never in state or plan
  secrets_wo_version = 1                                 # bump to rewrite the secrets

  aws_account_id = "123456789012"

  freeze {
    start  = "2026-12-24T00:00:00Z"
    end    = "2026-12-27T00:00:00Z"
    reason = "holiday freeze"
  }

  deploy_window {
    days     = ["Mon", "Tue", "Wed", "Thu"]
    start    = "09:00"
    end      = "16:00"
    timezone = "Europe/Berlin"
    enforce  = "apply" # outside the window: plan (with a warning) for review, refuse the apply
  }

  notify {
    sns_topic_arn = "arn:aws:sns:us-east-1:123456789012:deploys"
    webhook_url   = "https://hooks.example.com/deploys"
  }
}
