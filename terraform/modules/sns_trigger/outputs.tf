output "topic_name" {
  description = "Name of the topic."
  value       = aws_sns_topic.this.name
}

output "topic_arn" {
  description = "ARN of the topic."
  value       = aws_sns_topic.this.arn
}

output "subscription_arn" {
  description = "ARN of the function's subscription to the topic."
  value       = aws_sns_topic_subscription.this.arn
}

output "on_failure_queue_url" {
  description = "URL of the on-failure destination queue (null without one)."
  value       = module.async_invocation.on_failure_queue_url
}

output "on_failure_queue_arn" {
  description = "ARN of the on-failure destination queue (null without one)."
  value       = module.async_invocation.on_failure_queue_arn
}
