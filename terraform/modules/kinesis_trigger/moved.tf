# The read policy, the event source mapping and the on-failure queue now live in
# the shared stream_mapping module; these keep stacks applied before the move
# from being replaced.
moved {
  from = aws_iam_role_policy.read_stream
  to   = module.stream_mapping.aws_iam_role_policy.read
}

moved {
  from = aws_lambda_event_source_mapping.this
  to   = module.stream_mapping.aws_lambda_event_source_mapping.this
}

moved {
  from = module.on_failure
  to   = module.stream_mapping.module.on_failure
}

# Before that, the queue and its send policy were resources of this module.
moved {
  from = aws_sqs_queue.on_failure[0]
  to   = module.stream_mapping.module.on_failure[0].aws_sqs_queue.this
}

moved {
  from = aws_iam_role_policy.send_failures[0]
  to   = module.stream_mapping.module.on_failure[0].aws_iam_role_policy.send
}
