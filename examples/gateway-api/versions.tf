terraform {
  required_version = ">= 1.11"
  required_providers {
    golive = {
      source = "golive-dev/golive"
    }
  }
}
