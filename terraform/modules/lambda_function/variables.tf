variable "function_name" {
  description = "Name of the Lambda function; its log group is /aws/lambda/<function_name>."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.function_name))
    error_message = "function_name must be 1-64 characters of letters, digits, hyphens or underscores."
  }
}

variable "zip_path" {
  description = "Path of the deployment package (a zip built by trig)."
  type        = string

  validation {
    condition     = endswith(var.zip_path, ".zip")
    error_message = "zip_path must point at a .zip file."
  }
}

variable "zip_hash" {
  description = "Base64-encoded SHA-256 of the zip; a change redeploys the code."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9+/]{43}=$", var.zip_hash))
    error_message = "zip_hash must be the base64-encoded SHA-256 of the zip (44 characters)."
  }
}

variable "handler" {
  description = "Handler entry point, module.function."
  type        = string
  default     = "handler.handler"
}

variable "runtime" {
  description = "Lambda runtime identifier."
  type        = string
  default     = "python3.12"

  validation {
    condition     = can(regex("^(python|nodejs)[0-9.x]+$", var.runtime))
    error_message = "runtime must be a Python or Node.js runtime such as python3.12."
  }
}

variable "environment" {
  description = "Environment variables of the function."
  type        = map(string)
  default     = {}
}

variable "timeout" {
  description = "Timeout of one invocation, in seconds."
  type        = number
  default     = 10

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900
    error_message = "timeout must be between 1 and 900 seconds."
  }
}

variable "memory_size" {
  description = "Memory of the function, in MB."
  type        = number
  default     = 128

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240 MB."
  }
}

variable "log_retention_days" {
  description = "Days to keep the function's logs."
  type        = number
  default     = 7
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
