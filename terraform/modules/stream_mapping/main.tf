# The event source mapping the stream trigger modules share (Kinesis, DynamoDB
# Streams): read access for the function's role, the mapping with its failure
# handling, and optionally the queue that describes a batch it gave up on.
data "aws_iam_policy_document" "read" {
  statement {
    actions   = var.read_actions
    resources = [var.event_source_arn]
  }
}

# Lambda polls the stream with the function's own role, so the role must read it.
resource "aws_iam_role_policy" "read" {
  name   = var.policy_name
  role   = var.function_role_name
  policy = data.aws_iam_policy_document.read.json
}

resource "aws_lambda_event_source_mapping" "this" {
  event_source_arn  = var.event_source_arn
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

  depends_on = [aws_iam_role_policy.read, module.on_failure]
}

# Where the mapping describes a batch it gave up on.
module "on_failure" {
  source = "../failure_queue"
  count  = var.on_failure_queue_name == "" ? 0 : 1

  name               = var.on_failure_queue_name
  function_role_name = var.function_role_name
  tags               = var.tags
}
