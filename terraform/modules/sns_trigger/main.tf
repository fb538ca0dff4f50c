resource "aws_sns_topic" "this" {
  name = var.topic_name
  tags = var.tags
}

resource "aws_lambda_permission" "this" {
  statement_id  = "sns-publish"
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

# Asynchronous invocation settings: how often Lambda retries a failed delivery and
# where it sends the event once retries are exhausted.
module "on_failure" {
  source = "../failure_queue"
  count  = var.on_failure_queue_name == "" ? 0 : 1

  name               = var.on_failure_queue_name
  function_role_name = var.function_role_name
  tags               = var.tags
}

resource "aws_lambda_function_event_invoke_config" "this" {
  count = var.maximum_retry_attempts == null && var.on_failure_queue_name == "" ? 0 : 1

  function_name          = var.function_name
  maximum_retry_attempts = var.maximum_retry_attempts

  dynamic "destination_config" {
    for_each = var.on_failure_queue_name == "" ? [] : [module.on_failure[0].arn]
    content {
      on_failure {
        destination = destination_config.value
      }
    }
  }

  depends_on = [module.on_failure]
}
