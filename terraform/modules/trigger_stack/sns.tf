variable "sns" {
  description = "Asynchronous trigger: an SNS topic the function subscribes to (null when this instance holds another trigger)."
  type = object({
    topic_name = optional(string, "lambda-test-topic")
    # Asynchronous invocation settings; the defaults leave Lambda's own (2 retries, no destination).
    maximum_retry_attempts = optional(number)
    on_failure_queue_name  = optional(string, "")
  })
  default = null
}

module "sns" {
  source = "../sns_trigger"
  count  = var.sns == null ? 0 : 1

  topic_name    = var.sns.topic_name
  function_name = module.function.function_name
  function_arn  = module.function.function_arn
  tags          = var.tags

  function_role_name     = module.function.role_name
  maximum_retry_attempts = var.sns.maximum_retry_attempts
  on_failure_queue_name  = var.sns.on_failure_queue_name
}

output "sns" {
  description = "Topic, for publishing messages that invoke the function."
  value = var.sns == null ? null : {
    topic_arn            = module.sns[0].topic_arn
    subscription_arn     = module.sns[0].subscription_arn
    on_failure_queue_url = module.sns[0].on_failure_queue_url
  }
}
