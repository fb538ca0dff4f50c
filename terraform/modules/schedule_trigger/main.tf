# One rule both fires on its schedule and matches a custom event pattern, so that a
# check can send a matching event at once instead of waiting for the schedule.
resource "aws_cloudwatch_event_rule" "this" {
  name                = var.rule_name
  description         = "Invokes ${var.function_name} on ${var.schedule_expression} and on events from ${var.event_source}."
  schedule_expression = var.schedule_expression
  event_pattern       = var.event_source == "" ? null : jsonencode({ source = [var.event_source] })
  tags                = var.tags
}

resource "aws_lambda_permission" "this" {
  statement_id  = "events-rule"
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.this.arn
}

resource "aws_cloudwatch_event_target" "this" {
  rule      = aws_cloudwatch_event_rule.this.name
  target_id = "function"
  arn       = var.function_arn

  depends_on = [aws_lambda_permission.this]
}

# Asynchronous invocation settings: how often Lambda retries a failed invocation and
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
