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
  statement_id  = var.statement_id
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

# Retries of a failed invocation and the on-failure destination.
module "async_invocation" {
  source = "../async_invocation"

  function_name          = var.function_name
  function_role_name     = var.function_role_name
  maximum_retry_attempts = var.maximum_retry_attempts
  on_failure_queue_name  = var.on_failure_queue_name
  tags                   = var.tags
}
