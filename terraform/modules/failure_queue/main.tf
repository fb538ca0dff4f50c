# An on-failure destination: the queue that receives what Lambda gave up on,
# and the right for the function's role to send to it (Lambda delivers to a
# destination with the function's own role, for asynchronous invocations and
# event-source mappings alike).
resource "aws_sqs_queue" "this" {
  name = var.name
  tags = var.tags
}

data "aws_iam_policy_document" "send" {
  statement {
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.this.arn]
  }
}

resource "aws_iam_role_policy" "send" {
  name   = "send-failures-${var.name}"
  role   = var.function_role_name
  policy = data.aws_iam_policy_document.send.json
}
