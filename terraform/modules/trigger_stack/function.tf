module "function" {
  source = "../lambda_function"

  function_name = var.function.name
  zip_path      = var.function.zip_path
  zip_hash      = var.function.zip_hash
  handler       = var.function.handler
  runtime       = var.function.runtime
  environment   = var.function.environment
  timeout       = var.function.timeout
  memory_size   = var.function.memory_size
  tags          = var.tags
}

output "function_name" {
  description = "Name of the trigger's function."
  value       = module.function.function_name
}

output "log_group_name" {
  description = "Log group of the trigger's function."
  value       = module.function.log_group_name
}
