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
resource "aws_sqs_queue" "on_failure" {
  count = var.on_failure_queue_name == "" ? 0 : 1

  name = var.on_failure_queue_name
  tags = var.tags
}

data "aws_iam_policy_document" "send_failures" {
  count = var.on_failure_queue_name == "" ? 0 : 1

  statement {
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.on_failure[0].arn]
  }
}

# Lambda sends to a destination with the function's own role.
resource "aws_iam_role_policy" "send_failures" {
  count = var.on_failure_queue_name == "" ? 0 : 1

  name   = "send-failures-${var.on_failure_queue_name}"
  role   = var.function_role_name
  policy = data.aws_iam_policy_document.send_failures[0].json

  lifecycle {
    precondition {
      condition     = var.function_role_name != ""
      error_message = "function_role_name is required with on_failure_queue_name."
    }
  }
}

resource "aws_lambda_function_event_invoke_config" "this" {
  count = var.maximum_retry_attempts == null && var.on_failure_queue_name == "" ? 0 : 1

  function_name          = var.function_name
  maximum_retry_attempts = var.maximum_retry_attempts

  dynamic "destination_config" {
    for_each = var.on_failure_queue_name == "" ? [] : [aws_sqs_queue.on_failure[0].arn]
    content {
      on_failure {
        destination = destination_config.value
      }
    }
  }

  depends_on = [aws_iam_role_policy.send_failures]
}
