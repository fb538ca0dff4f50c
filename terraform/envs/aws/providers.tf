# Real AWS: no endpoint overrides and no fake credentials. The provider reads
# your usual AWS credentials (profile, SSO, environment) when you plan or apply.
provider "aws" {
  region              = var.region
  allowed_account_ids = var.allowed_account_ids

  default_tags {
    tags = var.tags
  }
}
