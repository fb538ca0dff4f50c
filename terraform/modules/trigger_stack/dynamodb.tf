# Stream trigger: a DynamoDB table whose stream is read by an event source mapping.
# One per trigger set by `dynamodb = { ... }` in var.triggers; a setting left out takes its default below.
locals {
  dynamodb = { for key, trigger in var.triggers : key => merge({
    table_name        = "lambda-test-table"
    batch_size        = 100
    starting_position = "TRIM_HORIZON"
    # Failure handling; the defaults leave the service's own (retry until the records expire, no destination).
    maximum_retry_attempts         = null
    bisect_batch_on_function_error = null
    on_failure_queue_name          = ""
  }, trigger.dynamodb) if try(trigger.dynamodb, null) != null }
}

module "dynamodb" {
  source   = "../dynamodb_trigger"
  for_each = local.dynamodb

  table_name         = each.value.table_name
  batch_size         = each.value.batch_size
  starting_position  = each.value.starting_position
  function_name      = module.function.function_name
  function_role_name = module.function.role_name
  tags               = var.tags

  maximum_retry_attempts         = each.value.maximum_retry_attempts
  bisect_batch_on_function_error = each.value.bisect_batch_on_function_error
  on_failure_queue_name          = each.value.on_failure_queue_name
}

output "dynamodb" {
  description = "Table, its key and the mapping, for putting items whose stream records invoke the function."
  value = { for key, this in module.dynamodb : key => {
    table_name                = this.table_name
    hash_key                  = this.hash_key
    stream_arn                = this.stream_arn
    event_source_mapping_uuid = this.event_source_mapping_uuid
    on_failure_queue_url      = this.on_failure_queue_url
  } }
}

# Before a function could have several triggers, a stack held one trigger, counted; trig keys the
# walk-through's triggers by their type's name, so their resources keep their place.
moved {
  from = module.dynamodb[0]
  to   = module.dynamodb["dynamodb"]
}
