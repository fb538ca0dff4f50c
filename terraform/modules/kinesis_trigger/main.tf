resource "aws_kinesis_stream" "this" {
  name             = var.stream_name
  shard_count      = var.shard_count
  retention_period = var.retention_period
  tags             = var.tags
}

# Read access for the function's role, the mapping and its failure handling.
module "stream_mapping" {
  source = "../stream_mapping"

  event_source_arn = aws_kinesis_stream.this.arn
  read_actions = [
    "kinesis:DescribeStream",
    "kinesis:DescribeStreamSummary",
    "kinesis:GetRecords",
    "kinesis:GetShardIterator",
    "kinesis:ListShards",
    "kinesis:ListStreams",
  ]
  policy_name        = "read-${var.stream_name}"
  function_name      = var.function_name
  function_role_name = var.function_role_name
  batch_size         = var.batch_size
  starting_position  = var.starting_position

  maximum_retry_attempts         = var.maximum_retry_attempts
  bisect_batch_on_function_error = var.bisect_batch_on_function_error
  on_failure_queue_name          = var.on_failure_queue_name
  tags                           = var.tags
}
