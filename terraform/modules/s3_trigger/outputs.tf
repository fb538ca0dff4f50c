output "bucket_name" {
  description = "Name of the bucket."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the bucket."
  value       = aws_s3_bucket.this.arn
}

output "on_failure_queue_url" {
  description = "URL of the on-failure destination queue (null without one)."
  value       = module.async_invocation.on_failure_queue_url
}

output "on_failure_queue_arn" {
  description = "ARN of the on-failure destination queue (null without one)."
  value       = module.async_invocation.on_failure_queue_arn
}
