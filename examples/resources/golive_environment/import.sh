# An environment is imported by <application>/<name>.
terraform import golive_environment.prod shop/prod
