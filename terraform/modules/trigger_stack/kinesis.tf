variable "kinesis" {
  description = "Stream trigger: a Kinesis stream read by an event source mapping (null when this instance holds another trigger)."
  type = object({
    stream_name       = optional(string, "lambda-test")
    shard_count       = optional(number, 1)
    batch_size        = optional(number, 100)
    starting_position = optional(string, "TRIM_HORIZON")
    # Failure handling; the defaults leave the service's own (retry until the records expire, no destination).
    maximum_retry_attempts         = optional(number)
    bisect_batch_on_function_error = optional(bool)
    on_failure_queue_name          = optional(string, "")
  })
  default = null
}

module "kinesis" {
  source = "../kinesis_trigger"
  count  = var.kinesis == null ? 0 : 1

  stream_name        = var.kinesis.stream_name
  shard_count        = var.kinesis.shard_count
  batch_size         = var.kinesis.batch_size
  starting_position  = var.kinesis.starting_position
  function_name      = module.function.function_name
  function_role_name = module.function.role_name

  maximum_retry_attempts         = var.kinesis.maximum_retry_attempts
  bisect_batch_on_function_error = var.kinesis.bisect_batch_on_function_error
  on_failure_queue_name          = var.kinesis.on_failure_queue_name
  # MiniStack drops tags passed to CreateStream, so tagging the stream here would
  # show as a change on every plan after the first apply.
  tags = {}
}

output "kinesis" {
  description = "Stream and event source mapping, for putting records that invoke the function."
  value = var.kinesis == null ? null : {
    stream_name               = module.kinesis[0].stream_name
    event_source_mapping_uuid = module.kinesis[0].event_source_mapping_uuid
    on_failure_queue_url      = module.kinesis[0].on_failure_queue_url
  }
}
