# A deployment is imported by <application>/<environment>/<service>/<slot>.
terraform import golive_deployment.api_green shop/prod/api/green
