# Stream trigger: a Kinesis stream read by an event source mapping.
# One per trigger set by `kinesis = { ... }` in var.triggers; a setting left out takes its default below.
locals {
  kinesis = { for key, trigger in var.triggers : key => merge({
    stream_name       = "lambda-test"
    shard_count       = 1
    batch_size        = 100
    starting_position = "TRIM_HORIZON"
    # Failure handling; the defaults leave the service's own (retry until the records expire, no destination).
    maximum_retry_attempts         = null
    bisect_batch_on_function_error = null
    on_failure_queue_name          = ""
  }, trigger.kinesis) if try(trigger.kinesis, null) != null }
}

module "kinesis" {
  source   = "../kinesis_trigger"
  for_each = local.kinesis

  stream_name        = each.value.stream_name
  shard_count        = each.value.shard_count
  batch_size         = each.value.batch_size
  starting_position  = each.value.starting_position
  function_name      = module.function.function_name
  function_role_name = module.function.role_name

  maximum_retry_attempts         = each.value.maximum_retry_attempts
  bisect_batch_on_function_error = each.value.bisect_batch_on_function_error
  on_failure_queue_name          = each.value.on_failure_queue_name
  # MiniStack drops tags passed to CreateStream, so tagging the stream here would
  # show as a change on every plan after the first apply.
  tags = {}
}

output "kinesis" {
  description = "Stream and event source mapping, for putting records that invoke the function."
  value = { for key, this in module.kinesis : key => {
    stream_name               = this.stream_name
    event_source_mapping_uuid = this.event_source_mapping_uuid
    on_failure_queue_url      = this.on_failure_queue_url
  } }
}

# Before a function could have several triggers, a stack held one trigger, counted; trig keys the
# walk-through's triggers by their type's name, so their resources keep their place.
moved {
  from = module.kinesis[0]
  to   = module.kinesis["kinesis"]
}
