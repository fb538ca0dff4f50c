output "function_name" {
  description = "Name of the function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the function."
  value       = aws_lambda_function.this.arn
}

output "invoke_arn" {
  description = "ARN API Gateway uses to invoke the function."
  value       = aws_lambda_function.this.invoke_arn
}

output "role_name" {
  description = "Name of the function's execution role, for triggers that add permissions to it."
  value       = aws_iam_role.this.name
}

output "log_group_name" {
  description = "Log group the function writes to."
  value       = aws_cloudwatch_log_group.this.name
}
