output "rule_name" {
  description = "Name of the rule."
  value       = aws_cloudwatch_event_rule.this.name
}

output "rule_arn" {
  description = "ARN of the rule."
  value       = aws_cloudwatch_event_rule.this.arn
}

output "schedule_expression" {
  description = "When the rule fires on its own."
  value       = aws_cloudwatch_event_rule.this.schedule_expression
}

output "event_source" {
  description = "Source of the custom events the rule matches (empty: none)."
  value       = var.event_source
}

output "on_failure_queue_url" {
  description = "URL of the on-failure destination queue (null without one)."
  value       = module.async_invocation.on_failure_queue_url
}

output "on_failure_queue_arn" {
  description = "ARN of the on-failure destination queue (null without one)."
  value       = module.async_invocation.on_failure_queue_arn
}
