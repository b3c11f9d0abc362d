# An environment is imported by <application>/<name>.
import {
  to = golive_environment.prod
  id = "shop/prod"
}
