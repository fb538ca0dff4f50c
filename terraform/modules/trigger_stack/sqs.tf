variable "sqs" {
  description = "Poll-based trigger: an SQS queue with a dead-letter queue, read by an event source mapping (null when this instance holds another trigger)."
  type = object({
    queue_name                         = optional(string, "lambda-test-queue")
    batch_size                         = optional(number, 10)
    maximum_batching_window_in_seconds = optional(number)
    max_receive_count                  = optional(number, 3)
    visibility_timeout_seconds         = optional(number, 30)
  })
  default = null
}

module "sqs" {
  source = "../sqs_trigger"
  count  = var.sqs == null ? 0 : 1

  queue_name                         = var.sqs.queue_name
  batch_size                         = var.sqs.batch_size
  maximum_batching_window_in_seconds = var.sqs.maximum_batching_window_in_seconds
  max_receive_count                  = var.sqs.max_receive_count
  visibility_timeout_seconds         = var.sqs.visibility_timeout_seconds
  function_name                      = module.function.function_name
  function_role_name                 = module.function.role_name
  tags                               = var.tags
}

output "sqs" {
  description = "Queue, dead-letter queue and mapping, for sending messages that invoke the function."
  value = var.sqs == null ? null : {
    queue_url                 = module.sqs[0].queue_url
    dead_letter_queue_url     = module.sqs[0].dead_letter_queue_url
    event_source_mapping_uuid = module.sqs[0].event_source_mapping_uuid
  }
}
