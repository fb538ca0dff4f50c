resource "aws_dynamodb_table" "this" {
  name         = var.table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = var.hash_key

  attribute {
    name = var.hash_key
    type = "S"
  }

  # Every change is written to the stream with the item before and after it.
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"

  tags = var.tags
}

# Read access for the function's role, the mapping and its failure handling.
module "stream_mapping" {
  source = "../stream_mapping"

  event_source_arn = aws_dynamodb_table.this.stream_arn
  read_actions = [
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:ListStreams",
  ]
  policy_name        = "read-${var.table_name}-stream"
  function_name      = var.function_name
  function_role_name = var.function_role_name
  batch_size         = var.batch_size
  starting_position  = var.starting_position

  maximum_retry_attempts         = var.maximum_retry_attempts
  bisect_batch_on_function_error = var.bisect_batch_on_function_error
  on_failure_queue_name          = var.on_failure_queue_name
  tags                           = var.tags
}
