# A deployment is imported by <application>/<environment>/<service>/<slot>
# (or .../<version> for a deployment without a slot).
import {
  to = golive_deployment.api_green
  id = "shop/prod/api/green"
}
