output "table_name" {
  description = "Name of the table."
  value       = aws_dynamodb_table.this.name
}

output "stream_arn" {
  description = "ARN of the table's stream."
  value       = aws_dynamodb_table.this.stream_arn
}

output "hash_key" {
  description = "Name of the table's partition key."
  value       = aws_dynamodb_table.this.hash_key
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
