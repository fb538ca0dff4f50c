# Poll-based trigger: an SQS queue with a dead-letter queue, read by an event source mapping.
# One per trigger set by `sqs = { ... }` in var.triggers; a setting left out takes its default below.
locals {
  sqs = { for key, trigger in var.triggers : key => merge({
    queue_name                         = "lambda-test-queue"
    batch_size                         = 10
    maximum_batching_window_in_seconds = null
    max_receive_count                  = 3
    visibility_timeout_seconds         = 30
  }, trigger.sqs) if try(trigger.sqs, null) != null }
}

module "sqs" {
  source   = "../sqs_trigger"
  for_each = local.sqs

  queue_name                         = each.value.queue_name
  batch_size                         = each.value.batch_size
  maximum_batching_window_in_seconds = each.value.maximum_batching_window_in_seconds
  max_receive_count                  = each.value.max_receive_count
  visibility_timeout_seconds         = each.value.visibility_timeout_seconds
  function_name                      = module.function.function_name
  function_role_name                 = module.function.role_name
  tags                               = var.tags
}

output "sqs" {
  description = "Queue, dead-letter queue and mapping, for sending messages that invoke the function."
  value = { for key, this in module.sqs : key => {
    queue_url                 = this.queue_url
    dead_letter_queue_url     = this.dead_letter_queue_url
    event_source_mapping_uuid = this.event_source_mapping_uuid
  } }
}

# Before a function could have several triggers, a stack held one trigger, counted; trig keys the
# walk-through's triggers by their type's name, so their resources keep their place.
moved {
  from = module.sqs[0]
  to   = module.sqs["sqs"]
}
