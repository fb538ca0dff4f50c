output "arn" {
  description = "ARN of the on-failure queue, for a destination config."
  value       = aws_sqs_queue.this.arn
}

output "url" {
  description = "URL of the on-failure queue, to read what reached it."
  value       = aws_sqs_queue.this.url
}
