# An application with three isolated environments. The ledger table they
# share is created once per account and region by ./bootstrap.
# Releases flow
# dev -> staging -> prod: staging only accepts what dev verified, production
# only what staging verified, and production refuses changes in a freeze.

resource "golive_environment" "dev" {
  application = var.application
  name        = "dev"
  tier        = "development"
  variables   = { LOG_LEVEL = "debug", STATIC_PATH = "/static" }
}

resource "golive_environment" "staging" {
  application   = var.application
  name          = "staging"
  tier          = "staging"
  promotes_from = golive_environment.dev.name
  parity        = "warn"
  variables     = { LOG_LEVEL = "info", STATIC_PATH = "/static", FEATURE_CHECKOUT_V2 = "on" }
}

resource "golive_environment" "prod" {
  application         = var.application
  name                = "prod"
  tier                = "production"
  promotes_from       = golive_environment.staging.name
  parity              = "strict"
  deletion_protection = var.prod_deletion_protection
  variables           = var.prod_variables

  dynamic "freeze" {
    for_each = var.prod_freezes
    content {
      start  = freeze.value.start
      end    = freeze.value.end
      reason = freeze.value.reason
    }
  }
}
