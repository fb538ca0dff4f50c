resource "aws_s3_bucket" "this" {
  bucket        = var.bucket_name
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_lambda_permission" "this" {
  statement_id  = var.statement_id
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "s3.amazonaws.com"
  source_arn    = aws_s3_bucket.this.arn
  # A bucket ARN names no account: pin the account so that a same-named bucket elsewhere cannot invoke the function.
  source_account = data.aws_caller_identity.current.account_id
}

data "aws_caller_identity" "current" {}

# S3 checks the permission when the notification is saved, so it must exist first.
resource "aws_s3_bucket_notification" "this" {
  bucket = aws_s3_bucket.this.id

  lambda_function {
    lambda_function_arn = var.function_arn
    events              = var.events
    filter_prefix       = var.filter_prefix == "" ? null : var.filter_prefix
    filter_suffix       = var.filter_suffix == "" ? null : var.filter_suffix
  }

  depends_on = [aws_lambda_permission.this]
}

# Retries of a failed invocation and the on-failure destination.
module "async_invocation" {
  source = "../async_invocation"

  function_name          = var.function_name
  function_role_name     = var.function_role_name
  maximum_retry_attempts = var.maximum_retry_attempts
  on_failure_queue_name  = var.on_failure_queue_name
  tags                   = var.tags
}
