# A traffic split applied by golive is imported by <application>/<environment>/<service>;
# its router and destinations come from the ledger.
terraform import golive_traffic_split.api shop/prod/api
