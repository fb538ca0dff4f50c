# Poll-based trigger: an SQS queue with a dead-letter queue, read by an event source mapping.
# Set by `sqs = { ... }` in the instance's trigger; a setting left out takes its default below.
locals {
  sqs = try(var.trigger.sqs, null) == null ? null : merge({
    queue_name                         = "lambda-test-queue"
    batch_size                         = 10
    maximum_batching_window_in_seconds = null
    max_receive_count                  = 3
    visibility_timeout_seconds         = 30
  }, var.trigger.sqs)
}

module "sqs" {
  source = "../sqs_trigger"
  count  = local.sqs == null ? 0 : 1

  queue_name                         = local.sqs.queue_name
  batch_size                         = local.sqs.batch_size
  maximum_batching_window_in_seconds = local.sqs.maximum_batching_window_in_seconds
  max_receive_count                  = local.sqs.max_receive_count
  visibility_timeout_seconds         = local.sqs.visibility_timeout_seconds
  function_name                      = module.function.function_name
  function_role_name                 = module.function.role_name
  tags                               = var.tags
}

output "sqs" {
  description = "Queue, dead-letter queue and mapping, for sending messages that invoke the function."
  value = local.sqs == null ? null : {
    queue_url                 = module.sqs[0].queue_url
    dead_letter_queue_url     = module.sqs[0].dead_letter_queue_url
    event_source_mapping_uuid = module.sqs[0].event_source_mapping_uuid
  }
}
