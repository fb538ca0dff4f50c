# Asynchronous trigger: an SNS topic the function subscribes to.
# One per trigger set by `sns = { ... }` in var.triggers; a setting left out takes its default below.
locals {
  sns = { for key, trigger in var.triggers : key => merge({
    topic_name = "lambda-test-topic"
    # Asynchronous invocation settings; the defaults leave Lambda's own (2 retries, no destination).
    maximum_retry_attempts = null
    on_failure_queue_name  = ""
  }, trigger.sns) if try(trigger.sns, null) != null }
}

module "sns" {
  source   = "../sns_trigger"
  for_each = local.sns

  topic_name    = each.value.topic_name
  function_name = module.function.function_name
  function_arn  = module.function.function_arn
  tags          = var.tags
  # The walk-through's trigger keeps the id it always had; every other trigger of the function has its own.
  statement_id = each.key == "sns" ? "sns-publish" : "sns-publish-${each.key}"

  function_role_name     = module.function.role_name
  maximum_retry_attempts = each.value.maximum_retry_attempts
  on_failure_queue_name  = each.value.on_failure_queue_name
}

output "sns" {
  description = "Topic, for publishing messages that invoke the function."
  value = { for key, this in module.sns : key => {
    topic_arn            = this.topic_arn
    subscription_arn     = this.subscription_arn
    on_failure_queue_url = this.on_failure_queue_url
  } }
}

# Before a function could have several triggers, a stack held one trigger, counted; trig keys the
# walk-through's triggers by their type's name, so their resources keep their place.
moved {
  from = module.sns[0]
  to   = module.sns["sns"]
}
