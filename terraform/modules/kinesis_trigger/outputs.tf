output "stream_name" {
  description = "Name of the stream."
  value       = aws_kinesis_stream.this.name
}

output "stream_arn" {
  description = "ARN of the stream."
  value       = aws_kinesis_stream.this.arn
}

output "event_source_mapping_uuid" {
  description = "UUID of the event source mapping."
  value       = module.stream_mapping.uuid
}

output "on_failure_queue_url" {
  description = "URL of the on-failure destination queue (null without one)."
  value       = module.stream_mapping.on_failure_queue_url
}

output "on_failure_queue_arn" {
  description = "ARN of the on-failure destination queue (null without one)."
  value       = module.stream_mapping.on_failure_queue_arn
}
