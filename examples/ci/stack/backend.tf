# Plan and apply run in different jobs, so the state must be remote. The
# workflow passes the bucket, key and region with -backend-config; S3's own
# lock file (use_lockfile) keeps two runs from writing the state at once.
terraform {
  backend "s3" {}
}
