# The asynchronous invocation settings, the on-failure queue and its send policy
# now live in the shared async_invocation module; these keep stacks applied
# before the move from being replaced.
moved {
  from = aws_lambda_function_event_invoke_config.this
  to   = module.async_invocation.aws_lambda_function_event_invoke_config.this
}

moved {
  from = aws_sqs_queue.on_failure[0]
  to   = module.async_invocation.module.on_failure[0].aws_sqs_queue.this
}

moved {
  from = aws_iam_role_policy.send_failures[0]
  to   = module.async_invocation.module.on_failure[0].aws_iam_role_policy.send
}
