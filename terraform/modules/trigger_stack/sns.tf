# Asynchronous trigger: an SNS topic the function subscribes to.
# Set by `sns = { ... }` in the instance's trigger; a setting left out takes its default below.
locals {
  sns = try(var.trigger.sns, null) == null ? null : merge({
    topic_name = "lambda-test-topic"
    # Asynchronous invocation settings; the defaults leave Lambda's own (2 retries, no destination).
    maximum_retry_attempts = null
    on_failure_queue_name  = ""
  }, var.trigger.sns)
}

module "sns" {
  source = "../sns_trigger"
  count  = local.sns == null ? 0 : 1

  topic_name    = local.sns.topic_name
  function_name = module.function.function_name
  function_arn  = module.function.function_arn
  tags          = var.tags

  function_role_name     = module.function.role_name
  maximum_retry_attempts = local.sns.maximum_retry_attempts
  on_failure_queue_name  = local.sns.on_failure_queue_name
}

output "sns" {
  description = "Topic, for publishing messages that invoke the function."
  value = local.sns == null ? null : {
    topic_arn            = module.sns[0].topic_arn
    subscription_arn     = module.sns[0].subscription_arn
    on_failure_queue_url = module.sns[0].on_failure_queue_url
  }
}
