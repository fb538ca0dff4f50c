variable "api_name" {
  description = "Name of the REST API."
  type        = string

  validation {
    condition     = length(trimspace(var.api_name)) > 0 && length(var.api_name) <= 1024
    error_message = "api_name must be a non-empty name of at most 1024 characters."
  }
}

variable "path_part" {
  description = "Path segment of the resource under the API root, without slashes (hello serves /hello)."
  type        = string
  default     = "hello"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]+$", var.path_part))
    error_message = "path_part must be one path segment of letters, digits, dots, hyphens or underscores, without slashes."
  }
}

variable "http_method" {
  description = "HTTP method the resource answers."
  type        = string
  default     = "GET"

  validation {
    condition     = contains(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "ANY"], var.http_method)
    error_message = "http_method must be one of GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS or ANY."
  }
}

variable "stage_name" {
  description = "Name of the deployment stage."
  type        = string
  default     = "prod"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,128}$", var.stage_name))
    error_message = "stage_name must be 1-128 letters, digits, hyphens or underscores."
  }
}

variable "function_name" {
  description = "Name of the Lambda function the method invokes."
  type        = string
}

variable "function_invoke_arn" {
  description = "Invoke ARN of the Lambda function (the lambda_function module's invoke_arn)."
  type        = string

  validation {
    condition     = startswith(var.function_invoke_arn, "arn:")
    error_message = "function_invoke_arn must be an ARN."
  }
}

variable "tags" {
  description = "Tags for the REST API and its stage."
  type        = map(string)
  default     = {}
}

variable "statement_id" {
  description = "Id of the statement that lets the service invoke the function; one per trigger of a function."
  type        = string
  default     = "apigateway-invoke"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,100}$", var.statement_id))
    error_message = "statement_id must be 1 to 100 letters, digits, hyphens or underscores."
  }
}
