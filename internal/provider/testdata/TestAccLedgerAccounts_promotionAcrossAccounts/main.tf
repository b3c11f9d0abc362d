# One organisation: staging in one account (us-east-1), production in
# another (eu-west-1), the ledger in a third (us-east-1). Each environment
# has its own golive provider configuration; both reach the one ledger
# through its role. The test supplies the provider blocks: "golive" for
# production and "golivestaging" for staging, the same provider under a
# second local name, because a provider served in-process by the test is
# one instance that aliases would share (one Configure would win).

variable "prod_account" { type = string }
variable "green_version" { type = string }
variable "blue_weight" { type = number }
variable "green_weight" { type = number }

resource "golive_environment" "staging" {
  provider    = golivestaging
  application = "shop"
  name        = "staging"
  tier        = "staging"
  variables   = { LOG_LEVEL = "info", FEATURE_X = "on" }
}

resource "golive_environment" "prod" {
  application         = "shop"
  name                = "prod"
  tier                = "production"
  promotes_from       = "staging"
  parity              = "strict"
  deletion_protection = false
  aws_account_id      = var.prod_account
  variables           = { LOG_LEVEL = "warn", FEATURE_X = "off" }
}

# Staging verifies both versions.
resource "golive_deployment" "staging_blue" {
  provider    = golivestaging
  environment = golive_environment.staging.id
  service     = "worker"
  version     = "1.0.0"
  slot        = "blue"
  lambda {
    function_name = "worker"
    version       = "1"
  }
}

resource "golive_deployment" "staging_green" {
  provider    = golivestaging
  environment = golive_environment.staging.id
  service     = "worker"
  version     = "2.0.0"
  slot        = "green"
  lambda {
    function_name = "worker"
    version       = "2"
  }
}

# Production accepts only what staging verified: its gate reads staging's
# verifications from the shared ledger, in another account.
resource "golive_deployment" "prod_blue" {
  environment = golive_environment.prod.id
  service     = "worker"
  version     = "1.0.0"
  slot        = "blue"
  lambda {
    function_name = "worker"
    version       = "1"
  }
  depends_on = [golive_deployment.staging_blue, golive_deployment.staging_green]
}

resource "golive_deployment" "prod_green" {
  environment = golive_environment.prod.id
  service     = "worker"
  version     = var.green_version
  slot        = "green"
  lambda {
    function_name = "worker"
    version       = "2"
  }
  depends_on = [golive_deployment.staging_blue, golive_deployment.staging_green]
}

resource "golive_traffic_split" "prod" {
  environment = golive_environment.prod.id
  service     = "worker"
  lambda_alias {
    function_name = "worker"
    alias         = "stable"
  }
  destination {
    name       = "blue"
    deployment = golive_deployment.prod_blue.id
    weight     = var.blue_weight
  }
  destination {
    name       = "green"
    deployment = golive_deployment.prod_green.id
    weight     = var.green_weight
  }
}

# Production's provider reads staging's release and its own history and
# figures from the shared ledger.
data "golive_release" "staging" {
  environment = golive_environment.staging.id
  service     = "worker"
  depends_on  = [golive_deployment.staging_blue, golive_deployment.staging_green]
}

data "golive_history" "prod" {
  environment = golive_environment.prod.id
  service     = "worker"
  depends_on  = [golive_traffic_split.prod]
}

data "golive_delivery_metrics" "prod" {
  environment = golive_environment.prod.id
  window      = "24h"
  depends_on  = [golive_traffic_split.prod]
}
