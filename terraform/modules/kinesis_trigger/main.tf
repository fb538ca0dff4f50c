resource "aws_kinesis_stream" "this" {
  name             = var.stream_name
  shard_count      = var.shard_count
  retention_period = var.retention_period
  tags             = var.tags
}

data "aws_iam_policy_document" "read_stream" {
  statement {
    actions = [
      "kinesis:DescribeStream",
      "kinesis:DescribeStreamSummary",
      "kinesis:GetRecords",
      "kinesis:GetShardIterator",
      "kinesis:ListShards",
      "kinesis:ListStreams",
    ]
    resources = [aws_kinesis_stream.this.arn]
  }
}

# Lambda polls the stream with the function's own role, so the role must read it.
resource "aws_iam_role_policy" "read_stream" {
  name   = "read-${var.stream_name}"
  role   = var.function_role_name
  policy = data.aws_iam_policy_document.read_stream.json
}

resource "aws_lambda_event_source_mapping" "this" {
  event_source_arn  = aws_kinesis_stream.this.arn
  function_name     = var.function_name
  batch_size        = var.batch_size
  starting_position = var.starting_position

  maximum_retry_attempts         = var.maximum_retry_attempts
  bisect_batch_on_function_error = var.bisect_batch_on_function_error

  dynamic "destination_config" {
    for_each = var.on_failure_queue_name == "" ? [] : [module.on_failure[0].arn]
    content {
      on_failure {
        destination_arn = destination_config.value
      }
    }
  }

  depends_on = [aws_iam_role_policy.read_stream, module.on_failure]
}

# Where the mapping describes a batch it gave up on.
module "on_failure" {
  source = "../failure_queue"
  count  = var.on_failure_queue_name == "" ? 0 : 1

  name               = var.on_failure_queue_name
  function_role_name = var.function_role_name
  tags               = var.tags
}
