# How Lambda treats an event a service queued for it (S3, SNS, EventBridge): how
# often a failed invocation is retried, and where the event goes once retries
# are exhausted.
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
  # Lambda's own default, stated: an engine that reports it when it was never set
  # (MiniStack does) would otherwise show a change on every plan.
  maximum_event_age_in_seconds = var.maximum_event_age_in_seconds

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
