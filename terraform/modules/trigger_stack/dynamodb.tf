variable "dynamodb" {
  description = "Stream trigger: a DynamoDB table whose stream is read by an event source mapping (null when this instance holds another trigger)."
  type = object({
    table_name        = optional(string, "lambda-test-table")
    batch_size        = optional(number, 100)
    starting_position = optional(string, "TRIM_HORIZON")
    # Failure handling; the defaults leave the service's own (retry until the records expire, no destination).
    maximum_retry_attempts         = optional(number)
    bisect_batch_on_function_error = optional(bool)
    on_failure_queue_name          = optional(string, "")
  })
  default = null
}

module "dynamodb" {
  source = "../dynamodb_trigger"
  count  = var.dynamodb == null ? 0 : 1

  table_name         = var.dynamodb.table_name
  batch_size         = var.dynamodb.batch_size
  starting_position  = var.dynamodb.starting_position
  function_name      = module.function.function_name
  function_role_name = module.function.role_name
  tags               = var.tags

  maximum_retry_attempts         = var.dynamodb.maximum_retry_attempts
  bisect_batch_on_function_error = var.dynamodb.bisect_batch_on_function_error
  on_failure_queue_name          = var.dynamodb.on_failure_queue_name
}

output "dynamodb" {
  description = "Table, its key and the mapping, for putting items whose stream records invoke the function."
  value = var.dynamodb == null ? null : {
    table_name                = module.dynamodb[0].table_name
    hash_key                  = module.dynamodb[0].hash_key
    stream_arn                = module.dynamodb[0].stream_arn
    event_source_mapping_uuid = module.dynamodb[0].event_source_mapping_uuid
    on_failure_queue_url      = module.dynamodb[0].on_failure_queue_url
  }
}
