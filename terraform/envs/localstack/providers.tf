# Everything goes to the emulator: fake credentials, and an endpoint for every
# service the modules use. A service missing here would be sent to real AWS,
# so add it whenever a module starts using a new one.
locals {
  emulated_services = ["apigateway", "dynamodb", "events", "iam", "kinesis", "lambda", "logs", "s3", "sns", "sqs", "sts"]
}

provider "aws" {
  region              = var.region
  access_key          = var.account_id
  secret_key          = "fake-secret-for-emulator"
  allowed_account_ids = [var.account_id]

  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  s3_use_path_style           = true

  endpoints {
    apigateway = var.endpoint
    dynamodb   = var.endpoint
    events     = var.endpoint
    iam        = var.endpoint
    kinesis    = var.endpoint
    lambda     = var.endpoint
    logs       = var.endpoint
    s3         = var.endpoint
    sns        = var.endpoint
    sqs        = var.endpoint
    sts        = var.endpoint
  }
}
