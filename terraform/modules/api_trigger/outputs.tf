output "rest_api_id" {
  description = "ID of the REST API."
  value       = aws_api_gateway_rest_api.this.id
}

output "stage_name" {
  description = "Name of the stage serving the API."
  value       = aws_api_gateway_stage.this.stage_name
}

output "path" {
  description = "Path of the resource, with its leading slash."
  value       = aws_api_gateway_resource.this.path
}

output "invoke_url" {
  description = "AWS-style invoke URL of the stage (an emulator serves it under its own endpoint instead)."
  value       = aws_api_gateway_stage.this.invoke_url
}
