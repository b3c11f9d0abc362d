# The golive ledger: environment records, release events and locks in one
# table. Keys and the by_service index must match internal/ledger.
resource "aws_dynamodb_table" "ledger" {
  name                        = var.name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  range_key                   = "sk"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "pk"
    type = "S"
  }
  attribute {
    name = "sk"
    type = "S"
  }
  attribute {
    name = "spk"
    type = "S"
  }

  # Events of one service, newest first.
  global_secondary_index {
    name            = "by_service"
    hash_key        = "spk"
    range_key       = "sk"
    projection_type = "ALL"
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  server_side_encryption {
    enabled     = var.kms_key_arn != null
    kms_key_arn = var.kms_key_arn
  }

  tags = var.tags
}
