# A message received max_receive_count times without being deleted moves here.
resource "aws_sqs_queue" "dead_letter" {
  name = var.dead_letter_queue_name == "" ? "${var.queue_name}-dlq" : var.dead_letter_queue_name
  tags = var.tags
}

resource "aws_sqs_queue" "this" {
  name                       = var.queue_name
  visibility_timeout_seconds = var.visibility_timeout_seconds
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letter.arn
    maxReceiveCount     = var.max_receive_count
  })
  tags = var.tags
}

data "aws_iam_policy_document" "read_queue" {
  statement {
    actions = [
      "sqs:ChangeMessageVisibility",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
      "sqs:ReceiveMessage",
    ]
    resources = [aws_sqs_queue.this.arn]
  }
}

# Lambda polls the queue with the function's own role, so the role must read it.
resource "aws_iam_role_policy" "read_queue" {
  name   = "read-${var.queue_name}"
  role   = var.function_role_name
  policy = data.aws_iam_policy_document.read_queue.json
}

resource "aws_lambda_event_source_mapping" "this" {
  event_source_arn                   = aws_sqs_queue.this.arn
  function_name                      = var.function_name
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds

  depends_on = [aws_iam_role_policy.read_queue]
}
