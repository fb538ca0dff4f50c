resource "aws_sns_topic" "this" {
  name = var.topic_name
  tags = var.tags
}

resource "aws_lambda_permission" "this" {
  statement_id  = var.statement_id
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "sns.amazonaws.com"
  source_arn    = aws_sns_topic.this.arn
}

# SNS checks that it may invoke the function when it delivers, so the permission comes first.
resource "aws_sns_topic_subscription" "this" {
  topic_arn = aws_sns_topic.this.arn
  protocol  = "lambda"
  endpoint  = var.function_arn

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
