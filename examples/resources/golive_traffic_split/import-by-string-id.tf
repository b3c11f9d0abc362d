# A traffic split applied by golive is imported by
# <application>/<environment>/<service>; its router and destinations come
# from the ledger.
import {
  to = golive_traffic_split.api
  id = "shop/prod/api"
}
