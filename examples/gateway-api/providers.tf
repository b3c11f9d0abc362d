provider "golive" {
  region = var.region
  ledger {
    table = var.ledger_table
  }

  # The cluster of the HTTPRoute. On EKS, a kubeconfig written by
  # `aws eks update-kubeconfig` works as it is (its exec plugin gets tokens);
  # or set host, cluster_ca_certificate and token from the aws_eks_cluster
  # and aws_eks_cluster_auth data sources.
  kubernetes {
    config_path    = var.kubeconfig
    config_context = var.kube_context
  }

  # The ledger (DynamoDB), the environment's configuration (SSM) and the
  # caller's identity (STS) stay on AWS.
  dynamic "endpoints" {
    for_each = var.aws_endpoint != null ? [var.aws_endpoint] : []
    content {
      dynamodb = endpoints.value
      ssm      = endpoints.value
      sts      = endpoints.value
    }
  }
}
