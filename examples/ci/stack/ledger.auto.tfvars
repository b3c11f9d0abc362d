# The ledger every environment shares: the table and the role that
# modules/ledger creates in the ledger account, with trusted_account_ids
# naming the environment accounts. Each job's OIDC role must be allowed
# sts:AssumeRole on the ledger role (docs/iam-policy-workload.json).
ledger_role_arn = "arn:aws:iam::111111111111:role/golive-ledger"
ledger_region   = "us-east-1"
