# Stream trigger: a Kinesis stream read by an event source mapping.
# Set by `kinesis = { ... }` in the instance's trigger; a setting left out takes its default below.
locals {
  kinesis = try(var.trigger.kinesis, null) == null ? null : merge({
    stream_name       = "lambda-test"
    shard_count       = 1
    batch_size        = 100
    starting_position = "TRIM_HORIZON"
    # Failure handling; the defaults leave the service's own (retry until the records expire, no destination).
    maximum_retry_attempts         = null
    bisect_batch_on_function_error = null
    on_failure_queue_name          = ""
  }, var.trigger.kinesis)
}

module "kinesis" {
  source = "../kinesis_trigger"
  count  = local.kinesis == null ? 0 : 1

  stream_name        = local.kinesis.stream_name
  shard_count        = local.kinesis.shard_count
  batch_size         = local.kinesis.batch_size
  starting_position  = local.kinesis.starting_position
  function_name      = module.function.function_name
  function_role_name = module.function.role_name

  maximum_retry_attempts         = local.kinesis.maximum_retry_attempts
  bisect_batch_on_function_error = local.kinesis.bisect_batch_on_function_error
  on_failure_queue_name          = local.kinesis.on_failure_queue_name
  # MiniStack drops tags passed to CreateStream, so tagging the stream here would
  # show as a change on every plan after the first apply.
  tags = {}
}

output "kinesis" {
  description = "Stream and event source mapping, for putting records that invoke the function."
  value = local.kinesis == null ? null : {
    stream_name               = module.kinesis[0].stream_name
    event_source_mapping_uuid = module.kinesis[0].event_source_mapping_uuid
    on_failure_queue_url      = module.kinesis[0].on_failure_queue_url
  }
}
