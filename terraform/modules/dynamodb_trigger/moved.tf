# The on-failure queue and its send policy now live in the shared failure_queue
# module; these keep stacks applied before the move from being replaced.
moved {
  from = aws_sqs_queue.on_failure[0]
  to   = module.on_failure[0].aws_sqs_queue.this
}

moved {
  from = aws_iam_role_policy.send_failures[0]
  to   = module.on_failure[0].aws_iam_role_policy.send
}
