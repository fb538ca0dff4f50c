variable "topic_name" {
  description = "Name of the SNS topic whose messages invoke the function."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,256}$", var.topic_name))
    error_message = "topic_name must be 1-256 letters, digits, hyphens or underscores (standard topics only)."
  }
}

variable "function_name" {
  description = "Name of the Lambda function to invoke."
  type        = string
}

variable "function_arn" {
  description = "ARN of the Lambda function the topic delivers to."
  type        = string

  validation {
    condition     = startswith(var.function_arn, "arn:")
    error_message = "function_arn must be an ARN."
  }
}

variable "tags" {
  description = "Tags for the topic (and the queue)."
  type        = map(string)
  default     = {}
}

variable "function_role_name" {
  description = "Name of the function's execution role; needed only with on_failure_queue_name, to let failed events be sent to the queue."
  type        = string
  default     = ""
}

variable "maximum_retry_attempts" {
  description = "Retries (0-2) of a failed asynchronous invocation before the event is dropped or sent on; null keeps Lambda's default (2) and creates no event invoke config."
  type        = number
  default     = null

  validation {
    condition     = var.maximum_retry_attempts == null || (coalesce(var.maximum_retry_attempts, 0) >= 0 && coalesce(var.maximum_retry_attempts, 0) <= 2 && floor(coalesce(var.maximum_retry_attempts, 0)) == coalesce(var.maximum_retry_attempts, 0))
    error_message = "maximum_retry_attempts must be a whole number from 0 to 2, or null for Lambda's default."
  }
}

variable "on_failure_queue_name" {
  description = "Name of an SQS queue the module creates as the on-failure destination of asynchronous invocations; empty: no destination."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^([A-Za-z0-9_-]{1,80})?$", var.on_failure_queue_name))
    error_message = "on_failure_queue_name must be empty or 1-80 letters, digits, hyphens or underscores."
  }
}
