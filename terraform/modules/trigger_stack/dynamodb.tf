# Stream trigger: a DynamoDB table whose stream is read by an event source mapping.
# Set by `dynamodb = { ... }` in the instance's trigger; a setting left out takes its default below.
locals {
  dynamodb = try(var.trigger.dynamodb, null) == null ? null : merge({
    table_name        = "lambda-test-table"
    batch_size        = 100
    starting_position = "TRIM_HORIZON"
    # Failure handling; the defaults leave the service's own (retry until the records expire, no destination).
    maximum_retry_attempts         = null
    bisect_batch_on_function_error = null
    on_failure_queue_name          = ""
  }, var.trigger.dynamodb)
}

module "dynamodb" {
  source = "../dynamodb_trigger"
  count  = local.dynamodb == null ? 0 : 1

  table_name         = local.dynamodb.table_name
  batch_size         = local.dynamodb.batch_size
  starting_position  = local.dynamodb.starting_position
  function_name      = module.function.function_name
  function_role_name = module.function.role_name
  tags               = var.tags

  maximum_retry_attempts         = local.dynamodb.maximum_retry_attempts
  bisect_batch_on_function_error = local.dynamodb.bisect_batch_on_function_error
  on_failure_queue_name          = local.dynamodb.on_failure_queue_name
}

output "dynamodb" {
  description = "Table, its key and the mapping, for putting items whose stream records invoke the function."
  value = local.dynamodb == null ? null : {
    table_name                = module.dynamodb[0].table_name
    hash_key                  = module.dynamodb[0].hash_key
    stream_arn                = module.dynamodb[0].stream_arn
    event_source_mapping_uuid = module.dynamodb[0].event_source_mapping_uuid
    on_failure_queue_url      = module.dynamodb[0].on_failure_queue_url
  }
}
