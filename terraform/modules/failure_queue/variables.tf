variable "name" {
  description = "Name of the SQS queue that receives the events or batches Lambda gave up on."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,80}$", var.name))
    error_message = "The on-failure queue name must be 1-80 letters, digits, hyphens or underscores."
  }
}

variable "function_role_name" {
  description = "Name of the function's execution role, which is allowed to send to the queue."
  type        = string

  validation {
    condition     = var.function_role_name != ""
    error_message = "function_role_name is required with on_failure_queue_name."
  }
}

variable "tags" {
  description = "Tags for the queue."
  type        = map(string)
  default     = {}
}
