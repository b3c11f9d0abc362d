# The role other accounts assume to reach the ledger (the golive provider's
# ledger { assume_role }), when trusted_account_ids or
# trusted_principal_arns name someone. It may call only the table's item
# actions and query its index: what docs/iam-policy-ledger.json grants.

locals {
  create_role = length(var.trusted_account_ids) + length(var.trusted_principal_arns) > 0

  # Must stay the actions of docs/iam-policy-ledger.json (a test compares them).
  ledger_actions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem", "dynamodb:Query"]

  # An account ID as principal lets that account's administrators grant
  # sts:AssumeRole on this role to the roles that deploy (their own
  # policy must allow it); principal ARNs name those roles here instead.
  trusted_principals = concat(
    [for id in var.trusted_account_ids : "arn:${data.aws_partition.current.partition}:iam::${id}:root"],
    var.trusted_principal_arns,
  )

  trust_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [merge(
      {
        Sid       = "WorkloadsThatRecordReleases"
        Effect    = "Allow"
        Action    = "sts:AssumeRole"
        Principal = { AWS = local.trusted_principals }
      },
      var.external_id == null ? {} : { Condition = { StringEquals = { "sts:ExternalId" = var.external_id } } },
    )]
  })

  ledger_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "LedgerRecordsEventsAndLocks"
      Effect   = "Allow"
      Action   = local.ledger_actions
      Resource = [aws_dynamodb_table.ledger.arn, "${aws_dynamodb_table.ledger.arn}/index/*"]
    }]
  })
}

data "aws_partition" "current" {}

resource "aws_iam_role" "ledger" {
  count = local.create_role ? 1 : 0

  name                 = var.role_name
  description          = "Assumed by golive in workload accounts to read and write the ledger table ${aws_dynamodb_table.ledger.name}."
  assume_role_policy   = local.trust_policy
  max_session_duration = 3600 # the role is assumed with role sessions: chained sessions last an hour at most
  permissions_boundary = var.role_permissions_boundary
  tags                 = var.tags
}

resource "aws_iam_role_policy" "ledger" {
  count = local.create_role ? 1 : 0

  name   = "golive-ledger-items"
  role   = aws_iam_role.ledger[0].id
  policy = local.ledger_policy
}
