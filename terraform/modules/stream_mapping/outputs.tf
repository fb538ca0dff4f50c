output "uuid" {
  description = "UUID of the event source mapping."
  value       = aws_lambda_event_source_mapping.this.uuid
}

output "on_failure_queue_url" {
  description = "URL of the on-failure destination queue (null without one)."
  value       = one(module.on_failure[*].url)
}

output "on_failure_queue_arn" {
  description = "ARN of the on-failure destination queue (null without one)."
  value       = one(module.on_failure[*].arn)
}
